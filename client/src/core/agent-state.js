import { Availability, METHOD_GET_AGENT_STATE, METHOD_GET_MISSED_CALLS, METHOD_SET_AVAILABILITY } from "./names.js";
import { AdaptorError, ErrorKind } from "./errors.js";

const noopLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** What the panel shows for each availability value. */
export const AVAILABILITY_LABELS = Object.freeze({
  [Availability.AVAILABLE]: "Available",
  [Availability.BUSY]: "Busy",
  [Availability.DO_NOT_DISTURB]: "Do not disturb",
  [Availability.AWAY]: "Away",
});

const VALUES = new Set(Object.values(Availability));

/** Missed calls kept (the server keeps the same number: newest first, at most 50). */
export const MAX_MISSED = 50;

/**
 * The agent's side of the presence app's state: availability (`setAvailability`, `availability` pushes,
 * `getAgentState` after every (re)connect), capacity use (activeCalls/capacity: "On a call" is separate
 * from availability) and the missed-calls list (`getMissedCalls`, plus calls this window saw ring out).
 */
export class AgentState {
  /**
   * @param {object} deps
   * @param {(method: string, ...args: any[]) => Promise<any>} deps.invoke hub method invocation
   */
  constructor({ invoke, logger = noopLogger, maxMissed = MAX_MISSED }) {
    this._invoke = invoke;
    this._log = logger;
    this._maxMissed = maxMissed;
    /** @type {{availability: string, reason: string|null, since: string|null, activeCalls: number, capacity: number}|null} */
    this.current = null;
    /** @type {{notificationId: string, callId: string, caller: string, queue: string, missedAt: string}[]} newest first */
    this.missed = [];
    /** true while the last getAgentState failed (the panel says the state is unknown) */
    this.stale = true;
    /** true when the last getAgentState failed (not merely not asked yet) */
    this.failed = false;
    this._listeners = new Set();
  }

  onChange(fn) {
    this._listeners.add(fn);
    return () => this._listeners.delete(fn);
  }

  /** `getAgentState` (after each connect/reconnect): availability, capacity use and missed calls. */
  async refresh() {
    try {
      const s = await this._invoke(METHOD_GET_AGENT_STATE);
      if (!s || !VALUES.has(s.availability)) throw new Error(`getAgentState answered ${JSON.stringify(s)}`);
      this._apply(s);
      if (Array.isArray(s.missedCalls)) this._mergeMissed(s.missedCalls, true);
      this.stale = false;
      this.failed = false;
      this._emit();
      return this.current;
    } catch (err) {
      this._log.warn("getAgentState failed; availability shown as unknown until the next (re)connect", err);
      this.stale = true;
      this.failed = true;
      this._emit();
      return null;
    }
  }

  /** `getMissedCalls`: the stored list (survives reloads); local entries the server does not list yet are kept. */
  async refreshMissed() {
    try {
      const r = await this._invoke(METHOD_GET_MISSED_CALLS);
      if (!r || !Array.isArray(r.missedCalls)) throw new Error(`getMissedCalls answered ${JSON.stringify(r)}`);
      this._mergeMissed(r.missedCalls, true);
      this._emit();
    } catch (err) {
      this._log.warn("getMissedCalls failed", err);
    }
    return this.missed;
  }

  /** The `availability` push (every change, by the agent, another window of hers, or the pipeline). */
  onPush(payload) {
    if (!payload || !VALUES.has(payload.availability)) {
      this._log.warn("ignoring malformed availability push", payload);
      return;
    }
    this._apply(payload);
    this.stale = false;
    this._emit();
  }

  /** `setAvailability`; resolves the completion result {status: "recorded", availability} or throws an AdaptorError. */
  async set(availability) {
    if (!VALUES.has(availability))
      throw new TypeError(`availability must be one of ${[...VALUES].join(", ")}, not ${availability}`);
    let result;
    try {
      result = await this._invoke(METHOD_SET_AVAILABILITY, { availability });
    } catch (err) {
      throw err instanceof AdaptorError
        ? err
        : new AdaptorError(
            ErrorKind.NETWORK,
            "Your availability could not be changed. Try again in a moment.",
            `setAvailability failed: ${err && err.message}`,
            { cause: err },
          );
    }
    if (!result || result.status !== "recorded" || result.availability !== availability) {
      throw new AdaptorError(
        ErrorKind.NETWORK,
        "Your availability could not be changed. Try again in a moment.",
        `setAvailability answered ${JSON.stringify(result)}`,
      );
    }
    // The push follows (with reason and since); show the choice at once.
    const was = this.current || { activeCalls: 0, capacity: 1 };
    if (!this.current || this.current.availability !== availability) {
      this.current = { ...was, availability, reason: "agent", since: new Date().toISOString() };
    }
    this.stale = false;
    this._emit();
    return result;
  }

  /** A call this window saw ring out (withdraw expired / ring window over). */
  addMissed(call) {
    this._mergeMissed([call], false);
    this._emit();
  }

  _apply(s) {
    const prev = this.current || {};
    this.current = {
      availability: s.availability,
      reason: typeof s.reason === "string" ? s.reason : null,
      since: typeof s.since === "string" ? s.since : prev.since || null,
      activeCalls: Number.isInteger(s.activeCalls) && s.activeCalls >= 0 ? s.activeCalls : prev.activeCalls || 0,
      capacity: Number.isInteger(s.capacity) && s.capacity > 0 ? s.capacity : prev.capacity || 1,
    };
  }

  _mergeMissed(items, fromServer) {
    const byId = new Map();
    const add = (m) => {
      if (!m || typeof m.notificationId !== "string" || !m.notificationId) return;
      if (!byId.has(m.notificationId)) byId.set(m.notificationId, normaliseMissed(m));
    };
    if (fromServer) {
      items.forEach(add);
      this.missed.forEach(add);
    } else {
      this.missed.forEach(add);
      items.forEach(add);
    }
    this.missed = [...byId.values()]
      .sort((a, b) => (Date.parse(b.missedAt) || 0) - (Date.parse(a.missedAt) || 0))
      .slice(0, this._maxMissed);
  }

  _emit() {
    for (const fn of this._listeners) {
      try {
        fn();
      } catch (err) {
        this._log.warn("agent-state listener failed", err);
      }
    }
  }
}

function normaliseMissed(m) {
  return {
    notificationId: m.notificationId,
    callId: typeof m.callId === "string" ? m.callId : "",
    caller: typeof m.caller === "string" && m.caller ? m.caller : "Unknown caller",
    queue: typeof m.queue === "string" ? m.queue : "",
    missedAt: typeof m.missedAt === "string" ? m.missedAt : new Date().toISOString(),
  };
}

/** The line the panel shows for the state: availability label plus "On a call" while a call is active. */
export function describeAgentState(current, stale) {
  if (!current) return { label: stale ? "Availability unknown" : "…", onCall: false, detail: "" };
  const label = AVAILABILITY_LABELS[current.availability] || current.availability;
  const onCall = current.activeCalls > 0;
  let detail = "";
  if (current.reason === "missed-calls") detail = "Set to Away after missed calls. Choose Available when you are back.";
  else if (current.reason === "max-call-duration")
    detail = "Your last call was released after the maximum call duration.";
  return {
    label,
    onCall,
    detail,
    onCallText: onCall
      ? current.capacity > 1
        ? `On a call (${current.activeCalls} of ${current.capacity})`
        : "On a call"
      : "",
  };
}
