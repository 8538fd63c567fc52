// Issue 20, the agent panel in Chromium on the client stack (real MSAL, real @microsoft/signalr, the
// SignalR emulator, a presence stand-in speaking the agent-side contracts: test/support/agent-hub.js):
// availability control, burst queue (12 calls: nothing rejected, every waiting call reachable), call card
// focus/alertdialog/announcements, reject reasons, missed calls surviving reload, 320/400 px widths.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startClientStack } from "./support/client-stack.js";
import {
  launchBrowser,
  recordConsole,
  recordNotices,
  screenshot,
  waitForIndicator,
  waitForNotice,
} from "./support/browser.js";
import { sendToUser } from "../test/support/emulator.js";

let seq = 0;
function notification(id, { ringSeconds = 60, callerName = "Grace Hopper", queue = "Premium support" } = {}) {
  const now = Date.now();
  return {
    notificationId: id,
    callId: `call-${id}-${++seq}`,
    agentId: "alice",
    callerNumber: "+49 30 1234567",
    callerName,
    calledNumber: "+49 30 999",
    queue,
    customerContext: { account: "ACME GmbH" },
    offeredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ringSeconds * 1000).toISOString(),
  };
}

async function until(fn, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** No horizontal scrolling, and every visible button/select can be hit where it is drawn. */
async function assertUsableAt(page, width) {
  await page.setViewportSize({ width, height: 900 });
  await page.waitForTimeout(100);
  const r = await page.evaluate(() => {
    const de = document.documentElement;
    const bad = [];
    for (const e of document.querySelectorAll("#cif-adaptor button, #cif-adaptor select")) {
      if (e.closest("[hidden]") || e.offsetParent === null) continue;
      e.scrollIntoView({ block: "center", inline: "nearest" });
      const b = e.getBoundingClientRect();
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      if (b.left < 0 || b.right > de.clientWidth + 0.5 || !(hit === e || e.contains(hit))) {
        bad.push(
          `${e.id || e.className || e.textContent} at ${Math.round(b.left)}..${Math.round(b.right)} (hit ${hit && (hit.id || hit.className)})`,
        );
      }
    }
    window.scrollTo(0, 0);
    return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, bad };
  });
  assert.ok(
    r.scrollWidth <= r.clientWidth,
    `horizontal scroll at ${width} px: scrollWidth ${r.scrollWidth} > ${r.clientWidth}`,
  );
  assert.deepEqual(r.bad, [], `controls off-screen or covered at ${width} px`);
}

