import { test } from "node:test";
import assert from "node:assert/strict";
import { NotificationDesk, describeResult } from "../src/core/notification-desk.js";
import { FakePopup, eventually, silentLogger } from "./fakes.js";

function notification(id, { ringMs = 30_000, callerName = "Ada Lovelace" } = {}) {
  const now = Date.now();
  return {
    notificationId: id, callId: `call-${id}`, agentId: "agent-1", callerNumber: "+4930123456", callerName,
    calledNumber: "+4930999", queue: "Support", customerContext: { tier: "gold" },
    offeredAt: new Date(now).toISOString(), expiresAt: new Date(now + ringMs).toISOString(),
  };
}

function rig({ invokeDecide, waitForConnected = async () => {} } = {}) {
  const popup = new FakePopup();
  const notices = [];
  const decisions = [];
  const desk = new NotificationDesk({
    popup,
    invokeDecide: invokeDecide || (async (d) => { decisions.push(d); return { notificationId: d.notificationId, status: "recorded" }; }),
    waitForConnected,
    notice: (level, text, id) => notices.push({ level, text, id }),
    logger: silentLogger,
    graceMs: 200,
  });
  return { desk, popup, notices, decisions };
}

test("notify shows the popup with the remaining ring time; Accept sends decide and reports the outcome", async (t) => {
  const { desk, popup, notices, decisions } = rig();
  t.after(() => desk.dispose());
  assert.equal(desk.onNotify(notification("n1")), "shown");
  assert.equal(popup.shown.length, 1);
  const { remainingMs, cancellationToken } = popup.shown[0].options;
  assert.ok(remainingMs > 29_000 && remainingMs <= 30_000, `remaining ${remainingMs}`);
  assert.equal(cancellationToken, "cifpipe-n1");
  popup.answer("n1", "accept", "Accept");
  const result = await desk.settled("n1");
  assert.deepEqual(result, { notificationId: "n1", status: "recorded" });
  assert.deepEqual(decisions, [{ notificationId: "n1", decision: "accept", reason: "Accept" }]);
  assert.equal(desk.stateOf("n1"), "decided");
  assert.match(notices.at(-1).text, /Call from Ada Lovelace accepted/);
});

