package io.cifpipe.model.ledger;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Why the agent's availability or active calls last changed: the {@code reason} of the {@code availability} push. */
public enum AvailabilityReason {
    /** Set by the agent ({@code setAvailability}); also the reason of a first sign-in's {@code Available}. */
    AGENT("agent"),
    /** The pipeline set her {@code Away} after {@code MissedCallsBeforeAway} consecutive missed calls. */
    MISSED_CALLS("missed-calls"),
    /** An Accept added a call (active calls +1; availability unchanged). */
    CALL_STARTED("call-started"),
    /** {@code call.ended} released a call (active calls −1; availability unchanged). */
    CALL_ENDED("call-ended"),
    /** A call was released by the {@code MaxCallDuration} safety timeout (its {@code call.ended} never came). */
    MAX_CALL_DURATION("max-call-duration");

    private final String wireName;

    AvailabilityReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<AvailabilityReason> fromWireName(String s) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(s)).findFirst();
    }
}
