package io.cifpipe.model.ledger;

import java.util.Locale;

/**
 * An agent's availability for new calls, as the {@code Agents} row stores it (enum name). Only {@link #AVAILABLE}
 * is written today (it is also the value of a row without the property, and of an agent without a row); issue 20
 * lets agents set the others.
 */
public enum Availability {
    AVAILABLE, BUSY, DO_NOT_DISTURB, AWAY;

    /** The stored name, or {@link #AVAILABLE} when absent; an unknown name is refused (a newer writer's value). */
    public static Availability parse(String stored) {
        if (stored == null || stored.isBlank()) {
            return AVAILABLE;
        }
        return valueOf(stored.trim().toUpperCase(Locale.ROOT));
    }
}
