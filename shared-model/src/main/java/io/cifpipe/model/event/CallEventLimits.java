package io.cifpipe.model.event;

/**
 * Size and range limits the codec enforces. {@link #DEFAULT}: event ≤ 64 KiB, batch ≤ 100 events and ≤ 1 MiB,
 * customer context ≤ 32 entries with keys ≤ 64 and values ≤ 1024 characters, ringSeconds 1..300.
 */
public record CallEventLimits(
        int maxEventBytes,
        int maxBatchEvents,
        int maxBatchBytes,
        int maxContextEntries,
        int maxContextKeyLength,
        int maxContextValueLength,
        int minRingSeconds,
        int maxRingSeconds) {
    public static final CallEventLimits DEFAULT =
            new CallEventLimits(64 * 1024, 100, 1024 * 1024, 32, 64, 1024, 1, 300);

    public CallEventLimits {
        if (maxEventBytes < 1024
                || maxBatchEvents < 1
                || maxBatchBytes < maxEventBytes
                || maxContextEntries < 0
                || maxContextKeyLength < 1
                || maxContextValueLength < 1
                || minRingSeconds < 1
                || maxRingSeconds < minRingSeconds) {
            throw new IllegalArgumentException("inconsistent limits: " + this);
        }
    }

    /** Same limits with another ring window ceiling (app setting MaxRingSeconds). */
    public CallEventLimits withMaxRingSeconds(int max) {
        return new CallEventLimits(
                maxEventBytes,
                maxBatchEvents,
                maxBatchBytes,
                maxContextEntries,
                maxContextKeyLength,
                maxContextValueLength,
                minRingSeconds,
                max);
    }
}
