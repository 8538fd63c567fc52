// The client against Microsoft's CIF 2.0 behaviour (issue 25): answer shapes, CIFInitDone, missing template and
// short msdyn_timeout (the call stays answerable in the panel, never auto-rejected), screen pop, presence mapping.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAnswer, createCifPopup } from "../src/glue/cif-popup.js";
import { createCif, cifErrorName, parseCifValue } from "../src/glue/cif.js";
import { findXrm } from "../src/glue/xrm.js";
import { createScreenPop, screenPopRequest, normaliseScreenPop } from "../src/glue/screen-pop.js";
import { createPresenceSync, normalisePresenceMap, availabilityOf } from "../src/glue/presence-sync.js";
import { NotificationDesk, PopupAction } from "../src/core/notification-desk.js";
import { normaliseConfig } from "../src/glue/config.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const str = (actionName, responseReason) => JSON.stringify({ actionName, responseReason });

/** A window with a CIF library whose CIFInitDone has been raised (unless init: false). */
function cifWindow(api, { init = true, xrm } = {}) {
  const win = new EventTarget();
  win.Microsoft = { CIFramework: api };
  win.top = win;
  win.parent = win;
  if (xrm) win.Xrm = xrm;
  const cif = createCif({ win, logger: quiet, waitForInitMs: 2000, pollMs: 5 });
  if (init) win.dispatchEvent(new Event("CIFInitDone"));
  return { win, cif };
}

function fakeCards() {
  const shown = [];
  return {
    shown,
    show(o) {
      const h = {
        ...o,
        closed: false,
        close() {
          h.closed = true;
        },
      };
      shown.push(h);
      return h;
    },
  };
}

function call(id = "n1", ringMs = 30_000, extra = {}) {
  return {
    notificationId: id,
    callId: `call-${id}`,
    callerName: "Maria Garcia",
    callerNumber: "+442079460018",
    queue: "Support",
    expiresAt: new Date(Date.now() + ringMs).toISOString(),
    ...extra,
  };
}

test("answers: Microsoft's JSON string and the documented {value:{…}} object give the same result", () => {
  for (const [raw, action, reason] of [
    [str("Accept", "Accept"), "accept", "Accept"],
    [{ value: { actionName: "Accept", responseReason: "Accept" } }, "accept", "Accept"],
    [str("Reject", "DeclinedByAgent"), "reject", "DeclinedByAgent"],
    [{ value: { actionName: "Reject", responseReason: "DeclinedByAgent" } }, "reject", "DeclinedByAgent"],
    [str("Timeout", "DisplayTimeout"), "timeout", "DisplayTimeout"],
    [{ value: str("Accept", "AutoAccept") }, "accept", "AutoAccept"],
    [JSON.stringify(str("Accept", "Accept")), "accept", "Accept"],
    ["Accept", "accept", null],
  ]) {
    assert.deepEqual(parseAnswer(raw), { action, reason }, JSON.stringify(raw));
  }
  // rejections: string (Microsoft's library), object, Error
  const s = JSON.stringify({ message: "NotificationTemplateNotFoundError", msdyn_name: "NotifyEvent" });
  assert.equal(cifErrorName(s), "NotificationTemplateNotFoundError");
  assert.equal(cifErrorName(JSON.parse(s)), "NotificationTemplateNotFoundError");
  assert.equal(cifErrorName(new Error(s)), "NotificationTemplateNotFoundError");
  assert.deepEqual(parseCifValue('{"0":{"fullname":"A"}}'), { 0: { fullname: "A" } });
});

test("CIFInitDone: no CIF call before the event; the call goes out once it is raised", async () => {
  const asked = [];
  const api = {
    notifyEvent: async (input) => {
      asked.push(input.templateName);
      return str("Accept", "Accept");
    },
    cancelEvent: async () => {},
  };
  const { win, cif } = cifWindow(api, { init: false });
  const popup = createCifPopup({
    win,
    cif,
    templateName: "t",
    cards: fakeCards(),
    logger: quiet,
    templateTimeouts: { timeoutSeconds: async () => undefined },
  });
  const shown = popup.show(call(), { remainingMs: 30_000, cancellationToken: "tok" });
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(asked, [], "nothing called before CIFInitDone");
  win.dispatchEvent(new Event("CIFInitDone"));
  assert.deepEqual(await shown, { action: PopupAction.ACCEPT, reason: "Accept" });
  assert.deepEqual(asked, ["t"]);
});

