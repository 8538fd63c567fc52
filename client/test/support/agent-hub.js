// In-memory stand-in for the presence app's agent-side hub methods (contracts of issue 20; the real ones
// are in functions-presence): decide (accept | reject | overflow, first decision wins, ring groups by
// callId → already-taken), setAvailability, getAgentState, getMissedCalls, and the pushes `availability`,
// `decided`, `withdraw` (taken / expired). Used by the emulator-backed tests and the client browser stack.
// It validates arguments like the server (bad input → a hub error), so a client sending a wrong shape fails.

export const AVAILABILITIES = ["Available", "Busy", "DoNotDisturb", "Away"];

/**
 * @param {object} o
 * @param {(userId: string, target: string, args: any[]) => Promise<void>} o.push sends a hub invocation to all of a user's connections
 */
export function createAgentHub({ push, capacity = 1, now = () => new Date() }) {
  const agents = new Map(); // userId → {availability, reason, since, activeCalls, capacity, missed: []}
  const decided = new Map(); // notificationId → outcome
  const offers = new Map(); // notificationId → {userId, callId, caller, queue}
  const accepted = new Map(); // callId → notificationId
  const decisions = [];
  const availabilityCalls = [];

  function agent(userId) {
    if (!agents.has(userId)) {
      agents.set(userId, {
        availability: "Available",
        reason: "agent",
        since: now().toISOString(),
        activeCalls: 0,
        capacity,
        missed: [],
      });
    }
    return agents.get(userId);
  }
  const view = (a) => ({
    availability: a.availability,
    reason: a.reason,
    since: a.since,
    activeCalls: a.activeCalls,
    capacity: a.capacity,
  });
  const sendAvailability = (userId) => push(userId, "availability", [view(agent(userId))]).catch(() => {});

  async function handle({ userId, target, args }) {
    const method = String(target || "").toLowerCase();
    if (method === "decide") {
      const [arg] = args;
      if (
        args.length !== 1 ||
        !arg ||
        typeof arg.notificationId !== "string" ||
        !["accept", "reject", "overflow"].includes(arg.decision)
      ) {
        throw new HubError(
          "invalid",
          "decide takes exactly one argument {notificationId, decision: accept|reject|overflow, reason}",
        );
      }
      const { notificationId, decision, reason } = arg;
      decisions.push({ userId, notificationId, decision, reason });
      if (decided.has(notificationId))
        return { notificationId, status: "already-decided", outcome: decided.get(notificationId) };
      const offer = offers.get(notificationId);
      if (decision === "accept" && offer && offer.callId && accepted.has(offer.callId)) {
        decided.set(notificationId, "Withdrawn");
        return { notificationId, status: "already-taken", outcome: "Withdrawn" };
      }
      const outcome = decision === "accept" ? "Accepted" : decision === "reject" ? "Rejected" : "Unavailable";
      decided.set(notificationId, outcome);
      const a = agent(userId);
      if (decision !== "overflow") a.missedInARow = 0;
      if (decision === "accept") {
        if (offer && offer.callId) {
          accepted.set(offer.callId, notificationId);
          // ring group: the other agents' popups for the same call are withdrawn with reason taken
          for (const [id, o] of offers) {
            if (id !== notificationId && o.callId === offer.callId && !decided.has(id)) {
              decided.set(id, "Withdrawn");
              push(o.userId, "withdraw", [{ notificationId: id, callId: o.callId, reason: "taken" }]).catch(() => {});
            }
          }
        }
        a.activeCalls++;
        a.reason = "call-started";
        sendAvailability(userId);
      }
      // like the presence app: tell the agent's other tabs to close the popup
      setTimeout(() => push(userId, "decided", [{ notificationId, outcome }]).catch(() => {}), 0);
      return { notificationId, status: "recorded", outcome };
    }
    if (method === "setavailability") {
      const [arg] = args;
      if (args.length !== 1 || !arg || !AVAILABILITIES.includes(arg.availability)) {
        throw new HubError(
          "invalid",
          "setAvailability takes exactly one argument {availability: Available|Busy|DoNotDisturb|Away}",
        );
      }
      availabilityCalls.push({ userId, availability: arg.availability });
      const a = agent(userId);
      if (a.availability !== arg.availability) a.since = now().toISOString();
      a.availability = arg.availability;
      a.reason = "agent";
      a.missedInARow = 0;
      sendAvailability(userId);
      return { status: "recorded", availability: a.availability };
    }
    if (method === "getagentstate") {
      const a = agent(userId);
      return { ...view(a), missedCalls: a.missed.slice(0, 50) };
    }
    if (method === "getmissedcalls") return { missedCalls: agent(userId).missed.slice(0, 50) };
    throw new HubError("unknown-method", `unknown hub method ${target}`);
  }

  return {
    handle,
    decisions,
    availabilityCalls,
    agent,
    /** Remembers an offer (what dispatch stores) so ring groups and missed calls can be played. */
    offered(userId, n) {
      offers.set(n.notificationId, {
        userId,
        callId: n.callId,
        caller: n.callerName || n.callerNumber || "Unknown caller",
        queue: n.queue || "",
      });
    },
    /** The ring window closed without a decision: Expired, withdraw(expired), a stored missed call. */
    async expire(notificationId) {
      const o = offers.get(notificationId);
      if (!o || decided.has(notificationId)) return false;
      decided.set(notificationId, "Expired");
      agent(o.userId).missed.unshift({
        notificationId,
        callId: o.callId,
        caller: o.caller,
        queue: o.queue,
        missedAt: now().toISOString(),
      });
      await push(o.userId, "withdraw", [{ notificationId, callId: o.callId, reason: "expired" }]);
      return true;
    },
    /** call.ended for an accepted call: capacity released. */
    async ended(userId) {
      const a = agent(userId);
      a.activeCalls = Math.max(0, a.activeCalls - 1);
      a.reason = "call-ended";
      await sendAvailability(userId);
    },
    /** The pipeline changes availability (e.g. Away after missed calls). */
    async setByPipeline(userId, availability, reason) {
      const a = agent(userId);
      a.availability = availability;
      a.reason = reason;
      a.since = now().toISOString();
      await sendAvailability(userId);
    },
  };
}

/** A hub method failure; the stand-in answers it as a completion error. */
export class HubError extends Error {
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.code = code;
  }
}
