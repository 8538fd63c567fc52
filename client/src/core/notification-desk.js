import { DecisionStatus } from "./names.js";

const noopLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** What a popup can answer (CIF's actionName Accept/Reject/Timeout, lower-cased). */
export const PopupAction = Object.freeze({ ACCEPT: "accept", REJECT: "reject", TIMEOUT: "timeout", DISMISSED: "dismissed" });

const FINAL = new Set(["decided", "withdrawn", "expired", "failed", "closed"]);

/**
 * notify / withdraw / decided / decide, per notification id:
 *   showing → deciding → decided          (agent answered, server said what happened)
 *   showing → withdrawn | closed          (call answered elsewhere/ended, or another tab decided)
 *   showing → deciding (timeout) → decided
 * A notification id is acted on once: repeated `notify` (server retries, reconnect replays) is
 * ignored, and a `withdraw` that overtakes its `notify` suppresses the late popup.
 */
export class NotificationDesk {
  /**
   * @param {object} deps
   * @param {{show: (n: object, o: {remainingMs: number, cancellationToken: string}) => Promise<{action: string, reason?: string}>,
   *          cancel: (cancellationToken: string) => any}} deps.popup
   * @param {(decision: {notificationId: string, decision: string, reason: string|null}) => Promise<object>} deps.invokeDecide
   * @param {(timeoutMs: number) => Promise<void>} deps.waitForConnected
   * @param {(level: "info"|"warning"|"error", text: string, notificationId?: string) => void} [deps.notice]
   */
  constructor({ popup, invokeDecide, waitForConnected, notice = () => {}, now = () => Date.now(),
    logger = noopLogger, decideAttempts = 4, graceMs = 5000, rememberMs = 15 * 60_000, maxRemembered = 1000 }) {
    this._popup = popup;
    this._invokeDecide = invokeDecide;
    this._waitForConnected = waitForConnected;
    this._notice = notice;
    this._now = now;
    this._log = logger;
    this._decideAttempts = decideAttempts;
    this._graceMs = graceMs;
    this._rememberMs = rememberMs;
    this._maxRemembered = maxRemembered;
    /** @type {Map<string, {id: string, state: string, expiresAt: number, token: string, timer: any, notification?: object, result?: object, done: Promise<any>, resolveDone: Function}>} */
    this._entries = new Map();
  }

  /** Clears pending countdown timers (page unload, tests). */
  dispose() {
    for (const e of this._entries.values()) clearTimeout(e.timer);
  }

  /** Current state of a notification id (showing, deciding, decided, withdrawn, closed, expired, failed) or undefined. */
  stateOf(id) { const e = this._entries.get(id); return e ? e.state : undefined; }

  /** Resolves with the DecisionResult (or null) once the notification reached a final state. */
  settled(id) { const e = this._entries.get(id); return e ? e.done : Promise.resolve(undefined); }

  /** Handles the hub's `notify`. Returns "shown" | "duplicate" | "expired" | "invalid". */
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
    entry.state = "showing";
    entry.timer = setTimeout(() => this._onAction(entry, { action: PopupAction.TIMEOUT, reason: "timeout" }, true), remainingMs);
    let shown;
    try {
      shown = Promise.resolve(this._popup.show(notification, { remainingMs, cancellationToken: entry.token }));
    } catch (err) {
      shown = Promise.reject(err);
    }
    shown.then(
      (answer) => this._onAction(entry, answer, false),
      (err) => {
        if (entry.state !== "showing") return; // closed on purpose (withdraw): CIF rejects the pending popup
        this._log.error(`popup for ${id} failed`, err);
        this._notice("error", `A call from ${callerOf(notification)} could not be shown, so it was passed on. Details are in the browser console.`, id);
        // Nobody can answer a popup that is not there: reject now so the call is routed on instead of ringing out.
        this._onAction(entry, { action: PopupAction.REJECT, reason: "popup-failed" }, false, true);
      });
    return "shown";
  }

  /** Handles `withdraw` (call answered elsewhere, ended, expired). */
  onWithdraw(payload) {
    this._close(payload, "withdrawn", (entry) =>
      `The call from ${callerOf(entry.notification)} is no longer ringing${reasonText(payload)}.`);
  }

  /** Handles `decided` (another tab or device of this agent answered first). */
  onDecided(payload) {
    this._close(payload, "closed", (entry) =>
      `The call from ${callerOf(entry.notification)} was already handled in another window.`);
  }

  _close(payload, finalState, message) {
    const id = typeof payload === "string" ? payload : payload && payload.notificationId;
    if (typeof id !== "string" || !id) {
      this._log.warn("ignoring malformed withdraw/decided", payload);
      return;
    }
    const entry = this._entries.get(id);
    if (!entry) {
      // Overtook its notify (or the popup was never ours): remember, so a late notify is not shown.
      this._finish(this._remember(id, this._now() + this._rememberMs, undefined), finalState, null);
      return;
    }
    if (entry.state !== "showing") return; // deciding: the decide result tells the story
    clearTimeout(entry.timer);
    this._finish(entry, finalState, null);
    this._cancelPopup(entry);
    this._notice("info", message(entry), id);
  }

  async _onAction(entry, answer, fromTimer, quiet = false) {
    if (entry.state !== "showing") return;
    clearTimeout(entry.timer);
    const action = normaliseAction(answer);
    if (action === PopupAction.DISMISSED) {
      // The host closed the notification without an answer (not through us): leave the decision to the server's ring timer.
      this._finish(entry, "closed", null);
      return;
    }
    entry.state = "deciding";
    if (fromTimer) this._cancelPopup(entry);
    const payload = {
      notificationId: entry.id,
      decision: action === PopupAction.ACCEPT ? "accept" : "reject",
      reason: action === PopupAction.TIMEOUT ? "timeout" : (answer && answer.reason) || null,
    };
    let result = null;
    try {
      result = await this._decide(payload, entry.expiresAt + this._graceMs);
    } catch (err) {
      this._log.error(`decide ${entry.id} failed`, err);
      this._notice("error", `Your answer to the call from ${callerOf(entry.notification)} could not be delivered. ` +
        "The call service will route it on its own. Details are in the browser console.", entry.id);
      this._finish(entry, "failed", null);
      return;
    }
    this._finish(entry, "decided", result);
    if (quiet) return;
    const text = describeResult(result, payload.decision, action, entry.notification);
    if (text) this._notice(text.level, text.text, entry.id);
  }

  /** Invokes decide, waiting for a reconnect (bounded by the ring window) when the connection is down. */
  async _decide(payload, deadline) {
    let lastError;
    for (let attempt = 0; attempt < this._decideAttempts; attempt++) {
      const left = deadline - this._now();
      if (attempt > 0) {
        if (left <= 0) break;
        try { await this._waitForConnected(left); } catch (err) { lastError = err; break; }
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

  _cancelPopup(entry) {
    try {
      Promise.resolve(this._popup.cancel(entry.token)).catch((err) => this._log.warn(`closing popup ${entry.id} failed`, err));
    } catch (err) {
      this._log.warn(`closing popup ${entry.id} failed`, err);
    }
  }

  _remember(id, expiresAt, notification) {
    this._prune();
    let resolveDone;
    const done = new Promise((r) => { resolveDone = r; });
    const entry = { id, state: "new", expiresAt, token: `cifpipe-${id}`, timer: null, notification, done, resolveDone };
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
  const a = String(answer && answer.action || "").toLowerCase();
  return Object.values(PopupAction).includes(a) ? a : PopupAction.TIMEOUT;
}

export function callerOf(n) {
  if (!n) return "a caller";
  return n.callerName || n.callerNumber || "an unknown caller";
}

function reasonText(payload) {
  const r = payload && typeof payload === "object" ? payload.reason : undefined;
  if (r === "answered") return " (answered elsewhere)";
  if (r === "ended") return " (the caller hung up)";
  if (r === "expired") return " (ring time over)";
  return "";
}

/** The sentence the agent reads after a decision; null when nothing needs saying. */
export function describeResult(result, decision, action, notification) {
  const who = callerOf(notification);
  switch (result && result.status) {
    case DecisionStatus.RECORDED:
      if (action === PopupAction.TIMEOUT) return { level: "info", text: `You missed the call from ${who}.` };
      return decision === "accept"
        ? { level: "info", text: `Call from ${who} accepted.` }
        : { level: "info", text: `Call from ${who} rejected.` };
    case DecisionStatus.ALREADY_DECIDED:
      return { level: "warning", text: `The call from ${who} was already handled in another window.` };
    case DecisionStatus.EXPIRED:
      return { level: "warning", text: `The call from ${who} stopped ringing before your answer arrived.` };
    case DecisionStatus.NOT_YOURS:
      return { level: "warning", text: `The call from ${who} was offered to another agent.` };
    default:
      return { level: "warning", text: `The call from ${who} is no longer available.` };
  }
}
