// Helpers for the local Dynamics host page (/agent.html): the panel is the web resource in an iframe.
import { screenshot, waitForIndicator } from "./browser.js";

/** The panel's frame (/WebResources/cifpipe_/panel.html) once its indicator exists. */
export async function panelFrame(page, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = page.frames().find((f) => /\/WebResources\/cifpipe_\/panel\.html/.test(f.url()));
    if (frame && (await frame.$("#cif-adaptor-status").catch(() => null))) return frame;
    if (Date.now() > deadline) throw new Error("the panel iframe did not load /WebResources/cifpipe_/panel.html with its indicator");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs in from the panel's Sign in button: MSAL popup → local Entra → relay page → popup closes → green. */
export async function signInWithPopup(page, agentKey, name = "signin") {
  const frame = await panelFrame(page);
  await waitForIndicator(frame, "disconnected", 30_000);
  const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: 30_000 }), frame.click("#cif-adaptor-signin")]);
  await popup.waitForSelector(`button[data-agent="${agentKey}"]`, { timeout: 30_000 });
  await screenshot(popup, `${name}-entra-login`);
  const urls = [];
  popup.on("request", (r) => { if (r.isNavigationRequest()) urls.push(r.url()); });
  const closed = popup.waitForEvent("close", { timeout: 30_000 }).then(() => true, () => popup.isClosed());
  await popup.click(`button[data-agent="${agentKey}"]`);
  await waitForIndicator(frame, "connected", 60_000);
  return { frame, relayUrl: urls.find((u) => /\/WebResources\/cifpipe_\/redirect\.html/.test(u)) || urls.join(" "), popupClosed: closed };
}
