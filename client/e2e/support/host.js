// Helpers for the local Dynamics host page (/agent.html): the panel is the web resource in an iframe.
import { randomUUID } from "node:crypto";
import { screenshot, waitForIndicator } from "./browser.js";

/** The panel's frame (/WebResources/cifpipe_/panel.html) once its indicator exists. */
export async function panelFrame(page, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = page.frames().find((f) => /\/WebResources\/cifpipe_\/panel\.html/.test(f.url()));
    if (frame && (await frame.$("#cif-adaptor-status").catch(() => null))) return frame;
    if (Date.now() > deadline)
      throw new Error("the panel iframe did not load /WebResources/cifpipe_/panel.html with its indicator");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs in from the panel's Sign in button: MSAL popup → local Entra → relay page → popup closes → green. */
export async function signInWithPopup(page, agentKey, name = "signin") {
  const frame = await panelFrame(page);
  await waitForIndicator(frame, "disconnected", 30_000);
  const [popup] = await Promise.all([
    page.waitForEvent("popup", { timeout: 30_000 }),
    frame.click("#cif-adaptor-signin"),
  ]);
  await popup.waitForSelector(`button[data-agent="${agentKey}"]`, { timeout: 30_000 });
  await screenshot(popup, `${name}-entra-login`);
  const urls = [];
  popup.on("request", (r) => {
    if (r.isNavigationRequest()) urls.push(r.url());
  });
  const closed = popup.waitForEvent("close", { timeout: 30_000 }).then(
    () => true,
    () => popup.isClosed(),
  );
  await popup.click(`button[data-agent="${agentKey}"]`);
  await waitForIndicator(frame, "connected", 60_000);
  return {
    frame,
    relayUrl: urls.find((u) => /\/WebResources\/cifpipe_\/redirect\.html/.test(u)) || urls.join(" "),
    popupClosed: closed,
  };
}

/**
 * Places `count` calls (one batch) for one agent from the telephony simulator page; resolves with the unique
 * caller name used. Throws "ingress did not accept the call: … HTTP nnn …" when ingress answers anything but 202.
 */
export async function placeCalls(
  telephony,
  web,
  agent,
  { ringSeconds = 60, count = 1, callerNumber = "+442079460018" } = {},
) {
  const caller = `E2E ${randomUUID().slice(0, 8)}`;
  await telephony.goto(`${web}/telephony.html`);
  await telephony.waitForSelector("#agents input[type=checkbox]");
  for (const box of await telephony.$$("#agents input[type=checkbox]")) {
    const value = await box.getAttribute("value");
    if ((value === agent.oid) !== (await box.isChecked())) await box.click();
  }
  await telephony.fill("#callerName", caller);
  // E.164 without spaces: ingress validates numbers strictly (+442079460018 is the demo contact Maria Garcia)
  await telephony.fill("#callerNumber", callerNumber);
  await telephony.fill("#calledNumber", "+442079460000");
  await telephony.fill("#ringSeconds", String(ringSeconds));
  await telephony.fill("#count", String(count));
  const before = (await telephony.textContent("#log")) || "";
  await telephony.click("#place-btn");
  // one batch per click: the simulator logs ingress' answer once; anything but 202 is a stack problem, named here
  const answer = await telephony
    .waitForFunction(
      (n) => {
        const lines = (document.getElementById("log").textContent || "")
          .slice(n)
          .split("\n")
          .filter((l) => /HTTP \d{3}/.test(l));
        return lines.length ? lines[lines.length - 1] : null;
      },
      before.length,
      { timeout: 60_000 },
    )
    .then((h) => h.jsonValue());
  if (!/HTTP 202/.test(answer)) {
    await screenshot(telephony, "stack-telephony-ingress-error");
    throw new Error(`ingress did not accept the call: ${answer}`);
  }
  return caller;
}

/**
 * Telephony ends an accepted call ("End" on the simulator page) and waits until the agent's panel no longer shows
 * "On a call": an Accept keeps the agent busy with the call until call.ended (issue 20's capacity, default 1), so
 * the next call to her would otherwise end Unavailable/at-capacity.
 */
export async function endCall(telephony, agentPage, caller) {
  const panel = await panelFrame(agentPage);
  const onCall = panel.locator("#cif-on-call");
  await onCall.waitFor({ state: "visible", timeout: 15_000 });
  await telephony
    .locator("#calls tr", { hasText: caller })
    .first()
    .getByRole("button", { name: "End", exact: true })
    .click();
  await onCall.waitFor({ state: "hidden", timeout: 30_000 });
}
