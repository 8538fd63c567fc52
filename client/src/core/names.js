// Wire names shared with the Java side (shared-model io.cifpipe.model.Names); change them there first.
export const TARGET_NOTIFY = "notify";
export const TARGET_WITHDRAW = "withdraw";
export const TARGET_DECIDED = "decided";
export const METHOD_DECIDE = "decide";

/** DecisionResult.status values returned by the `decide` hub method. */
export const DecisionStatus = Object.freeze({
  RECORDED: "recorded",
  ALREADY_DECIDED: "already-decided",
  EXPIRED: "expired",
  NOT_YOURS: "not-yours",
  UNKNOWN: "unknown",
});
