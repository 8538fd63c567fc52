// Browser end-to-end for the client alone: real Chromium, real MSAL (OIDC mode) against the embedded
// OpenID provider, real @microsoft/signalr against the project's SignalR emulator, a CIF stand-in and
// a stand-in presence app. Runs without ./dev up; the full-stack journey is in stack.e2e.test.js.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startClientStack } from "./support/client-stack.js";
import { launchBrowser, recordConsole, screenshot, waitForIndicator } from "./support/browser.js";
import { sendToUser } from "../test/support/emulator.js";

function notification(id, { ringSeconds = 45, callerName = "Grace Hopper", agent = "alice" } = {}) {
  const now = Date.now();
  return {
    notificationId: id,
    callId: `call-${id}`,
    agentId: agent,
    callerNumber: "+49 30 1234567",
    callerName,
    calledNumber: "+49 30 999",
    queue: "Premium support",
    customerContext: { account: "ACME GmbH", tier: "gold" },
    offeredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ringSeconds * 1000).toISOString(),
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  };
}

describe("CIF panel script in Chromium (client stack)", { timeout: 240_000 }, () => {
  let stack;
  let browser;
  let context;
  let page;
  const consoleLines = [];

  before(async () => {
    stack = await startClientStack();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 360, height: 420 } });
    page = await context.newPage();
    recordConsole(page, consoleLines);
  });

  after(async () => {
    if (consoleLines.length) console.log(`browser console (errors/warnings):\n${consoleLines.slice(-40).join("\n")}`);
    await browser?.close();
    await stack?.stop();
  });

  test("signed out: gray indicator with a Sign in button; sign-in through MSAL popup → green", async () => {
    await page.goto(stack.panelUrl);
    await waitForIndicator(page, "disconnected");
    await page.waitForSelector("#cif-adaptor-signin:not([hidden])");
    const status = await page.$eval("#cif-adaptor-status", (e) => ({
      role: e.getAttribute("role"),
      live: e.getAttribute("aria-live"),
      label: e.getAttribute("aria-label"),
      colour: e.dataset.colour,
    }));
    assert.equal(status.role, "status");
    assert.equal(status.live, "polite");
    assert.equal(status.colour, "gray");
    assert.match(status.label, /Not connected/);
    await screenshot(page, "client-01-signed-out");

    const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#cif-adaptor-signin")]);
    await popup.waitForSelector("input[name=username]", { timeout: 30_000 });
    await popup.fill("input[name=username]", "alice");
    await screenshot(popup, "client-02-sign-in-form");
    await popup.click("input[type=submit]");
    await waitForIndicator(page, "connected", 40_000);
    assert.equal(await page.$eval("#cif-adaptor-status", (e) => e.dataset.colour), "green");
    assert.ok(
      stack.presence.state.negotiations.some((n) => n.userId === "alice"),
      "negotiate carried a token the provider signed for alice",
    );
    // the panel registered its connection itself (POST userclient through CORS with Authorization + Content-Type)
    const reg = await page.evaluate(() => window.SignalRAdaptor.registerClient());
    assert.equal(reg.status, "registered", JSON.stringify(reg));
    assert.equal(reg.userId, "alice");
    assert.ok(
      stack.presence.state.registrations.some(
        (r) => r.userId === "alice" && r.status === 200 && r.connectionId === reg.connectionId,
      ),
      "the stand-in presence app recorded alice's connection",
    );
    await screenshot(page, "client-03-connected");
    // token refresh through MSAL (refresh-token grant at the provider), no interaction
    const tokens = await page.evaluate(async () => {
      const auth = window.SignalRAdaptor.current().auth;
      const cached = await auth.getAccessToken();
      const again = await auth.getAccessToken();
      const refreshed = await auth.getAccessToken({ forceRefresh: true });
      return {
        cachedReused: cached === again,
        refreshedDiffers: refreshed !== cached,
        sub: JSON.parse(atob(refreshed.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub,
      };
    });
    assert.deepEqual(tokens, { cachedReused: true, refreshedDiffers: true, sub: "alice" });
  });

  test("notify → CIF popup with caller, queue, context and countdown → Accept → recorded", async () => {
    await sendToUser(stack.emulator, "cifhub", "alice", "notify", [notification("n-acc")]);
    await page.waitForSelector(".cif-notification .caller", { timeout: 15_000 });
    assert.equal(await page.textContent(".cif-notification .caller"), "Grace Hopper (+49 30 1234567)");
    assert.match(await page.textContent(".cif-notification .queue"), /Premium support/);
    assert.match(await page.textContent(".cif-notification .context"), /account: ACME GmbH/);
    const countdown = Number((await page.textContent(".cif-notification .countdown")).replace(/\D/g, ""));
    assert.ok(countdown > 35 && countdown <= 45, `countdown ${countdown}`);
    const shown = await page.evaluate(() =>
      window.cifStandIn.shown.map((s) => ({
        template: s.input.templateName,
        token: s.token,
        correlationId: s.correlationId,
      })),
    );
    assert.deepEqual(shown, [
      {
        template: "cifpipe_incoming_call",
        token: "cifpipe-n-acc",
        correlationId: "4bf92f35-77b3-4da6-a3ce-929d0e0e4736",
      },
    ]);
    await screenshot(page, "client-04-popup");

    // the same notification again (server retry / replay) must not pop twice
    await sendToUser(stack.emulator, "cifhub", "alice", "notify", [notification("n-acc")]);
    await page.waitForTimeout(300);
    assert.equal(await page.locator(".cif-notification").count(), 1);

    await page.click(".cif-notification .accept");
    await page.waitForFunction(() => /accepted/.test(document.getElementById("cif-adaptor-notice").textContent), null, {
      timeout: 15_000,
    });
    assert.deepEqual(
      stack.decisions.filter((d) => d.notificationId === "n-acc"),
      [{ userId: "alice", notificationId: "n-acc", decision: "accept", reason: "Accept" }],
    );
    assert.equal(await page.locator(".cif-notification").count(), 0);
    await screenshot(page, "client-05-accepted");
  });

  test("Reject path", async () => {
    await sendToUser(stack.emulator, "cifhub", "alice", "notify", [
      notification("n-rej", { callerName: "Alan Turing" }),
    ]);
    await page.waitForSelector(".cif-notification .reject", { timeout: 15_000 });
    await page.click(".cif-notification .reject");
    await page.waitForFunction(() => /rejected/.test(document.getElementById("cif-adaptor-notice").textContent), null, {
      timeout: 15_000,
    });
    assert.deepEqual(
      stack.decisions.filter((d) => d.notificationId === "n-rej"),
      [{ userId: "alice", notificationId: "n-rej", decision: "reject", reason: "other" }],
    );
    await screenshot(page, "client-06-rejected");
  });

  test("two tabs: one decision wins, the other tab's popup closes with 'already handled'", async () => {
    const page2 = await context.newPage(); // same profile: MSAL signs in silently from its cache
    recordConsole(page2, consoleLines);
    try {
      await page2.goto(stack.panelUrl);
      await waitForIndicator(page2, "connected", 40_000);
      await sendToUser(stack.emulator, "cifhub", "alice", "notify", [notification("n-two")]);
      await page.waitForSelector(".cif-notification .accept", { timeout: 15_000 });
      await page2.waitForSelector(".cif-notification .accept", { timeout: 15_000 });
      await page2.click(".cif-notification .accept");
      await page.waitForSelector(".cif-notification", { state: "detached", timeout: 15_000 });
      await page.waitForFunction(
        () => /already handled/.test(document.getElementById("cif-adaptor-notice").textContent),
        null,
        { timeout: 15_000 },
      );
      assert.equal(
        stack.decisions.filter((d) => d.notificationId === "n-two").length,
        1,
        "only the winning tab decided",
      );
      await screenshot(page, "client-07-other-tab-closed");
      await screenshot(page2, "client-07-winning-tab");
    } finally {
      await page2.close();
    }
  });

  test("withdraw closes the popup", async () => {
    await sendToUser(stack.emulator, "cifhub", "alice", "notify", [notification("n-wd")]);
    await page.waitForSelector(".cif-notification", { timeout: 15_000 });
    await sendToUser(stack.emulator, "cifhub", "alice", "withdraw", [{ notificationId: "n-wd", reason: "answered" }]);
    await page.waitForSelector(".cif-notification", { state: "detached", timeout: 15_000 });
    assert.match(await page.textContent("#cif-adaptor-notice"), /no longer ringing/);
    assert.ok(
      (await page.evaluate(() => window.cifStandIn.cancelled)).includes("cifpipe-n-wd"),
      "closed through cancelEvent",
    );
  });

  test("SignalR emulator restarted: amber while away, green again, then calls pop", async () => {
    await stack.restartEmulator({
      whileDown: async () => {
        await waitForIndicator(page, "reconnecting", 40_000);
        assert.equal(await page.$eval("#cif-adaptor-status", (e) => e.dataset.colour), "amber");
        await screenshot(page, "client-08-reconnecting");
      },
    });
    await waitForIndicator(page, "connected", 60_000);
    await screenshot(page, "client-09-reconnected");
    await sendToUser(stack.emulator, "cifhub", "alice", "notify", [notification("n-after")]);
    await page.waitForSelector(".cif-notification .accept", { timeout: 15_000 });
    await page.click(".cif-notification .accept");
    await page.waitForFunction(() => /accepted/.test(document.getElementById("cif-adaptor-notice").textContent), null, {
      timeout: 15_000,
    });
  });
});
