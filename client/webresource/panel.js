/*
 * Web resource cifpipe_/panel.js: boots the channel provider page (panel.html).
 * 1. Loads Microsoft's CIF 2.0 library from this org. The web resource is served by the org itself, so the
 *    library lives at ../Widget/msdyn_ciLibrary.js and the org URL is this page's origin ("Pass a Dynamics 365
 *    URL to a widget library": data-cifid="CIFMainLibrary", data-crmurl="https://<org>").
 * 2. Sets page options for the adaptor (window.cifAdaptorConfig). The connection settings come from the
 *    solution's environment variables (cifpipe_*), which settings.js reads through window.top.Xrm and merges
 *    under these options; anything set here overrides them (see dataverse-solution/README.md).
 */
(function () {
  "use strict";
  // CIF 2.0: APIs may be used only after CIFInitDone. Listen before the library exists, so it cannot pass unseen.
  window.addEventListener(
    "CIFInitDone",
    function () {
      window.__cifpipeCifInitDone = true;
    },
    { once: true },
  );
  var lib = document.createElement("script");
  lib.src = new URL("../Widget/msdyn_ciLibrary.js", document.baseURI).href;
  lib.setAttribute("data-cifid", "CIFMainLibrary");
  lib.setAttribute("data-crmurl", window.location.origin);
  document.head.appendChild(lib);

  var page = window.cifAdaptorConfig || {};
  // Options passed the way Dynamics passes them to a web resource: ?data=<JSON> on the channel URL.
  var data = new URLSearchParams(window.location.search).get("data");
  if (data) {
    try {
      var extra = JSON.parse(data);
      ["notificationTemplate", "screenPop", "presenceMap", "interactionType", "loginHint", "redirectUri"].forEach(
        function (k) {
          if (extra && extra[k] !== undefined && page[k] === undefined) page[k] = extra[k];
        },
      );
    } catch (e) {
      console.error("[cif-adaptor] the web resource data parameter is not JSON; ignored");
    }
  }
  if (!page.statusElement) page.statusElement = "#cif-status";
  // The relay page next to this one: register exactly this URL as a "Single-page application" redirect URI.
  if (!page.redirectUri) page.redirectUri = new URL("redirect.html", document.baseURI).href;
  window.cifAdaptorConfig = page;
})();