test("Reject sends a reject decision", async (t) => {
  const { desk, popup, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n2"));
  popup.answer("n2", "reject", "DeclinedByAgent");
  await desk.settled("n2");
  assert.deepEqual(decisions, [{ notificationId: "n2", decision: "reject", reason: "DeclinedByAgent" }]);
});

test("duplicate notify for the same id is ignored, also after the decision", async (t) => {
  const { desk, popup } = rig();
  t.after(() => desk.dispose());
  assert.equal(desk.onNotify(notification("n3")), "shown");
  assert.equal(desk.onNotify(notification("n3")), "duplicate");
  popup.answer("n3", "accept");
  await desk.settled("n3");
  assert.equal(desk.onNotify(notification("n3")), "duplicate");
  assert.equal(popup.shown.length, 1);
});

test("withdraw closes the open popup and tells the agent; a late answer is not sent", async (t) => {
  const { desk, popup, notices, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n4"));
  desk.onWithdraw({ notificationId: "n4", reason: "answered" });
  assert.deepEqual(popup.cancelled, ["cifpipe-n4"]);
  assert.equal(desk.stateOf("n4"), "withdrawn");
  assert.match(notices.at(-1).text, /no longer ringing \(answered elsewhere\)/);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(decisions, []);
});

test("decided from another tab closes the popup with 'already handled'", async (t) => {
  const { desk, popup, notices } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n5"));
  desk.onDecided("n5"); // bare id is accepted too
  assert.equal(popup.isOpen("n5"), false);
  assert.equal(desk.stateOf("n5"), "closed");
  assert.match(notices.at(-1).text, /already handled in another window/);
});

test("a withdraw that overtakes its notify suppresses the late popup", (t) => {
  const { desk, popup } = rig();
  t.after(() => desk.dispose());
  desk.onWithdraw({ notificationId: "n6" });
  assert.equal(desk.onNotify(notification("n6")), "duplicate");
  assert.equal(popup.shown.length, 0);
});

test("a notify whose ring window already closed is not shown; malformed ones are rejected", (t) => {
  const { desk, popup } = rig();
  t.after(() => desk.dispose());
  assert.equal(desk.onNotify(notification("n7", { ringMs: -1 })), "expired");
  assert.equal(desk.onNotify({ notificationId: "x" }), "invalid");
  assert.equal(desk.onNotify(null), "invalid");
  assert.equal(popup.shown.length, 0);
});

test("no answer until the ring time ends → popup closed, decide(reject, timeout) sent", async (t) => {
  const { desk, popup, decisions, notices } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n8", { ringMs: 40 }));
  await desk.settled("n8");
  assert.deepEqual(popup.cancelled, ["cifpipe-n8"]);
  assert.deepEqual(decisions, [{ notificationId: "n8", decision: "reject", reason: "timeout" }]);
  assert.match(notices.at(-1).text, /missed the call/);
});

test("CIF's own Timeout answer also sends reject/timeout", async (t) => {
  const { desk, popup, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n9"));
  popup.answer("n9", "timeout", "DisplayTimeout");
  await desk.settled("n9");
  assert.deepEqual(decisions, [{ notificationId: "n9", decision: "reject", reason: "timeout" }]);
});

test("decide answered already-decided → 'already handled'", async (t) => {
  const { desk, popup, notices } = rig({ invokeDecide: async (d) => ({ notificationId: d.notificationId, status: "already-decided", outcome: "Accepted" }) });
  t.after(() => desk.dispose());
  desk.onNotify(notification("n10"));
  popup.answer("n10", "accept");
  await desk.settled("n10");
  assert.equal(notices.at(-1).level, "warning");
  assert.match(notices.at(-1).text, /already handled/);
});

test("decide while the connection is down waits for the reconnect and retries", async (t) => {
  let calls = 0;
  let waited = 0;
  const { desk, popup } = rig({
    invokeDecide: async (d) => { if (calls++ === 0) throw new Error("Invocation canceled due to the underlying connection being closed."); return { notificationId: d.notificationId, status: "recorded" }; },
    waitForConnected: async () => { waited++; },
  });
  t.after(() => desk.dispose());
  desk.onNotify(notification("n11"));
  popup.answer("n11", "accept");
  assert.deepEqual(await desk.settled("n11"), { notificationId: "n11", status: "recorded" });
  assert.equal(calls, 2);
  assert.equal(waited, 1);
});

test("decide that cannot be delivered before the ring window closes ends in a plain error", async (t) => {
  const { desk, popup, notices } = rig({
    invokeDecide: async () => { throw new Error("not connected"); },
    waitForConnected: (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error(`not connected within ${ms} ms`)), Math.min(ms, 50))),
  });
  t.after(() => desk.dispose());
  desk.onNotify(notification("n12", { ringMs: 60 }));
  popup.answer("n12", "accept");
  await desk.settled("n12");
  assert.equal(desk.stateOf("n12"), "failed");
  assert.equal(notices.at(-1).level, "error");
  assert.match(notices.at(-1).text, /could not be delivered/);
  assert.doesNotMatch(notices.at(-1).text, /Error|exception|\bnull\b/);
});

test("memory is bounded: old final entries are forgotten", async (t) => {
  const popup = new FakePopup();
  const desk = new NotificationDesk({ popup, invokeDecide: async () => ({ status: "recorded" }), waitForConnected: async () => {}, logger: silentLogger, maxRemembered: 10, rememberMs: 0 });
  t.after(() => desk.dispose());
  for (let i = 0; i < 50; i++) desk.onWithdraw(`w${i}`);
  assert.ok(desk._entries.size <= 10, `size ${desk._entries.size}`);
});

test("describeResult covers every status with a sentence", () => {
  const n = { callerName: "Bo" };
  assert.match(describeResult({ status: "expired" }, "accept", "accept", n).text, /stopped ringing/);
  assert.match(describeResult({ status: "not-yours" }, "accept", "accept", n).text, /another agent/);
  assert.match(describeResult({ status: "unknown" }, "accept", "accept", n).text, /no longer available/);
  assert.match(describeResult({ status: "recorded" }, "reject", "reject", n).text, /rejected/);
});

test("a popup that cannot be shown is rejected at once (routed on) and the agent is told", async (t) => {
  const notices = [];
  const decisions = [];
  const desk = new NotificationDesk({
    popup: { show: async () => { throw { message: "NotificationTemplateNotFoundError", msdyn_name: "NotifyEvent" }; }, cancel: () => {} },
    invokeDecide: async (d) => { decisions.push(d); return { notificationId: d.notificationId, status: "recorded" }; },
    waitForConnected: async () => {},
    notice: (level, text) => notices.push({ level, text }),
    logger: silentLogger,
  });
  t.after(() => desk.dispose());
  desk.onNotify(notification("n13"));
  await desk.settled("n13");
  assert.deepEqual(decisions, [{ notificationId: "n13", decision: "reject", reason: "popup-failed" }]);
  assert.equal(notices.length, 1);
  assert.match(notices[0].text, /could not be shown, so it was passed on/);
});

test("a notification the host dismissed on its own sends no decision", async (t) => {
  const { desk, popup, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n14"));
  popup.answer("n14", "dismissed", "CancelEvent");
  await desk.settled("n14");
  assert.equal(desk.stateOf("n14"), "closed");
  assert.deepEqual(decisions, []);
});
