import { getJson, el, fmtTime } from "/common.js";

// The local "Dynamics" page. The panel is the web resource /WebResources/cifpipe_/panel.html in an iframe, exactly
// the files client/webresource/ + client/dist/ that the Dataverse solution ships. Its connection settings come from
// the environment variables this page's window.Xrm serves (cif-host.js); page options travel as Dynamics passes
// them to web resources: the `data` query parameter. Query parameters of this page that become options:
//   ?template=<notification template>  ?screenPop=search|context|off  ?sessionTemplate=<session template>
//   ?interaction=redirect (default popup, as in Dynamics)
const config = await getJson("/api/config");
const params = new URLSearchParams(location.search);
const options = {};
if (params.get("template")) options.notificationTemplate = params.get("template");
if (params.get("interaction") === "redirect") options.interactionType = "redirect";
if (params.get("screenPop") || params.get("sessionTemplate")) {
  options.screenPop = {};
  if (params.get("screenPop")) options.screenPop.mode = params.get("screenPop");
  if (params.get("sessionTemplate")) options.screenPop.sessionTemplate = params.get("sessionTemplate");
}
const frame = document.getElementById("cif-panel");
frame.src =
  "/WebResources/cifpipe_/panel.html" +
  (Object.keys(options).length ? `?data=${encodeURIComponent(JSON.stringify(options))}` : "");

const banner = document.getElementById("banner");
fetch("/WebResources/cifpipe_/signalRadaptor.js", { method: "HEAD" })
  .then((r) => {
    if (!r.ok)
      banner.replaceChildren(
        el(
          "div",
          { class: "banner error" },
          "The client script (client/dist/signalRadaptor.js) is not built. Run ./dev up, which builds it (npm run build in client/).",
        ),
      );
  })
  .catch(() => {});

const hostLog = document.getElementById("host-log");
function summarise(entry) {
  const [first] = entry.args || [];
  if (entry.api === "notifyEvent" && first && first.templateParameters) {
    const p = first.templateParameters;
    return `${first.templateName} · ${p.caller || ""} · ${p.queue || ""} · ${p.countdown ?? ""} s → ${String(entry.result).slice(0, 120)}`;
  }
  const result = typeof entry.result === "object" ? JSON.stringify(entry.result) : String(entry.result);
  return `${JSON.stringify(entry.args).slice(0, 160)} → ${result.slice(0, 160)}`;
}
window.addEventListener("cif-host-call", (ev) => {
  if (hostLog.querySelector(".empty")) hostLog.replaceChildren();
  hostLog.prepend(
    el(
      "tr",
      {},
      el("td", {}, fmtTime(ev.detail.at)),
      el("td", { class: "mono" }, ev.detail.api),
      el("td", { class: "details" }, summarise(ev.detail)),
    ),
  );
  while (hostLog.children.length > 50) hostLog.lastChild.remove();
});

// Who is signed in (the panel's MSAL account; same origin, so the page may look into its frame) and switching agents.
const who = document.getElementById("who");
const signOut = document.getElementById("sign-out");
signOut.onclick = () => {
  for (const store of [localStorage, sessionStorage]) {
    Object.keys(store)
      .filter((k) => k.startsWith("msal.") || k.includes("login.windows") || k.includes("-" + config.clientId))
      .forEach((k) => store.removeItem(k));
  }
  location.reload();
};
setInterval(() => {
  let adaptor = null;
  try {
    adaptor = frame.contentWindow.SignalRAdaptor && frame.contentWindow.SignalRAdaptor.current();
  } catch {
    adaptor = null;
  }
  const account = adaptor && adaptor.auth && typeof adaptor.auth.account === "function" ? adaptor.auth.account() : null;
  if (account) {
    const agent = config.agents.find((a) => a.oid === (account.localAccountId || account.idTokenClaims?.oid)) || {};
    who.replaceChildren(
      el(
        "div",
        {},
        el("b", {}, account.name || agent.name || account.username),
        ` (${account.username || agent.preferredUsername || ""})`,
      ),
      el("div", { class: "mono muted" }, `oid ${account.idTokenClaims?.oid || account.localAccountId || ""}`),
    );
    signOut.hidden = false;
  }
}, 1000);
