package io.cifpipe.model.outcome;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the telephony system learns on {@code call-outcomes}. JSON names are PascalCase ("Delivered").
 * {@link #DELIVERED} is progress (the popup is showing); every other value is terminal.
 */
public enum OutcomeType {
    DELIVERED("Delivered"),
    ACCEPTED("Accepted"),
    REJECTED("Rejected"),
    EXPIRED("Expired"),
    WITHDRAWN("Withdrawn"),
    UNDELIVERABLE("Undeliverable");

    private final String wireName;

    OutcomeType(String wireName) { this.wireName = wireName; }

    @JsonValue
    public String wireName() { return wireName; }

    public boolean isTerminal() { return this != DELIVERED; }

    public static Optional<OutcomeType> fromWireName(String s) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(s)).findFirst();
    }

    @Override
    public String toString() { return wireName; }
}