test("CIFInitDone: a library whose event was raised before we listened is used after the wait, with a warning", async () => {
  const warnings = [];
  const win = new EventTarget();
  win.Microsoft = { CIFramework: { notifyEvent: async () => str("Accept", "Accept") } };
  const cif = createCif({ win, logger: { ...quiet, warn: (m) => warnings.push(m) }, waitForInitMs: 30, pollMs: 5 });
  assert.equal(cif.now(), null);
  assert.equal(await cif.ready(), win.Microsoft.CIFramework);
  assert.match(warnings[0], /CIFInitDone was not seen/);
  const none = createCif({ win: new EventTarget(), logger: quiet, waitForInitMs: 20, pollMs: 5 });
  await assert.rejects(none.ready(), /not loaded/);
});

test("missing template: the call is shown in the panel with a clear message and stays answerable; nothing is declined", async () => {
  const api = {
    notifyEvent: async () => {
      throw JSON.stringify({ message: "NotificationTemplateNotFoundError", msdyn_name: "NotifyEvent" });
    },
    cancelEvent: async () => {},
  };
  const { win, cif } = cifWindow(api);
  const cards = fakeCards();
  const decisions = [];
  const desk = new NotificationDesk({
    popup: createCifPopup({
      win,
      cif,
      templateName: "cifpipe_incoming_call",
      cards,
      logger: quiet,
      templateTimeouts: { timeoutSeconds: async () => undefined },
    }),
    invokeDecide: async (d) => {
      decisions.push(d);
      return { notificationId: d.notificationId, status: "recorded" };
    },
    waitForConnected: async () => {},
    logger: quiet,
  });
  desk.onNotify(call("n-missing"));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(decisions.length, 0, "no auto-reject (popup-failed) any more");
  assert.equal(cards.shown.length, 1);
  assert.match(cards.shown[0].message, /no notification template "cifpipe_incoming_call".*administrator/);
  assert.equal(desk.stateOf("n-missing"), "ringing");
  cards.shown[0].onAction("accept");
  await desk.settled("n-missing");
  assert.deepEqual(decisions, [{ notificationId: "n-missing", decision: "accept", reason: "Accept" }]);
  desk.dispose();
});

test("missing template, nobody answers: the ring window ends it as a missed call (no decide), never a rejection", async () => {
  const api = {
    notifyEvent: async () => {
      throw JSON.stringify({ message: "NotificationTemplateNotFoundError", msdyn_name: "NotifyEvent" });
    },
    cancelEvent: async () => {},
  };
  const { win, cif } = cifWindow(api);
  const cards = fakeCards();
  const decisions = [];
  const desk = new NotificationDesk({
    popup: createCifPopup({
      win,
      cif,
      templateName: "x",
      cards,
      logger: quiet,
      templateTimeouts: { timeoutSeconds: async () => undefined },
    }),
    invokeDecide: async (d) => {
      decisions.push(d);
      return { status: "recorded" };
    },
    waitForConnected: async () => {},
    logger: quiet,
  });
  desk.onNotify(call("n-ring", 250));
  await desk.settled("n-ring");
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(decisions, [], "nothing declined on the agent's behalf");
  assert.equal(cards.shown[0].closed, true, "the panel card went with the ring window");
  desk.dispose();
});

test("short msdyn_timeout: the countdown shows the shorter time; when the notification times out early the call stays answerable in the panel", async () => {
  let input;
  const api = {
    notifyEvent: async (i) => {
      input = i;
      return str("Timeout", "DisplayTimeout");
    },
    cancelEvent: async () => {},
  };
  const xrm = {
    WebApi: {
      retrieveMultipleRecords: async (entity, q) => {
        assert.equal(entity, "msdyn_notificationtemplate");
        assert.match(q, /msdyn_name eq 'short'/);
        return { entities: [{ msdyn_name: "short", msdyn_timeout: 5 }] };
      },
    },
  };
  const { win, cif } = cifWindow(api, { xrm });
  const cards = fakeCards();
  const popup = createCifPopup({ win, cif, templateName: "short", cards, logger: quiet });
  const answer = popup.show(call("n-short", 30_000), { remainingMs: 30_000, cancellationToken: "t1" });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(input.templateParameters.countdown, 5, "{countdown} = min(ring window, msdyn_timeout)");
  assert.equal(cards.shown.length, 1);
  assert.match(cards.shown[0].message, /closed before the call stopped ringing.*still answer here/);
  assert.ok(cards.shown[0].remainingMs > 25_000);
  cards.shown[0].onAction("reject");
  assert.deepEqual(await answer, { action: PopupAction.REJECT, reason: "DeclinedByAgent" });
  // a Timeout at the very end of the ring window is the ring window's: passed on as a timeout
  const end = await popup.show(call("n-end", 500), { remainingMs: 500, cancellationToken: "t2" });
  assert.equal(end.action, PopupAction.TIMEOUT);
});

