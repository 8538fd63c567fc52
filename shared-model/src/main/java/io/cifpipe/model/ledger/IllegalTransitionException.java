package io.cifpipe.model.ledger;

/** A ledger state change the state machine does not allow (e.g. ACCEPTED → REJECTED). */
public final class IllegalTransitionException extends IllegalStateException {
    private final NotificationState from;
    private final NotificationState to;

    public IllegalTransitionException(NotificationState from, NotificationState to) {
        super("illegal notification state transition " + from + " -> " + to
                + (from.isTerminal() ? " (" + from + " is terminal)" : "; allowed: " + from.allowedNext()));
        this.from = from;
        this.to = to;
    }

    public NotificationState from() {
        return from;
    }

    public NotificationState to() {
        return to;
    }
}
