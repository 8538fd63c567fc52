// Wire names shared with the Java side (shared-model io.cifpipe.model.Names); change them there first.
export const TARGET_NOTIFY = "notify";
export const TARGET_WITHDRAW = "withdraw";
export const TARGET_DECIDED = "decided";
export const METHOD_DECIDE = "decide";
// Issue 20 (agent side): availability, agent state, missed calls.
export const TARGET_AVAILABILITY = "availability";
export const METHOD_SET_AVAILABILITY = "setAvailability";
export const METHOD_GET_AGENT_STATE = "getAgentState";
export const METHOD_GET_MISSED_CALLS = "getMissedCalls";

/** `decide` decision values; `overflow` = the client could not show the call (outcome Unavailable/overflow). */
export const Decision = Object.freeze({ ACCEPT: "accept", REJECT: "reject", OVERFLOW: "overflow" });

/** `setAvailability` values (and the `availability` push's `availability`). */
export const Availability = Object.freeze({
  AVAILABLE: "Available",
  BUSY: "Busy",
  DO_NOT_DISTURB: "DoNotDisturb",
  AWAY: "Away",
});

/** `withdraw` reason codes. */
export const WithdrawReason = Object.freeze({
  ANSWERED: "answered",
  ENDED: "ended",
  EXPIRED: "expired",
  TAKEN: "taken",
});

/** DecisionResult.status values returned by the `decide` hub method. */
export const DecisionStatus = Object.freeze({
  RECORDED: "recorded",
  ALREADY_DECIDED: "already-decided",
  EXPIRED: "expired",
  NOT_YOURS: "not-yours",
  ALREADY_TAKEN: "already-taken",
  UNKNOWN: "unknown",
});