test("queue limits are not the agent's rejection: the call goes to the panel card", async () => {
  const api = { notifyEvent: async () => str("Reject", "NotificationQueueLimitExceeded"), cancelEvent: async () => {} };
  const { win, cif } = cifWindow(api);
  const cards = fakeCards();
  const popup = createCifPopup({
    win,
    cif,
    templateName: "t",
    cards,
    logger: quiet,
    templateTimeouts: { timeoutSeconds: async () => undefined },
  });
  const answer = popup.show(call(), { remainingMs: 30_000, cancellationToken: "q" });
  await new Promise((r) => setTimeout(r, 20));
  assert.match(cards.shown[0].message, /too many notifications/);
  await popup.cancel("q");
  assert.equal(cards.shown[0].closed, true);
  assert.equal(
    await Promise.race([answer, new Promise((r) => setTimeout(() => r("pending"), 20))]),
    "pending",
    "cancelled: the desk decides, not the popup",
  );
});

test("cancel: cancelEvent only for a notification CIF still shows", async () => {
  const cancelled = [];
  let resolveShown;
  const api = {
    notifyEvent: () =>
      new Promise((r) => {
        resolveShown = r;
      }),
    cancelEvent: async (t) => {
      cancelled.push(t);
    },
  };
  const { win, cif } = cifWindow(api);
  const popup = createCifPopup({
    win,
    cif,
    templateName: "t",
    cards: fakeCards(),
    logger: quiet,
    templateTimeouts: { timeoutSeconds: async () => undefined },
  });
  popup.show(call(), { remainingMs: 30_000, cancellationToken: "open" });
  await new Promise((r) => setTimeout(r, 20));
  await popup.cancel("open");
  await popup.cancel("open");
  assert.deepEqual(cancelled, ["open"]);
  resolveShown(str("Accept", "Accept"));
});

test("Xrm: found on window.top; a cross-origin top falls back to the parent, then to this window", () => {
  const xrm = { WebApi: { retrieveMultipleRecords() {} } };
  const self = {};
  self.top = { Xrm: xrm };
  self.parent = self.top;
  assert.equal(findXrm(self), xrm);
  const guarded = {};
  Object.defineProperty(guarded, "top", {
    get() {
      throw new DOMException("Blocked a frame", "SecurityError");
    },
  });
  guarded.parent = { Xrm: xrm };
  assert.equal(findXrm(guarded), xrm);
  const crossParent = { Xrm: xrm };
  Object.defineProperty(crossParent, "top", {
    get() {
      return {
        get Xrm() {
          throw new Error("cross-origin");
        },
      };
    },
  });
  Object.defineProperty(crossParent, "parent", {
    get() {
      throw new Error("cross-origin");
    },
  });
  assert.equal(findXrm(crossParent), xrm);
  assert.equal(findXrm({ top: {}, parent: {} }), undefined);
});

test("config: the redirect URI defaults to the relay page next to the panel", () => {
  const c = normaliseConfig(
    {
      functionUrl: "https://fn.example.net",
      clientId: "id",
      authority: "https://login.microsoftonline.com/t",
      scopes: "s",
    },
    { pageUrl: "https://org.crm.dynamics.com/WebResources/cifpipe_/panel.html?data=x" },
  );
  assert.equal(c.redirectUri, "https://org.crm.dynamics.com/WebResources/cifpipe_/redirect.html");
});

