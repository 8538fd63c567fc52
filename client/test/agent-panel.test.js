// Issue 20, agent side: availability/agent state, reject-reason options, ring tone and desktop alerts
// (browser APIs faked: no DOM needed). The panel's DOM is tested in Chromium (e2e/agent-panel.e2e.test.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AgentState, describeAgentState, MAX_MISSED } from "../src/core/agent-state.js";
import { normaliseConfig, DEFAULTS } from "../src/glue/config.js";
import { createRingTone } from "../src/glue/ring-tone.js";
import { createDesktopAlerts } from "../src/glue/desktop-alert.js";
import { ErrorKind } from "../src/core/errors.js";
import { silentLogger } from "./fakes.js";

function hub(answers) {
  const calls = [];
  return {
    calls,
    invoke: async (method, ...args) => {
      calls.push({ method, args });
      const a = answers[method];
      if (a instanceof Error) throw a;
      return typeof a === "function" ? a(...args) : a;
    },
  };
}

test("getAgentState after connect draws availability, capacity use and missed calls", async () => {
  const h = hub({
    getAgentState: {
      availability: "Busy",
      reason: "agent",
      since: "2026-12-07T08:00:00Z",
      activeCalls: 1,
      capacity: 1,
      missedCalls: [
        { notificationId: "m1", callId: "c1", caller: "Ada", queue: "Support", missedAt: "2026-12-07T07:00:00Z" },
      ],
    },
  });
  const s = new AgentState({ invoke: h.invoke, logger: silentLogger });
  let changes = 0;
  s.onChange(() => changes++);
  assert.equal(describeAgentState(s.current, s.stale).label, "Availability unknown");
  await s.refresh();
  assert.deepEqual(h.calls, [{ method: "getAgentState", args: [] }]);
  assert.deepEqual(s.current, {
    availability: "Busy",
    reason: "agent",
    since: "2026-12-07T08:00:00Z",
    activeCalls: 1,
    capacity: 1,
  });
  assert.equal(s.missed.length, 1);
  assert.equal(changes, 1);
  const view = describeAgentState(s.current, s.stale);
  assert.equal(view.label, "Busy");
  assert.equal(view.onCall, true, "capacity is separate from availability: Busy and on a call");
  assert.equal(view.onCallText, "On a call");
});

test("availability pushes update the state; malformed ones are ignored; the pipeline's Away explains itself", async () => {
  const s = new AgentState({
    invoke: async () => {
      throw new Error("unused");
    },
    logger: silentLogger,
  });
  s.onPush({ availability: "Available", reason: "agent", since: "2026-12-07T08:00:00Z", activeCalls: 0, capacity: 2 });
  assert.equal(describeAgentState(s.current).onCall, false);
  s.onPush({
    availability: "Available",
    reason: "call-started",
    since: "2026-12-07T08:00:00Z",
    activeCalls: 1,
    capacity: 2,
  });
  assert.equal(describeAgentState(s.current).onCallText, "On a call (1 of 2)");
  s.onPush({ availability: "Lunch" });
  s.onPush(null);
  assert.equal(s.current.availability, "Available");
  s.onPush({
    availability: "Away",
    reason: "missed-calls",
    since: "2026-12-07T09:00:00Z",
    activeCalls: 0,
    capacity: 2,
  });
  const v = describeAgentState(s.current);
  assert.equal(v.label, "Away");
  assert.match(v.detail, /after missed calls/);
});

test("setAvailability sends {availability} and checks the completion; bad values never reach the wire", async () => {
  const h = hub({ setAvailability: (arg) => ({ status: "recorded", availability: arg.availability }) });
  const s = new AgentState({ invoke: h.invoke, logger: silentLogger });
  const r = await s.set("DoNotDisturb");
  assert.deepEqual(r, { status: "recorded", availability: "DoNotDisturb" });
  assert.deepEqual(h.calls, [{ method: "setAvailability", args: [{ availability: "DoNotDisturb" }] }]);
  assert.equal(s.current.availability, "DoNotDisturb");
  assert.equal(describeAgentState(s.current).label, "Do not disturb");
  await assert.rejects(s.set("Lunch"), TypeError);
  assert.equal(h.calls.length, 1);
});

