package io.cifpipe.model.notification;

import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code reason} code of a {@code withdraw} push; the client shows text for each. */
public enum WithdrawReason {
    /** {@code call.answered}: someone answered the call. */
    ANSWERED("answered"),
    /** {@code call.ended}: the caller hung up / the call is over. */
    ENDED("ended"),
    /** The ring window closed without a decision (a missed call when the popup was showing). */
    EXPIRED("expired"),
    /** Another agent of the ring group accepted the call first; the outcome is {@code Withdrawn} reason {@code taken}. */
    TAKEN("taken");

    private final String wireName;

    WithdrawReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