test("screen pop: by caller number by default (the seed's searchAndOpenRecords), or the record in the customer context", () => {
  const d = normaliseScreenPop(undefined);
  assert.deepEqual(screenPopRequest(d, call()), {
    entity: "contact",
    kind: "search",
    query:
      "?$select=fullname,telephone1,mobilephone&$filter=telephone1 eq '%2B442079460018' or mobilephone eq '%2B442079460018'",
  });
  assert.equal(
    new URLSearchParams(screenPopRequest(d, call()).query.slice(1)).get("$filter"),
    "telephone1 eq '+442079460018' or mobilephone eq '+442079460018'",
    "the + survives URL decoding",
  );
  assert.match(
    screenPopRequest(d, call("n", 1, { callerNumber: "o'brien&x=1" })).query,
    /eq 'o''brien%26x%3D1'/,
    "quotes doubled, & encoded",
  );
  const ctx = normaliseScreenPop({ mode: "context" });
  const withRecord = call("n", 1, {
    customerContext: { entityName: "Account", recordId: "{A1F0C2D3-0000-4000-8000-00000000A001}" },
  });
  assert.deepEqual(screenPopRequest(ctx, withRecord), {
    entity: "account",
    kind: "context",
    query: "?$filter=accountid eq 'A1F0C2D3-0000-4000-8000-00000000A001'",
  });
  assert.equal(screenPopRequest(ctx, call()).kind, "search", "no record in the context → search by number");
  assert.equal(
    screenPopRequest(ctx, call("n", 1, { customerContext: { entityName: "x) or 1 eq 1", recordId: "nope" } })).kind,
    "search",
    "no injection through the context",
  );
  assert.equal(screenPopRequest(normaliseScreenPop({ mode: "off" }), call()), null);
});

test("screen pop: session first when a template is configured and CIF can create one, then searchAndOpenRecords (searchOnly false)", async () => {
  const log = [];
  const api = {
    notifyEvent() {},
    canCreateSession: async () => true,
    createSession: async (input, corr) => {
      log.push(["createSession", input.templateName, input.templateParameters.callerNumber, typeof corr]);
      return "session-1";
    },
    searchAndOpenRecords: async (...a) => {
      log.push(["searchAndOpenRecords", ...a.slice(0, 3), a[4]]);
      return JSON.stringify({ 0: { contactid: "c1", fullname: "Maria Garcia" } });
    },
  };
  const { cif } = cifWindow(api);
  const pop = createScreenPop({ cif, options: { sessionTemplate: "cifpipe_call_session" }, logger: quiet });
  const r = await pop.open(call());
  assert.deepEqual(r.count, 1);
  assert.equal(r.sessionId, "session-1");
  assert.deepEqual(log[0], ["createSession", "cifpipe_call_session", "+442079460018", "string"]);
  assert.deepEqual(log[1].slice(0, 2), ["searchAndOpenRecords", "contact"]);
  assert.equal(log[1][3], false);
  assert.equal(log[1][4], 1);
  // no session API (CIF 1.0-like host, or not the workspace app): the record still opens
  const { cif: plain } = cifWindow({ notifyEvent() {}, searchAndOpenRecords: async () => "{}" });
  assert.equal(
    (await createScreenPop({ cif: plain, options: { sessionTemplate: "s" }, logger: quiet }).open(call())).opened,
    true,
  );
  // a failing search tells the agent and does not throw
  const notices = [];
  const { cif: failing } = cifWindow({
    notifyEvent() {},
    searchAndOpenRecords: async () => {
      throw JSON.stringify({ message: "RejectAfterClientError" });
    },
  });
  const f = await createScreenPop({ cif: failing, logger: quiet, notice: (l, t) => notices.push([l, t]) }).open(call());
  assert.equal(f.opened, false);
  assert.match(notices[0][1], /could not be opened/);
});

test("screen pop: the adaptor opens the record after an Accept the server recorded, not after a rejected or late one", async () => {
  const { CifAdaptor } = await import("../src/glue/adaptor.js");
  const searches = [];
  const api = {
    notifyEvent() {},
    searchAndOpenRecords: async (e, q) => {
      searches.push(q);
      return "{}";
    },
  };
  const { win } = cifWindow(api);
  win.fetch = async () => {
    throw new Error("no network");
  };
  win.document = {};
  const indicator = {
    setState() {},
    setRegistration() {},
    notice() {},
    clearNotice() {},
    showSignIn() {},
    hideSignIn() {},
  };
  const adaptor = new CifAdaptor(
    { functionUrl: "http://fn", notificationTemplate: "t", reconnect: {} },
    {
      win,
      indicator,
      popup: { show: () => new Promise(() => {}), cancel() {} },
      tokenProvider: { getAccessToken: async () => "t" },
      logger: quiet,
    },
  );
  let status = "recorded";
  adaptor.connection.invoke = async (method, d) => ({ notificationId: d.notificationId, status });
  adaptor._remember(call("acc"));
  adaptor._remember(call("late", 30_000, { callerNumber: "+1999" }));
  await adaptor.desk._invokeDecide({ notificationId: "acc", decision: "accept", reason: null });
  await adaptor.desk._invokeDecide({ notificationId: "acc", decision: "reject", reason: null });
  status = "expired";
  await adaptor.desk._invokeDecide({ notificationId: "late", decision: "accept", reason: null });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(searches.length, 1);
  assert.match(searches[0], /%2B442079460018/);
});