test("setAvailability refused or failing → AdaptorError with a plain sentence; state unchanged", async () => {
  const refused = new AgentState({ invoke: async () => ({ status: "invalid" }), logger: silentLogger });
  await assert.rejects(
    refused.set("Away"),
    (e) => e.kind === ErrorKind.NETWORK && /could not be changed/.test(e.userMessage),
  );
  assert.equal(refused.current, null);
  const down = new AgentState({
    invoke: async () => {
      throw new Error("Invocation canceled");
    },
    logger: silentLogger,
  });
  await assert.rejects(down.set("Away"), (e) => /could not be changed/.test(e.userMessage));
});

test("getAgentState failing (older server, network) leaves the state unknown, never throws", async () => {
  const s = new AgentState({
    invoke: async () => {
      throw new Error("Method does not exist");
    },
    logger: silentLogger,
  });
  assert.equal(s.failed, false, "not asked yet");
  assert.equal(await s.refresh(), null);
  assert.equal(s.stale, true);
  assert.equal(s.failed, true);
  assert.equal(describeAgentState(s.current, s.stale).label, "Availability unknown");
  const bad = new AgentState({ invoke: async () => ({ availability: "Lunch" }), logger: silentLogger });
  assert.equal(await bad.refresh(), null);
});

test("missed calls: local ones merge with getMissedCalls by notificationId, newest first, at most 50", async () => {
  const server = [];
  for (let i = 0; i < 60; i++)
    server.push({
      notificationId: `s${i}`,
      callId: `c${i}`,
      caller: `Caller ${i}`,
      queue: "Q",
      missedAt: new Date(Date.UTC(2026, 11, 7, 8, 0, i)).toISOString(),
    });
  const h = hub({ getMissedCalls: { missedCalls: server.slice().reverse() } });
  const s = new AgentState({ invoke: h.invoke, logger: silentLogger });
  s.addMissed({
    notificationId: "local",
    callId: "cl",
    caller: "Grace",
    queue: "Premium",
    missedAt: "2026-12-07T09:00:00Z",
  });
  s.addMissed({
    notificationId: "local",
    callId: "cl",
    caller: "Grace",
    queue: "Premium",
    missedAt: "2026-12-07T09:00:00Z",
  });
  assert.equal(s.missed.length, 1);
  await s.refreshMissed();
  assert.equal(s.missed.length, MAX_MISSED);
  assert.equal(s.missed[0].notificationId, "local", "newest first");
  assert.equal(s.missed[1].notificationId, "s59");
  assert.equal(new Set(s.missed.map((m) => m.notificationId)).size, MAX_MISSED);
  // the server's item wins over a local one with the same id
  const s2 = new AgentState({
    invoke: hub({
      getMissedCalls: {
        missedCalls: [{ notificationId: "x", caller: "From server", queue: "Q", missedAt: "2026-12-07T09:00:00Z" }],
      },
    }).invoke,
    logger: silentLogger,
  });
  s2.addMissed({ notificationId: "x", caller: "local", missedAt: "2026-12-07T09:00:00Z" });
  await s2.refreshMissed();
  assert.deepEqual(
    s2.missed.map((m) => m.caller),
    ["From server"],
  );
});

const base = {
  functionUrl: "https://fn.example.org",
  clientId: "c",
  authority: "https://login.example.org/t",
  scopes: "s",
};

