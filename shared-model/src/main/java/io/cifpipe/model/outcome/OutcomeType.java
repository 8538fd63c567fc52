package io.cifpipe.model.outcome;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * What the telephony system learns on {@code call-outcomes}. JSON names are PascalCase ("Delivered").
 * {@link #DELIVERED} is progress (the popup is showing); every other value is terminal. Adding a value is additive for
 * consumers (they ignore what they do not know) but every {@code switch} over this type must handle it (no
 * {@code default} branches in the apps, so the compiler finds them).
 */
public enum OutcomeType {
    DELIVERED("Delivered"),
    ACCEPTED("Accepted"),
    REJECTED("Rejected"),
    EXPIRED("Expired"),
    WITHDRAWN("Withdrawn"),
    UNDELIVERABLE("Undeliverable"),
    /**
     * The agent could not take the call (availability, capacity, or the client could not show it): the offer ended at
     * once, without a popup, so telephony routes elsewhere. {@code reason} is an {@link UnavailableReason} code.
     */
    UNAVAILABLE("Unavailable");

    private final String wireName;

    OutcomeType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public boolean isTerminal() {
        return switch (this) {
            case DELIVERED -> false;
            case ACCEPTED, REJECTED, EXPIRED, WITHDRAWN, UNDELIVERABLE, UNAVAILABLE -> true;
        };
    }

    public static Optional<OutcomeType> fromWireName(String s) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(s)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
