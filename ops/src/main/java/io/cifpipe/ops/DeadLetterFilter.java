package io.cifpipe.ops;

import java.time.Duration;
import java.time.Instant;

/**
 * Selection shared by list, replay and purge. Every field is optional (null = any). Reason matches
 * case-insensitively; age bounds compare against the message's enqueued time.
 */
public record DeadLetterFilter(
        String reason, String callId, String agentId, Duration olderThan, Duration newerThan, int limit) {

    public static final int DEFAULT_LIMIT = 1_000;

    public DeadLetterFilter {
        if (limit <= 0) throw new IllegalArgumentException("--limit must be positive, was " + limit);
    }

    public static DeadLetterFilter all() {
        return new DeadLetterFilter(null, null, null, null, null, DEFAULT_LIMIT);
    }

    public boolean matches(DeadLetterEntry e, Instant now) {
        if (reason != null && !reason.equalsIgnoreCase(e.reason()) && !reason.equalsIgnoreCase(e.causeReason()))
            return false;
        if (callId != null && !callId.equals(e.callId())) return false;
        if (agentId != null && !agentId.equals(e.agentId())) return false;
        Duration age = e.age(now);
        if (olderThan != null && age.compareTo(olderThan) < 0) return false;
        return newerThan == null || age.compareTo(newerThan) <= 0;
    }
}
