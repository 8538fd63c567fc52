package io.cifpipe.model.outcome;

import com.fasterxml.jackson.annotation.JsonValue;
import io.cifpipe.model.ledger.Availability;
import java.util.Arrays;
import java.util.Optional;

/** The {@code reason} of an {@link OutcomeType#UNAVAILABLE} outcome: why the agent could not take the call. */
public enum UnavailableReason {
    BUSY("busy"),
    DO_NOT_DISTURB("do-not-disturb"),
    AWAY("away"),
    /** Available, but already on as many calls as her capacity allows. */
    AT_CAPACITY("at-capacity"),
    /** The client received the call but could not show it (decide with {@code overflow}). */
    OVERFLOW("overflow");

    private final String wireName;

    UnavailableReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The reason for an availability other than {@link Availability#AVAILABLE}; empty for AVAILABLE. */
    public static Optional<UnavailableReason> of(Availability availability) {
        return switch (availability) {
            case AVAILABLE -> Optional.empty();
            case BUSY -> Optional.of(BUSY);
            case DO_NOT_DISTURB -> Optional.of(DO_NOT_DISTURB);
            case AWAY -> Optional.of(AWAY);
        };
    }

    public static Optional<UnavailableReason> fromWireName(String s) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(s)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
