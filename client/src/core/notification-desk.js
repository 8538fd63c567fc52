import { Decision, DecisionStatus, WithdrawReason } from "./names.js";

const noopLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** What a popup can answer (CIF's actionName Accept/Reject/Timeout, lower-cased). */
export const PopupAction = Object.freeze({
  ACCEPT: "accept",
  REJECT: "reject",
  TIMEOUT: "timeout",
  DISMISSED: "dismissed",
});

/** CIF's answer when its own notification queue is full: the host refused to show it, the agent did not reject. */
export const CIF_QUEUE_LIMIT_REASON = "NotificationQueueLimitExceeded";

/** Default for the `maxRingingCalls` option: calls the panel keeps ringing at once (front + waiting). */
export const DEFAULT_MAX_RINGING = 10;

/** The `reason` sent with `decide` `overflow`. */
export const OVERFLOW_REASON = "queue-full";

const FINAL = new Set(["decided", "withdrawn", "expired", "missed", "overflow", "failed", "closed"]);

/**
 * notify / withdraw / decided / decide, per notification id, for any number of calls ringing at once:
 *   ringing → deciding → decided           (the agent answered — CIF notification or panel —, the server said what happened)
 *   ringing → missed                       (ring window over, locally or `withdraw` reason expired; no decide is sent)
 *   ringing → withdrawn | closed           (answered elsewhere/taken/ended, or another tab of the agent decided)
 *   new → deciding → overflow              (more than maxRingingCalls ringing: `decide` overflow, never a reject)
 * One ringing call is in front: only it has a CIF notification (so the host's own queue never fills and
 * never answers "Reject" for us); the others wait in the panel, each reachable (bringToFront / accept /
 * reject). Nothing is ever declined on the agent's behalf: a popup the host cannot show, closes by itself
 * or refuses stays answerable in the panel. A notification id is acted on once: repeated `notify` is
 * ignored, and a `withdraw` that overtakes its `notify` suppresses the late call.
 */
export class NotificationDesk {
  /**
   * @param {object} deps
   * @param {{show: (n: object, o: {remainingMs: number, cancellationToken: string}) => Promise<{action: string, reason?: string}>,
   *          cancel: (cancellationToken: string) => any}} deps.popup
   * @param {(decision: {notificationId: string, decision: string, reason: string|null}) => Promise<object>} deps.invokeDecide
   * @param {(timeoutMs: number) => Promise<void>} deps.waitForConnected
   * @param {(level: "info"|"warning"|"error", text: string, notificationId?: string) => void} [deps.notice]
   * @param {(call: {notificationId: string, callId: string, caller: string, queue: string, missedAt: string}) => void} [deps.onMissed]
   * @param {string} [deps.defaultRejectReason] reason code sent when the agent rejects from the CIF notification
   * @param {number} [deps.maxRingingCalls] calls ringing at once; more end with decide `overflow`
   */
  constructor({
    popup,
    invokeDecide,
    waitForConnected,
    notice = () => {},
    onMissed = () => {},
    now = () => Date.now(),
    logger = noopLogger,
    decideAttempts = 4,
    graceMs = 5000,
    rememberMs = 15 * 60_000,
    maxRemembered = 1000,
    defaultRejectReason = "other",
    maxRingingCalls = DEFAULT_MAX_RINGING,
  }) {
    this._popup = popup;
    this._invokeDecide = invokeDecide;
    this._waitForConnected = waitForConnected;
    this._notice = notice;
    this._onMissed = onMissed;
    this._now = now;
    this._log = logger;
    this._decideAttempts = decideAttempts;
    this._graceMs = graceMs;
    this._rememberMs = rememberMs;
    this._maxRemembered = maxRemembered;
    this._defaultRejectReason = defaultRejectReason;
    this._maxRinging = Math.max(1, maxRingingCalls);
    this._seq = 0;
    this._frontId = null;
    this._listeners = new Set();
    /** @type {Map<string, any>} */
    this._entries = new Map();
  }

  /** Clears pending countdown timers (page unload, tests). */
  dispose() {
    for (const e of this._entries.values()) clearTimeout(e.timer);
    this._listeners.clear();
  }

  /** Current state of a notification id (ringing, deciding, decided, missed, withdrawn, closed, overflow, expired, failed) or undefined. */
  stateOf(id) {
    const e = this._entries.get(id);
    return e ? e.state : undefined;
  }

  /** Resolves with the DecisionResult (or null) once the notification reached a final state. */
  settled(id) {
    const e = this._entries.get(id);
    return e ? e.done : Promise.resolve(undefined);
  }

  /** The notification id in front (the one with the CIF notification), or null. */
  get frontId() {
    return this._frontId;
  }

  /** Ringing calls, the front one first, then in order of arrival: {notificationId, notification, expiresAt, front, inCif}. */
  ringingCalls() {
    const list = [...this._entries.values()].filter((e) => e.state === "ringing").sort((a, b) => a.seq - b.seq);
    const i = list.findIndex((e) => e.id === this._frontId);
    if (i > 0) list.unshift(...list.splice(i, 1));
    return list.map((e) => ({
      notificationId: e.id,
      notification: e.notification,
      expiresAt: e.expiresAt,
      front: e.id === this._frontId,
      inCif: e.cifOpen,
    }));
  }

  /** Calls fn() after every change of the ringing calls (for the panel). Returns an unsubscribe function. */
  onChange(fn) {
    this._listeners.add(fn);
    return () => this._listeners.delete(fn);
  }

  /** Handles the hub's `notify`. Returns "shown" | "queued" | "overflow" | "duplicate" | "expired" | "invalid". */
  onNotify(notification) {
    const id = notification && typeof notification.notificationId === "string" ? notification.notificationId : "";
    const expiresAt = notification ? Date.parse(notification.expiresAt) : NaN;
    if (!id || Number.isNaN(expiresAt)) {
      this._log.warn("ignoring malformed notify (needs notificationId and expiresAt)", notification);
      return "invalid";
    }
    if (this._entries.has(id)) {
      this._log.debug(`duplicate notify ${id} ignored (state ${this._entries.get(id).state})`);
      return "duplicate";
    }
    const remainingMs = expiresAt - this._now();
    const entry = this._remember(id, expiresAt, notification);
    if (remainingMs <= 0) {
      this._finish(entry, "expired", null);
      this._log.info(`notify ${id} arrived after its ring window closed; not shown`);
      return "expired";
    }
    if (this._ringingCount() >= this._maxRinging) {
      this._overflow(entry);
      return "overflow";
    }
    entry.state = "ringing";
    entry.timer = setTimeout(() => this._rangOut(entry), remainingMs);
    this._refreshFront();
    this._emit();
    return this._frontId === id ? "shown" : "queued";
  }

  /** Handles `withdraw` (answered elsewhere, taken by another agent, ended, expired). */
  onWithdraw(payload) {
    const reason = payload && typeof payload === "object" ? payload.reason : undefined;
    if (reason === WithdrawReason.EXPIRED) {
      const entry = this._entryFor(payload, "withdrawn");
      if (entry && entry.state === "ringing") this._rangOut(entry);
      return;
    }
    this._close(payload, "withdrawn", (entry) => withdrawText(entry.notification, reason));
  }

  /** Handles `decided` (another tab or device of this agent answered first). */
  onDecided(payload) {
    this._close(payload, "closed", (entry) => ({
      level: "info",
      text: `The call from ${callerOf(entry.notification)} was already handled in another window.`,
    }));
  }

  /** The agent accepts a call from the panel. Resolves with the DecisionResult (or null). */
  accept(id) {
    return this._agentDecides(id, Decision.ACCEPT, null);
  }

  /** The agent rejects a call from the panel with a reason code (default: the configured default). */
  reject(id, reasonCode) {
    return this._agentDecides(id, Decision.REJECT, reasonCode || this._defaultRejectReason);
  }

  /** Brings a waiting call to the front: it gets the CIF notification, the previous front waits. */
  bringToFront(id) {
    const entry = this._entries.get(id);
    if (!entry || entry.state !== "ringing" || this._frontId === id) return false;
    const previous = this._entries.get(this._frontId);
    if (previous) this._hideCif(previous);
    entry.cifRefused = false;
    this._frontId = id;
    this._refreshFront();
    this._emit();
    return true;
  }

  _agentDecides(id, decision, reason) {
    const entry = this._entries.get(id);
    if (!entry) return Promise.resolve(undefined);
    if (entry.state !== "ringing") return entry.done;
    this._decideFor(entry, decision, reason);
    return entry.done;
  }

  _entryFor(payload, finalState) {
    const id = typeof payload === "string" ? payload : payload && payload.notificationId;
    if (typeof id !== "string" || !id) {
      this._log.warn("ignoring malformed withdraw/decided", payload);
      return null;
    }
    const entry = this._entries.get(id);
    if (!entry) {
      // Overtook its notify (or the call was never ours): remember, so a late notify is not shown.
      this._finish(this._remember(id, this._now() + this._rememberMs, undefined), finalState, null);
      return null;
    }
    return entry;
  }

  _close(payload, finalState, message) {
    const entry = this._entryFor(payload, finalState);
    if (!entry || entry.state !== "ringing") return; // deciding: the decide result tells the story
    this._endRinging(entry, finalState, null);
    const m = message(entry);
    this._notice(m.level, m.text, entry.id);
  }

  /** The ring window is over (our timer, CIF's Timeout at the end of the window, or `withdraw` expired): a missed call. */
  _rangOut(entry) {
    if (entry.state !== "ringing") return;
    this._endRinging(entry, "missed", null);
    const n = entry.notification || {};
    this._notice("warning", `You missed a call from ${callerOf(n)}.`, entry.id);
    try {
      this._onMissed({
        notificationId: entry.id,
        callId: n.callId || "",
        caller: callerOf(n),
        queue: n.queue || "",
        missedAt: new Date(this._now()).toISOString(),
      });
    } catch (err) {
      this._log.warn("recording a missed call failed", err);
    }
  }

  /** Leaves the ringing set: timer, CIF notification, front. */
  _endRinging(entry, state, result) {
    clearTimeout(entry.timer);
    this._hideCif(entry);
    this._finish(entry, state, result);
    if (this._frontId === entry.id) this._frontId = null;
    this._refreshFront();
    this._emit();
  }

  /** Keeps exactly one ringing call in front and its CIF notification open (unless the host refused it). */
  _refreshFront() {
    let front = this._entries.get(this._frontId);
    if (!front || front.state !== "ringing") {
      front = [...this._entries.values()].filter((e) => e.state === "ringing").sort((a, b) => a.seq - b.seq)[0];
      this._frontId = front ? front.id : null;
    }
    if (front && !front.cifOpen && !front.cifRefused) this._showCif(front);
  }

  _showCif(entry) {
    const gen = ++entry.showGen;
    entry.cifOpen = true;
    let shown;
    try {
      shown = Promise.resolve(
        this._popup.show(entry.notification, {
          remainingMs: Math.max(0, entry.expiresAt - this._now()),
          cancellationToken: entry.token,
        }),
      );
    } catch (err) {
      shown = Promise.reject(err);
    }
    shown.then(
      (answer) => {
        if (gen === entry.showGen) {
          entry.cifOpen = false;
          this._onCifAnswer(entry, answer);
        }
      },
      (err) => {
        if (gen !== entry.showGen) return; // closed on purpose (withdraw, another call in front): CIF rejects the pending popup
        entry.cifOpen = false;
        entry.cifRefused = true;
        if (entry.state !== "ringing") return;
        this._log.error(`CIF notification for ${entry.id} failed; the call stays answerable in the panel`, err);
        this._notice(
          "warning",
          `The call from ${callerOf(entry.notification)} could not be shown as a notification; answer it here in the panel. Details are in the browser console.`,
          entry.id,
        );
        this._emit();
      },
    );
  }

  _hideCif(entry) {
    if (!entry.cifOpen) return;
    entry.showGen++;
    entry.cifOpen = false;
    try {
      Promise.resolve(this._popup.cancel(entry.token)).catch((err) =>
        this._log.warn(`closing popup ${entry.id} failed`, err),
      );
    } catch (err) {
      this._log.warn(`closing popup ${entry.id} failed`, err);
    }
  }

  _onCifAnswer(entry, answer) {
    if (entry.state !== "ringing") return;
    const action = normaliseAction(answer);
    const reason = answer && answer.reason;
    if (action === PopupAction.ACCEPT) {
      this._decideFor(entry, Decision.ACCEPT, reason || null);
    } else if (action === PopupAction.REJECT && reason !== CIF_QUEUE_LIMIT_REASON) {
      // CIF's Reject carries its own responseReason (DeclinedByAgent): the reason code is the configured default.
      this._decideFor(entry, Decision.REJECT, this._defaultRejectReason);
    } else if (action === PopupAction.TIMEOUT && entry.expiresAt - this._now() <= 1000) {
      this._rangOut(entry);
    } else {
      // The host refused (queue limit), dismissed it, or its template timed out before our ring window:
      // not the agent's answer. The call keeps ringing in the panel.
      this._log.info(
        `CIF closed the notification for ${entry.id} without the agent's answer (${action}/${reason}); still ringing in the panel`,
      );
      entry.cifRefused = true;
      this._emit();
    }
  }

  async _decideFor(entry, decision, reason, { quiet = false } = {}) {
    const wasRinging = entry.state === "ringing";
    clearTimeout(entry.timer);
    this._hideCif(entry);
    entry.state = "deciding";
    if (wasRinging) {
      if (this._frontId === entry.id) this._frontId = null;
      this._refreshFront();
      this._emit();
    }
    const payload = { notificationId: entry.id, decision, reason };
    let result = null;
    try {
      result = await this._decide(payload, entry.expiresAt + this._graceMs);
    } catch (err) {
      this._log.error(`decide ${entry.id} failed`, err);
      if (decision === Decision.OVERFLOW) {
        this._finish(entry, "overflow", null);
        return;
      }
      this._notice(
        "error",
        `Your answer to the call from ${callerOf(entry.notification)} could not be delivered. ` +
          "The call service will route it on its own. Details are in the browser console.",
        entry.id,
      );
      this._finish(entry, "failed", null);
      return;
    }
    this._finish(entry, decision === Decision.OVERFLOW ? "overflow" : "decided", result);
    if (quiet) return;
    const text = describeResult(result, decision, entry.notification);
    if (text) this._notice(text.level, text.text, entry.id);
  }

  /** More calls than the panel keeps: tell the server we could not show it (Unavailable/overflow), never a reject. */
  _overflow(entry) {
    this._log.warn(
      `call ${entry.id} arrived with ${this._ringingCount()} calls ringing (limit ${this._maxRinging}); passed on as overflow`,
    );
    this._notice(
      "warning",
      `A call from ${callerOf(entry.notification)} arrived while ${this._ringingCount()} calls were already ringing; ` +
        "it was passed on to another agent.",
      entry.id,
    );
    this._decideFor(entry, Decision.OVERFLOW, OVERFLOW_REASON, { quiet: true });
  }

  /** Invokes decide, waiting for a reconnect (bounded by the ring window) when the connection is down. */
  async _decide(payload, deadline) {
    let lastError;
    for (let attempt = 0; attempt < this._decideAttempts; attempt++) {
      const left = deadline - this._now();
      if (attempt > 0) {
        if (left <= 0) break;
        try {
          await this._waitForConnected(left);
        } catch (err) {
          lastError = err;
          break;
        }
      }
      try {
        const result = await this._invokeDecide(payload);
        if (!result || typeof result.status !== "string") throw new Error(`decide answered ${JSON.stringify(result)}`);
        return result;
      } catch (err) {
        lastError = err;
        this._log.warn(`decide ${payload.notificationId} attempt ${attempt + 1} failed`, err);
      }
    }
    throw lastError || new Error("ring window closed before the decision could be sent");
  }

  _ringingCount() {
    let n = 0;
    for (const e of this._entries.values()) if (e.state === "ringing") n++;
    return n;
  }

  _emit() {
    for (const fn of this._listeners) {
      try {
        fn();
      } catch (err) {
        this._log.warn("notification-desk listener failed", err);
      }
    }
  }

  _remember(id, expiresAt, notification) {
    this._prune();
    let resolveDone;
    const done = new Promise((r) => {
      resolveDone = r;
    });
    const entry = {
      id,
      state: "new",
      seq: ++this._seq,
      expiresAt,
      token: `cifpipe-${id}`,
      timer: null,
      notification,
      done,
      resolveDone,
      cifOpen: false,
      cifRefused: false,
      showGen: 0,
    };
    this._entries.set(id, entry);
    return entry;
  }

  _finish(entry, state, result) {
    entry.state = state;
    entry.result = result;
    entry.resolveDone(result);
  }

  /** Forget final entries long after their ring window; cap the map so a long shift cannot grow it without bound. */
  _prune() {
    const now = this._now();
    for (const [id, e] of this._entries) {
      if (FINAL.has(e.state) && e.expiresAt + this._rememberMs < now) this._entries.delete(id);
    }
    while (this._entries.size >= this._maxRemembered) {
      const oldestFinal = [...this._entries.values()].find((e) => FINAL.has(e.state));
      if (!oldestFinal) break;
      this._entries.delete(oldestFinal.id);
    }
  }
}

function normaliseAction(answer) {
  const a = String((answer && answer.action) || "").toLowerCase();
  return Object.values(PopupAction).includes(a) ? a : PopupAction.TIMEOUT;
}

export function callerOf(n) {
  if (!n) return "a caller";
  return n.callerName || n.callerNumber || "an unknown caller";
}

/** What the agent reads when a ringing call is withdrawn (expired is a missed call, handled apart). */
export function withdrawText(notification, reason) {
  const who = callerOf(notification);
  if (reason === WithdrawReason.TAKEN)
    return { level: "info", text: `The call from ${who} was answered by another agent.` };
  if (reason === WithdrawReason.ANSWERED)
    return { level: "info", text: `The call from ${who} is no longer ringing (answered elsewhere).` };
  if (reason === WithdrawReason.ENDED)
    return { level: "info", text: `The call from ${who} is no longer ringing (the caller hung up).` };
  return { level: "info", text: `The call from ${who} is no longer ringing.` };
}

/** The sentence the agent reads after her decision; null when nothing needs saying. */
export function describeResult(result, decision, notification) {
  const who = callerOf(notification);
  switch (result && result.status) {
    case DecisionStatus.RECORDED:
      return decision === Decision.ACCEPT
        ? { level: "info", text: `Call from ${who} accepted.` }
        : { level: "info", text: `Call from ${who} rejected.` };
    case DecisionStatus.ALREADY_DECIDED:
      return { level: "warning", text: `The call from ${who} was already handled in another window.` };
    case DecisionStatus.ALREADY_TAKEN:
      return { level: "info", text: `The call from ${who} was answered by another agent.` };
    case DecisionStatus.EXPIRED:
      return { level: "warning", text: `The call from ${who} had already stopped ringing; your answer came too late.` };
    case DecisionStatus.NOT_YOURS:
      return { level: "warning", text: `The call from ${who} was offered to another agent.` };
    default:
      return { level: "warning", text: `The call from ${who} is no longer available.` };
  }
}
