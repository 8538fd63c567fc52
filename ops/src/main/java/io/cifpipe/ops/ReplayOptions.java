package io.cifpipe.ops;

import java.time.Duration;

/**
 * How a replay re-sends messages. {@code refreshTtl} gives each re-sent message a fresh time-to-live
 * (its ring window) instead of the original's remaining one; {@code maxReplays} refuses messages that
 * have already been replayed that many times (a message that keeps dying is a bug, not an outage); {@code force}
 * replays messages that {@link ReplayCheck} says would fail validation again (the operator fixed the consumer).
 */
public record ReplayOptions(boolean dryRun, Duration refreshTtl, int maxReplays, boolean force) {
    public ReplayOptions {
        if (maxReplays < 1) throw new IllegalArgumentException("--max-replays must be at least 1");
    }

    /** Without {@code force}: messages that would fail validation again are skipped, not replayed. */
    public ReplayOptions(boolean dryRun, Duration refreshTtl, int maxReplays) {
        this(dryRun, refreshTtl, maxReplays, false);
    }
}
