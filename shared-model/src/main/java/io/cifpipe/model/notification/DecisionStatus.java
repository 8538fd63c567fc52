package io.cifpipe.model.notification;

import com.fasterxml.jackson.annotation.JsonValue;

/** What happened to a decision; returned to the deciding client. */
public enum DecisionStatus {
    /** First decision: recorded, outcome published. */
    RECORDED("recorded"),
    /** Another decision (this or another tab) won first; {@code outcome} says which. */
    ALREADY_DECIDED("already-decided"),
    /** Another agent of the ring group (same callId) accepted the call first; this notification ends Withdrawn/taken. */
    ALREADY_TAKEN("already-taken"),
    /** The ring window closed (or the call was withdrawn) before the decision. */
    EXPIRED("expired"),
    /** The caller is not the agent this notification was for. */
    NOT_YOURS("not-yours"),
    /** No such notification. */
    UNKNOWN("unknown");

    private final String wireName;

    DecisionStatus(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
