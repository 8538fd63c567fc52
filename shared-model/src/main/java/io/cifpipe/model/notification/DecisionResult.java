package io.cifpipe.model.notification;

import io.cifpipe.model.outcome.OutcomeType;
import java.util.Objects;

/**
 * Returned to the client for a {@code decide} invocation.
 *
 * @param outcome the notification's terminal outcome when known (the recorded one, or the earlier winner)
 */
public record DecisionResult(String notificationId, DecisionStatus status, OutcomeType outcome) {
    public DecisionResult {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(status, "status");
    }
}