describe("agent panel in Chromium (client stack)", { timeout: 300_000 }, () => {
  let stack;
  let browser;
  let context;
  let page;
  let notices;
  const consoleLines = [];
  const notify = async (n) => {
    stack.agentHub.offered("alice", n);
    await sendToUser(stack.emulator, "cifhub", "alice", "notify", [n]);
  };

  before(async () => {
    stack = await startClientStack();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 360, height: 900 } });
    page = await context.newPage();
    recordConsole(page, consoleLines);
    notices = recordNotices(page);
    await page.goto(`${stack.panelUrl}?reasons=custom`);
    await waitForIndicator(page, "disconnected");
    await assertUsableAt(page, 320); // the signed-out view too
    await screenshot(page, "panel-00-signed-out-320");
    await page.setViewportSize({ width: 360, height: 900 });
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#cif-adaptor-signin")]);
    await popup.waitForSelector("input[name=username]", { timeout: 30_000 });
    await popup.fill("input[name=username]", "alice");
    await popup.click("input[type=submit]");
    await waitForIndicator(page, "connected", 40_000);
  });

  after(async () => {
    if (consoleLines.length) console.log(`browser console (errors/warnings):\n${consoleLines.slice(-40).join("\n")}`);
    await browser?.close();
    await stack?.stop();
  });

  test("availability: drawn from getAgentState after connect, changed with setAvailability, pipeline pushes shown", async () => {
    await page.waitForSelector('#cif-availability[data-availability="Available"]', { timeout: 15_000 });
    assert.equal(await page.$eval("label[for=cif-availability]", (e) => e.textContent), "Availability");
    await page.selectOption("#cif-availability", "Busy");
    await page.waitForSelector('#cif-availability[data-availability="Busy"]');
    assert.deepEqual(stack.agentHub.availabilityCalls, [{ userId: "alice", availability: "Busy" }]);
    await page.selectOption("#cif-availability", "DoNotDisturb");
    await page.waitForFunction(() =>
      /Do not disturb/.test(document.getElementById("cif-availability-detail").textContent),
    );
    // the pipeline sets Away after missed calls: the push reaches the panel with its reason
    await stack.agentHub.setByPipeline("alice", "Away", "missed-calls");
    await page.waitForSelector('#cif-availability[data-availability="Away"]', { timeout: 15_000 });
    assert.match(await page.textContent("#cif-availability-detail"), /Away after missed calls/);
    await screenshot(page, "panel-01-away-after-missed-calls");
    await page.selectOption("#cif-availability", "Available");
    await page.waitForSelector('#cif-availability[data-availability="Available"]');
    // "On a call" is capacity, not availability
    await sendToUser(stack.emulator, "cifhub", "alice", "availability", [
      {
        availability: "Available",
        reason: "call-started",
        since: new Date().toISOString(),
        activeCalls: 1,
        capacity: 1,
      },
    ]);
    await page.waitForSelector("#cif-on-call:not([hidden])", { timeout: 15_000 });
    assert.equal(await page.textContent("#cif-on-call"), "On a call");
    assert.equal(await page.$eval("#cif-availability", (e) => e.value), "Available");
    await screenshot(page, "panel-02-on-a-call");
    await sendToUser(stack.emulator, "cifhub", "alice", "availability", [
      { availability: "Available", reason: "call-ended", since: new Date().toISOString(), activeCalls: 0, capacity: 1 },
    ]);
    await page.waitForSelector("#cif-on-call[hidden]", { state: "attached", timeout: 15_000 });
  });

  test("call card: named alertdialog takes focus, Accept/Reject first, countdown announced at 10 s and 5 s only", async () => {
    await page.evaluate(() => {
      window.__announcements = [];
      new MutationObserver(() =>
        window.__announcements.push(document.getElementById("cif-call-announce").textContent),
      ).observe(document.getElementById("cif-call-announce"), { childList: true, characterData: true, subtree: true });
    });
    await notify(notification("f-1", { ringSeconds: 13, callerName: "Ada Lovelace" }));
    await page.waitForSelector("#cif-call:not([hidden])", { timeout: 15_000 });
    const dialog = await page.evaluate(() => {
      const card = document.getElementById("cif-call");
      return {
        role: card.getAttribute("role"),
        name: document.getElementById(card.getAttribute("aria-labelledby")).textContent,
        focused: document.activeElement && document.activeElement.id,
        ringing: document.getElementById("cif-ring-toggle").dataset.ringing,
      };
    });
    assert.deepEqual(dialog, {
      role: "alertdialog",
      name: "Incoming call from Ada Lovelace (+49 30 1234567)",
      focused: "cif-call-accept",
      ringing: "true",
    });
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "cif-call-reject");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "cif-call-reason");
    await screenshot(page, "panel-03-call-card-focus");
    // the countdown's live region: polite, and only a couple of lines for the whole ring
    assert.equal(await page.getAttribute("#cif-call-announce", "aria-live"), "polite");
    assert.equal(await page.getAttribute("#cif-call-countdown", "aria-hidden"), "true");
    await page.waitForSelector("#cif-call[hidden]", { state: "attached", timeout: 20_000 });
    const said = await page.evaluate(() => window.__announcements.filter(Boolean));
    assert.equal(said.length, 2, JSON.stringify(said));
    assert.match(said[0], /^(10|9) seconds left to answer the call from Ada Lovelace/);
    assert.match(said[1], /^[45] seconds left/);
    // it rang out: a missed call, no decision sent for the agent
    await waitForNotice(notices, /You missed a call from Ada Lovelace\./);
    assert.equal(stack.decisions.filter((d) => d.notificationId === "f-1").length, 0);
    assert.doesNotMatch(notices.join("\n"), /before your answer/);
  });

  test("reject from the call card sends the chosen reason code", async () => {
    await notify(notification("r-1", { callerName: "Alan Turing" }));
    await page.waitForSelector('#cif-call[data-notification-id="r-1"]:not([hidden])', { timeout: 15_000 });
    assert.deepEqual(await page.$$eval("#cif-call-reason option", (os) => os.map((o) => [o.value, o.textContent])), [
      ["callback", "Will call back"],
      ["wrong-skill", "Wrong queue or skill"],
    ]);
    await page.selectOption("#cif-call-reason", "wrong-skill");
    await page.click("#cif-call-reject");
    await waitForNotice(notices, /Call from Alan Turing rejected/);
    assert.deepEqual(
      stack.decisions.filter((d) => d.notificationId === "r-1"),
      [{ userId: "alice", notificationId: "r-1", decision: "reject", reason: "wrong-skill" }],
    );
    // from the CIF notification the configured default reason is sent
    await notify(notification("r-2", { callerName: "Alan Turing" }));
    await page.waitForSelector('.cif-notification[data-token="cifpipe-r-2"] .reject', { timeout: 15_000 });
    await page.click('.cif-notification[data-token="cifpipe-r-2"] .reject');
    await until(() => stack.decisions.some((d) => d.notificationId === "r-2"), "decide for r-2");
    assert.deepEqual(
      stack.decisions.filter((d) => d.notificationId === "r-2").map((d) => [d.decision, d.reason]),
      [["reject", "callback"]],
    );
  });

  test("burst of 12: one in front, 9 waiting and reachable, 2 overflow — nothing rejected; usable at 320 and 400 px", async () => {
    const before = stack.decisions.length;
    const shownBefore = await page.evaluate(() => window.cifStandIn.shown.length);
    for (let i = 1; i <= 12; i++)
      await notify(notification(`b-${i}`, { callerName: `Burst caller ${i}`, queue: i % 2 ? "Sales" : "Support" }));
    await page.waitForFunction(
      () => document.getElementById("cif-queue-title").textContent === "9 more calls waiting",
      null,
      { timeout: 20_000 },
    );
    await page.waitForFunction((n) => window.cifStandIn.shown.length > n, shownBefore);
    const burst = () => stack.decisions.slice(before);
    await until(() => burst().length >= 2, "two overflow decisions");
    assert.deepEqual(
      burst().map((d) => [d.notificationId, d.decision, d.reason]),
      [
        ["b-11", "overflow", "queue-full"],
        ["b-12", "overflow", "queue-full"],
      ],
    );
    assert.ok(!burst().some((d) => d.decision === "reject"), "nothing rejected on the agent's behalf");
    assert.equal(
      await page.evaluate((n) => window.cifStandIn.shown.length - n, shownBefore),
      1,
      "only the front call has a CIF notification",
    );
    assert.equal(await page.locator(".cif-notification").count(), 1);
    assert.equal(await page.getAttribute("#cif-call", "data-notification-id"), "b-1");
    assert.equal(await page.locator("#cif-queue-list li").count(), 9);
    await waitForNotice(
      notices,
      /Burst caller 11 arrived while 10 calls were already ringing; it was passed on to another agent/,
    );
    assert.doesNotMatch(notices.join("\n"), /Burst caller 1[12] rejected/);

    await assertUsableAt(page, 320);
    await screenshot(page, "panel-04-burst-320");
    await assertUsableAt(page, 400);
    await screenshot(page, "panel-05-burst-400");

    // bring the 4th waiting call to the front: the card and the CIF notification switch to it
    await page.click('#cif-queue-list li[data-notification-id="b-5"] .cif-queue__show');
    await page.waitForSelector('#cif-call[data-notification-id="b-5"]');
    await page.waitForSelector('.cif-notification[data-token="cifpipe-b-5"]');
    assert.equal(await page.locator(".cif-notification").count(), 1);
    assert.equal(await page.evaluate(() => document.activeElement.id), "cif-call-accept");
    // accept one from the list, reject another from the list
    await page.click('#cif-queue-list li[data-notification-id="b-7"] .cif-queue__accept');
    await page.click('#cif-queue-list li[data-notification-id="b-8"] .cif-queue__reject');
    await page.waitForFunction(() => document.getElementById("cif-queue-title").textContent === "7 more calls waiting");
    await screenshot(page, "panel-06-burst-after-actions");
    // accept the front one from the card; the next in order comes to the front
    await page.click("#cif-call-accept");
    await page.waitForSelector('#cif-call[data-notification-id="b-1"]');
    await until(() => burst().length >= 5, "three decisions of the agent");
    const mine = burst()
      .filter((d) => d.decision !== "overflow")
      .map((d) => [d.notificationId, d.decision, d.reason]);
    assert.deepEqual(mine, [
      ["b-7", "accept", null],
      ["b-8", "reject", "callback"],
      ["b-5", "accept", null],
    ]);
    // clear the rest: every one reachable and answerable
    for (let left = 7; left > 0; left--) {
      const id = await page.getAttribute("#cif-call", "data-notification-id");
      await page.click("#cif-call-reject");
      if (left > 1) await page.waitForSelector(`#cif-call:not([data-notification-id="${id}"])`);
    }
    await page.waitForSelector("#cif-call[hidden]", { state: "attached", timeout: 15_000 });
    await until(() => burst().length >= 12, "all burst decisions");
    assert.equal(burst().length, 12);
    assert.equal(burst().filter((d) => d.decision === "reject").length, 8, "rejected only by the agent's clicks");
    assert.equal(await page.evaluate(() => document.getElementById("cif-ring-toggle").dataset.ringing), "false");
    await page.setViewportSize({ width: 360, height: 900 });
  });

  test("withdraw reason taken → 'answered by another agent', not an error", async () => {
    await notify(notification("t-1", { callerName: "Katherine Johnson" }));
    await page.waitForSelector('#cif-call[data-notification-id="t-1"]:not([hidden])', { timeout: 15_000 });
    await sendToUser(stack.emulator, "cifhub", "alice", "withdraw", [
      { notificationId: "t-1", callId: "x", reason: "taken" },
    ]);
    await page.waitForSelector("#cif-call[hidden]", { state: "attached", timeout: 15_000 });
    await waitForNotice(notices, /The call from Katherine Johnson was answered by another agent\./);
    assert.equal(await page.getAttribute("#cif-adaptor-notice", "data-level"), "info");
  });

  test("missed calls: withdraw expired → 'You missed a call from …', listed with time and queue, still there after reload", async () => {
    const n = notification("m-1", { callerName: "Margaret Hamilton", queue: "Billing" });
    await notify(n);
    await page.waitForSelector('#cif-call[data-notification-id="m-1"]:not([hidden])', { timeout: 15_000 });
    await stack.agentHub.expire("m-1"); // the server's ring window closes: Expired + withdraw(expired) + stored missed call
    await waitForNotice(notices, /You missed a call from Margaret Hamilton\./);
    await page.waitForSelector('#cif-missed-list li[data-notification-id="m-1"]', { timeout: 15_000 });
    const item = await page.textContent('#cif-missed-list li[data-notification-id="m-1"]');
    assert.match(item, /Margaret Hamilton · Billing/);
    assert.match(item, /\d{2}:\d{2}/);
    assert.match(await page.textContent("#cif-missed-title"), /Missed calls \(\d+\)/);
    await screenshot(page, "panel-07-missed-list");
    await page.reload();
    await waitForIndicator(page, "connected", 40_000);
    await page.waitForSelector('#cif-missed-list li[data-notification-id="m-1"]', { timeout: 15_000 });
    assert.equal(
      await page.locator('#cif-missed-list li[data-notification-id="f-1"]').count(),
      0,
      "f-1 rang out only in the client; the stand-in server never stored it, so after reload the list is the server's",
    );
    await assertUsableAt(page, 320);
    await screenshot(page, "panel-08-missed-after-reload-320");
  });

  test("ring tone control: on by default, mute toggles aria-pressed and survives reload", async () => {
    assert.equal(await page.getAttribute("#cif-ring-toggle", "aria-pressed"), "true");
    await page.click("#cif-ring-toggle");
    assert.equal(await page.getAttribute("#cif-ring-toggle", "aria-pressed"), "false");
    assert.equal(await page.textContent("#cif-ring-toggle"), "Ring tone off");
    await page.reload();
    await waitForIndicator(page, "connected", 40_000);
    assert.equal(await page.getAttribute("#cif-ring-toggle", "aria-pressed"), "false");
    await page.click("#cif-ring-toggle");
    assert.equal(await page.getAttribute("#cif-ring-toggle", "aria-pressed"), "true");
    // audio blocked or not, ringing never throws
    await notify(notification("a-1", { callerName: "Hedy Lamarr" }));
    await page.waitForSelector('#cif-call[data-notification-id="a-1"]:not([hidden])', { timeout: 15_000 });
    const tone = await page.evaluate(() => {
      const t = window.SignalRAdaptor.current().ringTone;
      return { bursts: t.state.bursts, ringing: t.ringing };
    });
    assert.ok(tone.ringing && tone.bursts >= 1, JSON.stringify(tone));
    await page.click("#cif-call-accept");
    await waitForNotice(notices, /Call from Hedy Lamarr accepted/);
    assert.ok(!consoleLines.some((l) => l.startsWith("[pageerror]")), consoleLines.join("\n"));
  });

  test("hidden tab: a browser Notification per ringing call once permission was given from a click", async () => {
    await context.grantPermissions(["notifications"], { origin: new URL(stack.panelUrl).origin });
    const hidden = await context.newPage();
    recordConsole(hidden, consoleLines);
    try {
      // a tab in the background: document.hidden, and Notification recorded (headless shows nothing)
      await hidden.addInitScript(() => {
        Object.defineProperty(document, "hidden", { get: () => true });
        const Real = window.Notification;
        window.__notes = [];
        class Recording extends Real {
          constructor(title, options) {
            super(title, options);
            window.__notes.push({ title, tag: options && options.tag, closed: false });
            this.__i = window.__notes.length - 1;
          }
          close() {
            window.__notes[this.__i].closed = true;
            super.close();
          }
        }
        window.Notification = Recording;
      });
      await hidden.goto(`${stack.panelUrl}?reasons=custom`);
      await waitForIndicator(hidden, "connected", 40_000);
      assert.equal(await hidden.isVisible("#cif-desktop-alerts"), false, "permission already granted: no button");
      await notify(notification("d-1", { callerName: "Barbara Liskov" }));
      await notify(notification("d-2", { callerName: "Frances Allen" }));
      await hidden.waitForFunction(() => window.__notes.length === 2, null, { timeout: 15_000 });
      assert.deepEqual(await hidden.evaluate(() => window.__notes.map((n) => [n.title, n.tag])), [
        ["Incoming call from Barbara Liskov (+49 30 1234567)", "cifpipe-d-1"],
        ["Incoming call from Frances Allen (+49 30 1234567)", "cifpipe-d-2"],
      ]);
      await page.click("#cif-call-accept"); // answered in the visible tab: the hidden tab's call closes, and its notification
      await hidden.waitForFunction(() => window.__notes[0].closed, null, { timeout: 15_000 });
      await page.click("#cif-call-reject");
      await hidden.waitForFunction(() => window.__notes.every((n) => n.closed), null, { timeout: 15_000 });
    } finally {
      await hidden.close();
    }
  });
});
