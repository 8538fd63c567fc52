import { test } from "node:test";
import assert from "node:assert/strict";
import { NotificationDesk, describeResult } from "../src/core/notification-desk.js";
import { FakePopup, eventually, silentLogger } from "./fakes.js";

function notification(id, { ringMs = 30_000, callerName = "Ada Lovelace" } = {}) {
  const now = Date.now();
  return {
    notificationId: id,
    callId: `call-${id}`,
    agentId: "agent-1",
    callerNumber: "+4930123456",
    callerName,
    calledNumber: "+4930999",
    queue: "Support",
    customerContext: { tier: "gold" },
    offeredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ringMs).toISOString(),
  };
}

function rig({ invokeDecide, waitForConnected = async () => {}, onMissed } = {}) {
  const popup = new FakePopup();
  const notices = [];
  const decisions = [];
  const desk = new NotificationDesk({
    popup,
    invokeDecide:
      invokeDecide ||
      (async (d) => {
        decisions.push(d);
        return { notificationId: d.notificationId, status: "recorded" };
      }),
    waitForConnected,
    notice: (level, text, id) => notices.push({ level, text, id }),
    logger: silentLogger,
    graceMs: 200,
    onMissed,
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

test("Reject from the CIF notification sends a reject with the configured default reason code", async (t) => {
  const { desk, popup, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n2"));
  popup.answer("n2", "reject", "DeclinedByAgent");
  await desk.settled("n2");
  assert.deepEqual(decisions, [{ notificationId: "n2", decision: "reject", reason: "other" }]);
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

test("no answer until the ring time ends → popup closed, NO decide sent (never a reject for the agent), a missed call", async (t) => {
  const missed = [];
  const { desk, popup, decisions, notices } = rig({ onMissed: (m) => missed.push(m) });
  t.after(() => desk.dispose());
  desk.onNotify(notification("n8", { ringMs: 40 }));
  await desk.settled("n8");
  assert.equal(desk.stateOf("n8"), "missed");
  assert.deepEqual(popup.cancelled, ["cifpipe-n8"]);
  assert.deepEqual(decisions, []);
  assert.equal(notices.at(-1).text, "You missed a call from Ada Lovelace.");
  assert.deepEqual(
    missed.map((m) => [m.notificationId, m.callId, m.caller, m.queue]),
    [["n8", "call-n8", "Ada Lovelace", "Support"]],
  );
  assert.ok(Date.parse(missed[0].missedAt) > 0);
  // the server's withdraw(expired) that follows changes nothing
  desk.onWithdraw({ notificationId: "n8", reason: "expired" });
  assert.equal(notices.length, 1);
});

test("withdraw reason expired for a ringing popup: 'You missed a call from …', never 'stopped ringing before your answer'", async (t) => {
  const missed = [];
  const { desk, popup, decisions, notices } = rig({ onMissed: (m) => missed.push(m) });
  t.after(() => desk.dispose());
  desk.onNotify(notification("n8b"));
  desk.onWithdraw({ notificationId: "n8b", callId: "call-n8b", reason: "expired" });
  assert.equal(desk.stateOf("n8b"), "missed");
  assert.deepEqual(popup.cancelled, ["cifpipe-n8b"]);
  assert.deepEqual(decisions, []);
  assert.equal(notices.at(-1).text, "You missed a call from Ada Lovelace.");
  assert.doesNotMatch(notices.map((n) => n.text).join(" "), /before your answer/);
  assert.equal(missed.length, 1);
});

test("withdraw reason taken → 'answered by another agent' (info, not an error)", (t) => {
  const { desk, notices } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n8c"));
  desk.onWithdraw({ notificationId: "n8c", reason: "taken" });
  assert.equal(desk.stateOf("n8c"), "withdrawn");
  assert.deepEqual(notices.at(-1), {
    level: "info",
    text: "The call from Ada Lovelace was answered by another agent.",
    id: "n8c",
  });
});

test("CIF's own Timeout at the end of the ring window is a missed call, no decide", async (t) => {
  const { desk, popup, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n9", { ringMs: 500 }));
  popup.answer("n9", "timeout", "DisplayTimeout");
  await desk.settled("n9");
  assert.equal(desk.stateOf("n9"), "missed");
  assert.deepEqual(decisions, []);
});

test("CIF closing the notification early (template timeout, queue limit, dismissed) is not the agent's answer: the call keeps ringing in the panel", async (t) => {
  const { desk, popup, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("e1"));
  popup.answer("e1", "timeout", "DisplayTimeout");
  desk.onNotify(notification("e2"));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(desk.stateOf("e1"), "ringing");
  assert.equal(desk.frontId, "e1");
  assert.equal(popup.isOpen("e2"), false, "only the front call has a CIF notification");
  desk.bringToFront("e2");
  assert.equal(popup.isOpen("e2"), true);
  popup.answer("e2", "reject", "NotificationQueueLimitExceeded");
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(desk.stateOf("e2"), "ringing");
  assert.deepEqual(decisions, []);
  // still reachable from the panel
  await desk.accept("e2");
  assert.deepEqual(decisions, [{ notificationId: "e2", decision: "accept", reason: null }]);
});

test("decide answered already-decided → 'already handled'", async (t) => {
  const { desk, popup, notices } = rig({
    invokeDecide: async (d) => ({ notificationId: d.notificationId, status: "already-decided", outcome: "Accepted" }),
  });
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
    invokeDecide: async (d) => {
      if (calls++ === 0) throw new Error("Invocation canceled due to the underlying connection being closed.");
      return { notificationId: d.notificationId, status: "recorded" };
    },
    waitForConnected: async () => {
      waited++;
    },
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
    invokeDecide: async () => {
      throw new Error("not connected");
    },
    waitForConnected: (ms) =>
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`not connected within ${ms} ms`)), Math.min(ms, 50)),
      ),
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
  const desk = new NotificationDesk({
    popup,
    invokeDecide: async () => ({ status: "recorded" }),
    waitForConnected: async () => {},
    logger: silentLogger,
    maxRemembered: 10,
    rememberMs: 0,
  });
  t.after(() => desk.dispose());
  for (let i = 0; i < 50; i++) desk.onWithdraw(`w${i}`);
  assert.ok(desk._entries.size <= 10, `size ${desk._entries.size}`);
});

test("describeResult covers every status with a sentence", () => {
  const n = { callerName: "Bo" };
  assert.match(
    describeResult({ status: "expired" }, "accept", n).text,
    /already stopped ringing; your answer came too late/,
  );
  assert.match(describeResult({ status: "not-yours" }, "accept", n).text, /offered to another agent/);
  assert.match(describeResult({ status: "already-taken" }, "accept", n).text, /answered by another agent/);
  assert.match(describeResult({ status: "unknown" }, "accept", n).text, /no longer available/);
  assert.match(describeResult({ status: "recorded" }, "reject", n).text, /rejected/);
  assert.match(describeResult({ status: "recorded" }, "accept", n).text, /accepted/);
});

test("a CIF notification that cannot be shown is NOT rejected: the call stays answerable in the panel", async (t) => {
  const notices = [];
  const decisions = [];
  const desk = new NotificationDesk({
    popup: {
      show: async () => {
        throw { message: "NotificationTemplateNotFoundError", msdyn_name: "NotifyEvent" };
      },
      cancel: () => {},
    },
    invokeDecide: async (d) => {
      decisions.push(d);
      return { notificationId: d.notificationId, status: "recorded" };
    },
    waitForConnected: async () => {},
    notice: (level, text) => notices.push({ level, text }),
    logger: silentLogger,
  });
  t.after(() => desk.dispose());
  desk.onNotify(notification("n13"));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(desk.stateOf("n13"), "ringing");
  assert.deepEqual(decisions, []);
  assert.equal(notices.length, 1);
  assert.match(notices[0].text, /answer it here in the panel/);
  await desk.reject("n13", "wrong-skill");
  assert.deepEqual(decisions, [{ notificationId: "n13", decision: "reject", reason: "wrong-skill" }]);
});

test("a notification the host dismissed on its own sends no decision; the call rings on in the panel", async (t) => {
  const { desk, popup, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("n14"));
  popup.answer("n14", "dismissed", "CancelEvent");
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(desk.stateOf("n14"), "ringing");
  assert.deepEqual(decisions, []);
});

test("burst of 12: one in front with the CIF notification, 9 waiting, 2 over the limit end as overflow — nothing rejected", async (t) => {
  const { desk, popup, decisions, notices } = rig();
  t.after(() => desk.dispose());
  const answers = [];
  for (let i = 1; i <= 12; i++) answers.push(desk.onNotify(notification(`b${i}`, { callerName: `Caller ${i}` })));
  assert.deepEqual(answers, ["shown", ...Array(9).fill("queued"), "overflow", "overflow"]);
  assert.equal(popup.shown.length, 1, "one CIF notification at a time, so the host's own queue never refuses");
  const ringing = desk.ringingCalls();
  assert.equal(ringing.length, 10);
  assert.equal(ringing[0].notificationId, "b1");
  assert.equal(ringing[0].front, true);
  await desk.settled("b12");
  assert.deepEqual(decisions, [
    { notificationId: "b11", decision: "overflow", reason: "queue-full" },
    { notificationId: "b12", decision: "overflow", reason: "queue-full" },
  ]);
  assert.ok(!decisions.some((d) => d.decision === "reject"));
  assert.match(notices.find((n) => n.id === "b11").text, /passed on to another agent/);
  assert.doesNotMatch(notices.map((n) => n.text).join(" "), /rejected/);
  assert.equal(desk.stateOf("b11"), "overflow");

  // every waiting call is reachable: bring one to the front, accept another, reject a third with a reason
  assert.equal(desk.bringToFront("b5"), true);
  assert.deepEqual(popup.cancelled, ["cifpipe-b1"]);
  assert.equal(popup.isOpen("b5"), true);
  assert.equal(desk.ringingCalls()[0].notificationId, "b5");
  assert.deepEqual(
    desk
      .ringingCalls()
      .slice(1, 3)
      .map((c) => c.notificationId),
    ["b1", "b2"],
    "the others keep their order",
  );
  await desk.accept("b7");
  await desk.reject("b8", "break");
  popup.answer("b5", "reject", "DeclinedByAgent");
  await desk.settled("b5");
  assert.deepEqual(decisions.slice(2), [
    { notificationId: "b7", decision: "accept", reason: null },
    { notificationId: "b8", decision: "reject", reason: "break" },
    { notificationId: "b5", decision: "reject", reason: "other" },
  ]);
  // the next in order comes to the front with a fresh CIF notification
  assert.equal(desk.frontId, "b1");
  assert.equal(popup.isOpen("b1"), true);
  assert.equal(desk.ringingCalls().length, 7);
  // room again: a new call queues instead of overflowing
  assert.equal(desk.onNotify(notification("b13")), "queued");
});

test("a late answer from a CIF notification that was moved back is ignored", async (t) => {
  const { desk, popup, decisions } = rig();
  t.after(() => desk.dispose());
  desk.onNotify(notification("f1"));
  desk.onNotify(notification("f2"));
  const firstShow = popup._pending.get("cifpipe-f1");
  desk.bringToFront("f2");
  firstShow.resolve({ action: "accept", reason: "Accept" }); // a host that resolves instead of rejecting on cancel
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(desk.stateOf("f1"), "ringing");
  assert.deepEqual(decisions, []);
});

test("onChange fires for every change of the ringing calls", (t) => {
  const { desk } = rig();
  t.after(() => desk.dispose());
  let n = 0;
  desk.onChange(() => n++);
  desk.onNotify(notification("c1"));
  desk.onNotify(notification("c2"));
  desk.onWithdraw({ notificationId: "c1", reason: "ended" });
  assert.ok(n >= 3, `changes ${n}`);
  assert.deepEqual(
    desk.ringingCalls().map((c) => c.notificationId),
    ["c2"],
  );
});

test("decide answered already-taken → 'answered by another agent'", async (t) => {
  const { desk, popup, notices } = rig({
    invokeDecide: async (d) => ({ notificationId: d.notificationId, status: "already-taken", outcome: "Withdrawn" }),
  });
  t.after(() => desk.dispose());
  desk.onNotify(notification("t1"));
  popup.answer("t1", "accept");
  await desk.settled("t1");
  assert.deepEqual(notices.at(-1), {
    level: "info",
    text: "The call from Ada Lovelace was answered by another agent.",
    id: "t1",
  });
});