test("presence: availability ↔ presence texts both ways, configurable; no echo loop; base status for unknown texts", async () => {
  const map = normalisePresenceMap({ toPresence: { DoNotDisturb: "DND" }, fromPresence: { "In a meeting": "Busy" } });
  assert.equal(map.toPresence.DoNotDisturb, "DND");
  assert.equal(
    availabilityOf(map, JSON.stringify({ presenceInfo: { presenceText: "DND", basePresenceStatus: "BUSY_DND" } })),
    "DoNotDisturb",
  );
  assert.equal(availabilityOf(map, { presenceInfo: { presenceText: "In a meeting" } }), "Busy");
  assert.equal(availabilityOf(map, { presenceText: "Lunch", basePresenceStatus: "AWAY" }), "Away");
  assert.equal(availabilityOf(map, { presenceText: "Gone", basePresenceStatus: "OFFLINE" }), "Away");
  assert.equal(availabilityOf(map, "{}"), null);

  const handlers = {};
  const presenceCalls = [];
  const api = {
    notifyEvent() {},
    addHandler: async (n, h) => {
      handlers[n] = h;
      return true;
    },
    setPresence: async (t) => {
      presenceCalls.push(t);
      await handlers.onPresenceChange(JSON.stringify({ presenceInfo: { presenceText: t } }));
      return true;
    },
  };
  const { cif } = cifWindow(api);
  const invoked = [];
  const sync = createPresenceSync({
    cif,
    invoke: async (m, a) => {
      invoked.push([m, a]);
      return m === "getAgentState" ? { availability: "Busy" } : { status: "recorded" };
    },
    map: undefined,
    logger: quiet,
  });
  assert.equal(await sync.start(), true);
  await sync.resync();
  assert.deepEqual(presenceCalls, ["Busy"], "server state drawn into Omnichannel after connect");
  assert.deepEqual(invoked, [["getAgentState", undefined]], "our own setPresence echo does not call setAvailability");
  await handlers.onPresenceChange(
    JSON.stringify({ presenceInfo: { presenceText: "Away", basePresenceStatus: "AWAY" } }),
  );
  assert.deepEqual(invoked.at(-1), ["setAvailability", { availability: "Away" }]);
  await sync.onAvailability({ availability: "Away", reason: "agent" });
  assert.deepEqual(presenceCalls, ["Busy"], "already shown in Omnichannel: not set again");
  await sync.onAvailability({ availability: "DoNotDisturb", reason: "agent" });
  assert.deepEqual(presenceCalls, ["Busy", "Do not disturb"]);
});

test("presence: without a CIF presence API nothing is mirrored and the panel's own control keeps working", async () => {
  const { cif } = cifWindow({ notifyEvent() {} });
  const invoked = [];
  const sync = createPresenceSync({
    cif,
    invoke: async (m, a) => {
      invoked.push([m, a]);
      return { status: "recorded" };
    },
    logger: quiet,
  });
  assert.equal(await sync.start(), false);
  assert.equal(sync.active, false);
  await sync.onAvailability({ availability: "Busy" });
  assert.equal(sync.current, "Busy");
  assert.deepEqual(invoked, []);
});

test("with the agent panel (cards: () => null): errors reject with the reason, early timeouts pass through to the desk", async () => {
  const { win, cif } = cifWindow({
    notifyEvent: async () => {
      throw JSON.stringify({ message: "NotificationTemplateNotFoundError" });
    },
  });
  const popup = createCifPopup({
    win,
    cif,
    templateName: "gone",
    cards: () => null,
    logger: quiet,
    templateTimeouts: { timeoutSeconds: async () => undefined },
  });
  await assert.rejects(
    popup.show(call(), { remainingMs: 30_000, cancellationToken: "a" }),
    /no notification template "gone"/,
  );
  const { win: w2, cif: c2 } = cifWindow({ notifyEvent: async () => str("Timeout", "DisplayTimeout") });
  const early = createCifPopup({
    win: w2,
    cif: c2,
    templateName: "t",
    cards: () => null,
    logger: quiet,
    templateTimeouts: { timeoutSeconds: async () => undefined },
  });
  assert.deepEqual(await early.show(call(), { remainingMs: 30_000, cancellationToken: "b" }), {
    action: PopupAction.TIMEOUT,
    reason: "DisplayTimeout",
  });
});
