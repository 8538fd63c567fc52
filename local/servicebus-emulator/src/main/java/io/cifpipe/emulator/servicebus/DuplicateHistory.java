package io.cifpipe.emulator.servicebus;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Duplicate detection of one queue or topic: MessageIds seen within the window. Insertion order is expiry order
 * (every id gets the same window from "now"), so pruning stops at the first live entry. Broker thread only.
 */
final class DuplicateHistory {
    private final Duration window;
    private final LinkedHashMap<String, Long> until = new LinkedHashMap<>();

    /** {@code window} null: duplicate detection is off and nothing is remembered. */
    DuplicateHistory(Duration window) {
        this.window = window;
    }

    /** True when {@code messageId} was seen within the window (the message is dropped, as Service Bus does). */
    boolean isDuplicate(String messageId, long now) {
        if (window == null || messageId == null) {
            return false;
        }
        Long expires = until.get(messageId);
        return expires != null && expires > now;
    }

    /** Remembers an accepted message's id for the window from {@code now}. */
    void remember(String messageId, long now) {
        if (window != null && messageId != null) {
            until.remove(messageId);
            until.put(messageId, now + window.toMillis());
        }
    }

    /** Rebuilds the history from a stored message at start-up (its window counts from its enqueue time). */
    void recover(String messageId, long enqueuedAtMillis, long now) {
        if (window != null && messageId != null) {
            long expires = enqueuedAtMillis + window.toMillis();
            if (expires > now) {
                until.merge(messageId, expires, Math::max);
            }
        }
    }

    void prune(long now) {
        Iterator<Long> it = until.values().iterator();
        while (it.hasNext() && it.next() <= now) {
            it.remove();
        }
    }
}
