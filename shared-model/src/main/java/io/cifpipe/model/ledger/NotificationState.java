package io.cifpipe.model.ledger;

import io.cifpipe.model.outcome.OutcomeType;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Ledger state machine of one notification:
 * <pre>
 * OFFERED   → DELIVERED | UNDELIVERABLE | WITHDRAWN | EXPIRED | UNAVAILABLE
 * DELIVERED → ACCEPTED | REJECTED | EXPIRED | WITHDRAWN | UNAVAILABLE</pre>
 * UNAVAILABLE from OFFERED: the agent could not take the call (dispatch, no popup); from DELIVERED: the client could
 * not show it ({@code decide} with {@code overflow}).
 * <pre>
 * </pre>
 * Everything else is terminal. Stored in the table as {@link #name()}.
 */
public enum NotificationState {
    OFFERED(null),
    DELIVERED(OutcomeType.DELIVERED),
    ACCEPTED(OutcomeType.ACCEPTED),
    REJECTED(OutcomeType.REJECTED),
    EXPIRED(OutcomeType.EXPIRED),
    WITHDRAWN(OutcomeType.WITHDRAWN),
    UNDELIVERABLE(OutcomeType.UNDELIVERABLE),
    UNAVAILABLE(OutcomeType.UNAVAILABLE);

    private final OutcomeType outcome;

    NotificationState(OutcomeType outcome) {
        this.outcome = outcome;
    }

    public Set<NotificationState> allowedNext() {
        return switch (this) {
            case OFFERED -> EnumSet.of(DELIVERED, UNDELIVERABLE, WITHDRAWN, EXPIRED, UNAVAILABLE);
            case DELIVERED -> EnumSet.of(ACCEPTED, REJECTED, EXPIRED, WITHDRAWN, UNAVAILABLE);
            case ACCEPTED, REJECTED, EXPIRED, WITHDRAWN, UNDELIVERABLE, UNAVAILABLE ->
                EnumSet.noneOf(NotificationState.class);
        };
    }

    public boolean canMoveTo(NotificationState next) {
        return allowedNext().contains(next);
    }

    public boolean isTerminal() {
        return allowedNext().isEmpty();
    }

    /** Returns {@code next} if the transition is legal, else throws {@link IllegalTransitionException}. */
    public NotificationState moveTo(NotificationState next) {
        if (!canMoveTo(next)) throw new IllegalTransitionException(this, next);
        return next;
    }

    /** The outcome message published on entering this state (none for OFFERED). */
    public Optional<OutcomeType> outcome() {
        return Optional.ofNullable(outcome);
    }

    /** Table property holding the time this state was entered, e.g. {@code DeliveredAt}. */
    public String timestampProperty() {
        String n = name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT) + "At";
    }
}
