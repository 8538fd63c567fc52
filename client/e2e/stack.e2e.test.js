// The agent's journey on the whole local stack (./dev up): agent page (local CIF host with the panel web resource
// /WebResources/cifpipe_/panel.html + the built dist/signalRadaptor.js in an iframe) and telephony simulator, real Functions apps, Service Bus and SignalR
// emulators, embedded Entra. Starts the stack itself when none is running.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ensureStack } from "./support/devstack.js";
import {
  launchBrowser,
  recordConsole,
  recordNotices,
  screenshot,
  waitForIndicator,
  waitForNotice,
} from "./support/browser.js";
import { endCall, panelFrame, placeCalls, signInWithPopup } from "./support/host.js";

describe("agent journey on the local stack", { timeout: 600_000 }, () => {
  let stack;
  let browser;
  let context;
  let agent;
  let telephony;
  const consoleLines = [];
  let alice;
  let agentNotices;

  before(async () => {
    stack = await ensureStack();
    alice = stack.config.agents.find((a) => a.key === "alice") || stack.config.agents[0];
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    agent = await context.newPage();
    recordConsole(agent, consoleLines);
    agentNotices = recordNotices(agent);
    telephony = await context.newPage();
    recordConsole(telephony, consoleLines);
  });

  after(async () => {
    if (consoleLines.length) console.log(`browser console (errors/warnings):\n${consoleLines.slice(-40).join("\n")}`);
    await browser?.close();
    await stack?.stop();
  });

  /**
   * Places a call for alice from the telephony simulator; returns the unique caller name used. Like a
   * real telephony system it retries (as a new call) when ingress is not answering yet (502/503 while
   * the Functions apps warm up on a busy machine).
   */
  async function placeCall({ ringSeconds = 60 } = {}) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await placeCallOnce({ ringSeconds });
      } catch (err) {
        if (attempt >= 4 || !/HTTP 50[23]/.test(err.message)) throw err;
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  }

  function placeCallOnce({ ringSeconds }) {
    return placeCalls(telephony, stack.web, alice, { ringSeconds });
  }

  async function toastFor(page, caller, timeout = 30_000) {
    const toast = page.locator(".cif-toast", { hasText: caller }).first();
    await toast.waitFor({ timeout });
    return toast;
  }

  async function outcomeOf(caller, outcome, timeout = 30_000) {
    await telephony.locator("#calls tr", { hasText: caller }).filter({ hasText: outcome }).first().waitFor({ timeout });
  }

  test("sign in as a demo agent (MSAL popup from the panel iframe) → indicator green", async () => {
    await agent.goto(`${stack.web}/agent.html`);
    await signInWithPopup(agent, alice.key, "stack-01");
    await screenshot(agent, "stack-02-connected");
  });

  test("telephony posts a call → popup with caller and countdown → Accept → outcome Accepted", async () => {
    const caller = await placeCall();
    const toast = await toastFor(agent, caller);
    // {countdown}: the ring time left when shown (the host's own timer counts the template's msdyn_timeout)
    const rings = await toast.evaluate(
      (t) =>
        [...t.querySelectorAll("dt")].find((d) => d.textContent === "Rings for")?.nextElementSibling?.textContent || "",
    );
    const count = Number(rings.replace(/\D/g, ""));
    assert.ok(count > 20 && count <= 60, `countdown ${rings}`);
    await screenshot(agent, "stack-03-popup");
    await toast.locator(".cif-toast__accept").click();
    await waitForNotice(agentNotices, new RegExp(`Call from ${caller} accepted`));
    await outcomeOf(caller, "Accepted");
    await screenshot(telephony, "stack-04-outcome-accepted");
    await endCall(telephony, agent, caller);
  });

  test("Reject → outcome Rejected", async () => {
    const caller = await placeCall();
    const toast = await toastFor(agent, caller);
    await toast.locator(".cif-toast__reject").click();
    await outcomeOf(caller, "Rejected");
    await screenshot(telephony, "stack-05-outcome-rejected");
  });

  test("a call that rings out → 'You missed a call from …' and the missed list; outcome Expired, never Rejected", async () => {
    const caller = await placeCall({ ringSeconds: 8 });
    await toastFor(agent, caller);
    const panel = await panelFrame(agent); // the agent panel lives in the web resource iframe
    await panel.waitForSelector("#cif-call:not([hidden])", { timeout: 30_000 });
    await screenshot(agent, "stack-05b-ringing-panel");
    await waitForNotice(agentNotices, new RegExp(`You missed a call from ${caller}\\.`), 40_000);
    assert.ok(
      !agentNotices.some((n) => n.includes(caller) && /before your answer|rejected/.test(n)),
      agentNotices.join("\n"),
    );
    await panel.locator("#cif-missed-list li", { hasText: caller }).first().waitFor({ timeout: 15_000 });
    await outcomeOf(caller, "Expired", 60_000);
    await screenshot(agent, "stack-05c-missed");
  });

  test("two tabs: one decision wins, the other popup closes", async () => {
    const second = await context.newPage();
    recordConsole(second, consoleLines);
    try {
      await second.goto(`${stack.web}/agent.html`);
      await waitForIndicator(await panelFrame(second), "connected", 60_000);
      const caller = await placeCall();
      await toastFor(agent, caller);
      const toast2 = await toastFor(second, caller);
      await toast2.locator(".cif-toast__accept").click();
      await agent.locator(".cif-toast", { hasText: caller }).waitFor({ state: "detached", timeout: 30_000 });
      await waitForNotice(agentNotices, new RegExp(`call from ${caller} was already handled in another window`));
      await outcomeOf(caller, "Accepted");
      await screenshot(agent, "stack-06-other-tab-closed");
      await endCall(telephony, agent, caller);
    } finally {
      await second.close();
    }
  });

  test("SignalR emulator restarted → amber → green; a call placed meanwhile still pops", async () => {
    // Needs the devstack hook POST /api/dev/signalr/restart {"downSeconds": n} (restart on the same port).
    const res = await fetch(`${stack.web}/api/dev/signalr/restart`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ downSeconds: 5 }),
    });
    assert.equal(
      res.status < 300,
      true,
      `devstack has no SignalR restart hook (POST /api/dev/signalr/restart answered ${res.status}); the emulator restart path is covered by client-panel.e2e.test.js`,
    );
    await waitForIndicator(await panelFrame(agent), "reconnecting", 30_000);
    await screenshot(agent, "stack-07-reconnecting");
    const caller = await placeCall({ ringSeconds: 90 });
    await waitForIndicator(await panelFrame(agent), "connected", 90_000);
    const toast = await toastFor(agent, caller, 90_000);
    await screenshot(agent, "stack-08-popup-after-restart");
    await toast.locator(".cif-toast__accept").click();
    await outcomeOf(caller, "Accepted", 60_000);
    await endCall(telephony, agent, caller);
  });
});
