package io.cifpipe.ops;

import java.time.Duration;

/**
 * How a replay re-sends messages. {@code refreshTtl} gives each re-sent message a fresh time-to-live
 * (its ring window) instead of the original's remaining one; {@code maxReplays} refuses messages that
 * have already been replayed that many times (a message that keeps dying is a bug, not an outage).
 */
public record ReplayOptions(boolean dryRun, Duration refreshTtl, int maxReplays) {
    public ReplayOptions {
        if (maxReplays < 1) throw new IllegalArgumentException("--max-replays must be at least 1");
    }
}
