package io.cifpipe.model.ledger;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * An agent's availability for new calls. Stored in the {@code Agents} row as the enum name ({@code DO_NOT_DISTURB});
 * on the wire (hub method {@code setAvailability}, push {@code availability}) as {@link #wireName()}
 * ({@code "DoNotDisturb"}). A row without the property, and an agent without a row, is {@link #AVAILABLE}.
 * Capacity is separate: an agent on a call keeps her availability (see {@link AgentState#activeCalls()}).
 */
public enum Availability {
    AVAILABLE("Available"),
    BUSY("Busy"),
    DO_NOT_DISTURB("DoNotDisturb"),
    AWAY("Away");

    private final String wireName;

    Availability(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<Availability> fromWireName(String s) {
        return Arrays.stream(values()).filter(a -> a.wireName.equals(s)).findFirst();
    }

    /** The stored name, or {@link #AVAILABLE} when absent; an unknown name is refused (a newer writer's value). */
    public static Availability parse(String stored) {
        if (stored == null || stored.isBlank()) {
            return AVAILABLE;
        }
        return valueOf(stored.trim().toUpperCase(Locale.ROOT));
    }
}
