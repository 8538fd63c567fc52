package io.cifpipe.ops;

import java.util.List;

/** Result of a replay or purge: what was done to which message, and why others were left alone. */
public record ReplaySummary(List<Item> replayed, List<Item> skipped, List<Item> failed) {

    public enum Action {
        REPLAYED,
        WOULD_REPLAY,
        SKIPPED,
        FAILED,
        PURGED,
        WOULD_PURGE
    }

    /** One message and what happened to it; {@code detail} says why for skips and failures. */
    public record Item(long sequenceNumber, String messageId, Action action, String detail) {}

    public ReplaySummary {
        replayed = List.copyOf(replayed);
        skipped = List.copyOf(skipped);
        failed = List.copyOf(failed);
    }

    public boolean hasFailures() {
        return !failed.isEmpty();
    }
}