test("rejectReasons: default list, custom list (array or JSON string), default reason; bad values are configuration errors", () => {
  const d = normaliseConfig(base);
  assert.deepEqual(
    d.rejectReasons.map((r) => r.code),
    ["busy-with-customer", "wrong-skill", "break", "other"],
  );
  assert.equal(d.defaultRejectReason, "other");
  assert.equal(d.ringTone, true);
  assert.equal(d.desktopNotifications, true);
  assert.equal(d.maxRingingCalls, DEFAULTS.maxRingingCalls);
  const custom = normaliseConfig({
    ...base,
    rejectReasons: JSON.stringify([
      { code: "callback", label: "Will call back" },
      { code: "lunch", label: "Lunch" },
    ]),
    ringTone: false,
    maxRingingCalls: 3,
  });
  assert.deepEqual(custom.rejectReasons, [
    { code: "callback", label: "Will call back" },
    { code: "lunch", label: "Lunch" },
  ]);
  assert.equal(custom.defaultRejectReason, "callback", "no 'other' in the list: the first one");
  assert.equal(custom.ringTone, false);
  assert.equal(custom.maxRingingCalls, 3);
  assert.equal(
    normaliseConfig({
      ...base,
      rejectReasons: [
        { code: "a", label: "A" },
        { code: "b", label: "B" },
      ],
      defaultRejectReason: "b",
    }).defaultRejectReason,
    "b",
  );
  for (const bad of [
    { rejectReasons: [] },
    { rejectReasons: "not json" },
    { rejectReasons: [{ code: "has space", label: "x" }] },
    { rejectReasons: [{ code: "a", label: "" }] },
    {
      rejectReasons: [
        { code: "a", label: "A" },
        { code: "a", label: "B" },
      ],
    },
    { defaultRejectReason: "nope" },
    { maxRingingCalls: 0 },
    { maxRingingCalls: 51 },
    { maxRingingCalls: "x" },
  ]) {
    assert.throws(
      () => normaliseConfig({ ...base, ...bad }),
      (e) => e.kind === ErrorKind.CONFIG,
      JSON.stringify(bad),
    );
  }
});

function fakeAudioWindow({ state = "running", throwOnCreate = false, resumeRejects = false } = {}) {
  const made = { contexts: 0, oscillators: 0, resumes: 0, gesture: false };
  class FakeAudioContext {
    constructor() {
      if (throwOnCreate) throw new Error("NotAllowedError");
      made.contexts++;
      this.state = state;
      this.currentTime = 0;
      this.destination = {};
    }
    resume() {
      made.resumes++;
      // like Chromium's autoplay policy: resuming works only after a user gesture
      if (resumeRejects || !made.gesture) return Promise.reject(new Error("NotAllowedError: needs a user gesture"));
      this.state = "running";
      return Promise.resolve();
    }
    createGain() {
      return { connect() {}, gain: { setValueAtTime() {}, linearRampToValueAtTime() {} } };
    }
    createOscillator() {
      made.oscillators++;
      return { frequency: {}, connect() {}, start() {}, stop() {} };
    }
  }
  const store = new Map();
  const listeners = {};
  return {
    made,
    listeners,
    win: {
      AudioContext: FakeAudioContext,
      localStorage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) },
      document: {
        addEventListener: (t, fn) => {
          listeners[t] = () => {
            made.gesture = true;
            fn();
          };
        },
      },
    },
  };
}

test("ring tone: rings while calls ring, stops after; mute is remembered", async (t) => {
  const { win, made } = fakeAudioWindow();
  const tone = createRingTone({ win, logger: silentLogger, periodMs: 20 });
  t.after(() => tone.dispose());
  assert.equal(tone.enabled, true, "on by default");
  tone.setRinging(true);
  await new Promise((r) => setTimeout(r, 70));
  tone.setRinging(false);
  const played = tone.state.played;
  assert.ok(played >= 2, `played ${played}`);
  assert.equal(made.oscillators, played * 2);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(tone.state.played, played, "silent once no call rings");
  tone.setEnabled(false);
  tone.setRinging(true);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(tone.state.played, played, "muted");
  const again = createRingTone({ win, logger: silentLogger });
  assert.equal(again.enabled, false, "mute survives a reload (localStorage)");
});

