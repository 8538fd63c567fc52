/*
 * Local stand-in for Microsoft's CIF 2.0 widget library, served as /WebResources/Widget/msdyn_ciLibrary.js.
 * Loaded INSIDE the channel provider iframe (the panel); forwards every call to the host in the top window
 * (cif-host.js), as Microsoft's library forwards to the Dynamics window, and raises CIFInitDone when the host is
 * ready. Like Microsoft's library it needs the org URL (script attributes data-cifid="CIFMainLibrary" and
 * data-crmurl, or the ucilib URL parameter) and only then initialises; calls made before CIFInitDone are
 * rejected (Microsoft documents no behaviour for them; waiting for CIFInitDone is the documented rule).
 */
(function () {
  "use strict";
  const script = document.currentScript;
  const crmUrl = (script && script.getAttribute("data-crmurl")) || new URLSearchParams(location.search).get("ucilib");
  const cifId = script && script.getAttribute("data-cifid");
  let host = null;
  let initialised = false;
  const notReady = (api) =>
    Promise.reject(
      JSON.stringify({
        message: "RejectAfterClientError",
        msdyn_name: api,
        detail: "Channel Integration Framework is not initialised yet: wait for the CIFInitDone event",
      }),
    );

  const names = [
    "notifyEvent",
    "cancelEvent",
    "canCreateSession",
    "createSession",
    "getFocusedSession",
    "searchAndOpenRecords",
    "setPresence",
    "getPresence",
    "setClickToAct",
    "getClickToAct",
    "getEnvironment",
    "addHandler",
    "removeHandler",
    "setMode",
    "getMode",
    "setWidth",
    "getWidth",
  ];
  const api = {};
  for (const name of names) {
    api[name] = function () {
      if (!initialised) return notReady(name.charAt(0).toUpperCase() + name.slice(1));
      return host.api[name].apply(null, arguments);
    };
  }
  window.Microsoft = window.Microsoft || {};
  window.Microsoft.CIFramework = api;

  if (!crmUrl || (script && script.hasAttribute("data-crmurl") && cifId !== "CIFMainLibrary")) {
    console.error(
      '[msdyn_ciLibrary local] no Dynamics URL: add data-cifid="CIFMainLibrary" data-crmurl="https://<org>" to the script tag (or ?ucilib=)',
    );
    return;
  }
  try {
    host =
      window.top !== window && new URL(crmUrl).origin === window.top.location.origin ? window.top.__cifpipeHost : null;
  } catch (e) {
    host = null; // cross-origin top window: not our host
  }
  if (!host) {
    console.error(
      "[msdyn_ciLibrary local] not inside the local Dynamics host page for " + crmUrl + " (open /agent.html)",
    );
    return;
  }
  host.ready.then(() => {
    initialised = true;
    window.dispatchEvent(new Event("CIFInitDone"));
  });
})();
