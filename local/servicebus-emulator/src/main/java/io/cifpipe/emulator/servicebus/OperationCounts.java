package io.cifpipe.emulator.servicebus;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Operations one queue has served since the emulator started (send, duplicate dropped, delivered to a receiver,
 * complete, abandon), so benchmarks and tests can state how many Service Bus operations a path costs. Counted on
 * the event loop, read from anywhere.
 */
public final class OperationCounts {
    public static final String SENT = "sent";
    public static final String DUPLICATE_DROPPED = "duplicate dropped";
    public static final String SCHEDULED = "sent scheduled";
    public static final String DELIVERED = "delivered";
    public static final String COMPLETED = "completed";
    public static final String ABANDONED = "abandoned";

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void add(String operation) {
        counts.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
    }

    /** A copy, sorted by operation. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