test("ring tone never throws where audio is blocked or missing", async (t) => {
  const tones = [];
  t.after(() => tones.forEach((x) => x.dispose()));
  const blocked = fakeAudioWindow({ state: "suspended", resumeRejects: true });
  const t1 = createRingTone({ win: blocked.win, logger: silentLogger, periodMs: 10 });
  tones.push(t1);
  assert.doesNotThrow(() => t1.setRinging(true));
  await new Promise((r) => setTimeout(r, 30));
  t1.dispose();
  assert.equal(t1.state.played, 0);
  assert.ok(t1.state.bursts >= 1 && blocked.made.resumes >= 1);
  const failing = fakeAudioWindow({ throwOnCreate: true });
  const t2 = createRingTone({ win: failing.win, logger: silentLogger, periodMs: 10 });
  tones.push(t2);
  assert.doesNotThrow(() => t2.setRinging(true));
  t2.dispose();
  const none = createRingTone({ win: { document: {} }, logger: silentLogger });
  assert.doesNotThrow(() => {
    none.setRinging(true);
    none.setEnabled(true);
    none.dispose();
  });
  // a suspended context resumes on the first click (autoplay policy)
  const later = fakeAudioWindow({ state: "suspended" });
  const t3 = createRingTone({ win: later.win, logger: silentLogger, periodMs: 10 });
  tones.push(t3);
  t3.setRinging(true);
  assert.equal(t3.audioState, "suspended");
  later.listeners.pointerdown();
  await new Promise((r) => setTimeout(r, 30));
  t3.dispose();
  assert.ok(t3.state.played >= 1);
});

function fakeNotificationWindow({ permission = "default", hidden = true } = {}) {
  const shown = [];
  let asked = 0;
  class FakeNotification {
    static permission = permission;
    static requestPermission() {
      asked++;
      FakeNotification.permission = "granted";
      return Promise.resolve("granted");
    }
    constructor(title, options) {
      this.title = title;
      this.options = options;
      this.closed = false;
      shown.push(this);
    }
    close() {
      this.closed = true;
      if (this.onclose) this.onclose();
    }
  }
  const win = { Notification: FakeNotification, document: { hidden }, focus() {} };
  return { win, shown, asked: () => asked };
}

test("desktop alerts: nothing asked on load; after a click's request, a hidden tab gets one notification per call, closed when it stops ringing", async () => {
  const f = fakeNotificationWindow();
  const alerts = createDesktopAlerts({ win: f.win, logger: silentLogger });
  assert.equal(f.asked(), 0, "permission is not asked by itself");
  assert.equal(alerts.needsPermission(), true);
  assert.equal(alerts.show("n1", "Incoming call from Ada", "Queue: Support"), false, "no permission yet");
  assert.equal(await alerts.request(), "granted");
  assert.equal(alerts.needsPermission(), false);
  assert.equal(alerts.show("n1", "Incoming call from Ada", "Queue: Support"), true);
  assert.equal(alerts.show("n1", "Incoming call from Ada", "Queue: Support"), false, "once per call");
  assert.equal(f.shown[0].options.tag, "cifpipe-n1");
  alerts.keepOnly(new Set());
  assert.equal(f.shown[0].closed, true);
  f.win.document.hidden = false;
  assert.equal(alerts.show("n2", "Incoming call", ""), false, "a visible tab has the panel");
  const off = createDesktopAlerts({ win: f.win, logger: silentLogger, enabled: false });
  assert.equal(off.needsPermission(), false);
  const none = createDesktopAlerts({ win: { document: { hidden: true } }, logger: silentLogger });
  assert.equal(none.show("n3", "x", "y"), false);
  assert.equal(await none.request(), "unsupported");
});
