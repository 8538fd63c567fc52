package io.cifpipe.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When to try an offer to an offline agent again: after {@code first × 2^attempt} (attempt 0 is the first try), the
 * last try exactly as the ring window closes ({@link RingWindow}), none after it (the notification then ends
 * {@code Undeliverable}). The agent connecting in between gets the popup at once from presence regardless.
 */
public record OfflineRetryPolicy(Duration first) {
    private static final int MAX_BACKOFF_DOUBLINGS = 16;

    public OfflineRetryPolicy {
        Objects.requireNonNull(first, "first");
        if (first.isNegative() || first.isZero())
            throw new IllegalArgumentException("the first retry delay must be positive");
    }

    /** Delay before retry number {@code attempt + 1}. */
    public Duration delayAfter(int attempt) {
        return first.multipliedBy(1L << Math.min(Math.max(0, attempt), MAX_BACKOFF_DOUBLINGS));
    }

    /** When to retry after {@code attempt} failed at {@code now}; empty when the window has closed (give up). */
    public Optional<Instant> nextTry(int attempt, Instant now, RingWindow window) {
        if (window.isClosed(now)) {
            return Optional.empty();
        }
        return Optional.of(window.clamp(now.plus(delayAfter(attempt))));
    }
}
