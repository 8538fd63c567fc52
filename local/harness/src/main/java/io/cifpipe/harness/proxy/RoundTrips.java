package io.cifpipe.harness.proxy;

import io.cifpipe.harness.Stack;
import java.util.Map;
import java.util.TreeMap;

/**
 * Round trips one app made between two moments: its Table and SignalR REST requests (from its
 * {@link CountingProxy}s) and the Service Bus operations of every queue (from the emulator's counters; those
 * include what other clients did, so measure while nothing else runs). Take a {@link Mark} before, {@link #since}
 * after.
 *
 * @param table      Table Storage requests by {@link RequestClass}
 * @param signalR    SignalR REST requests by {@link RequestClass}
 * @param serviceBus Service Bus operations as "queue operation" (see the emulator's OperationCounts)
 * @param tableNanos the Table requests' summed service time by class (see {@link CountingProxy#serviceNanos()})
 * @param signalRNanos the same for SignalR REST
 */
public record RoundTrips(
        Map<String, Long> table,
        Map<String, Long> signalR,
        Map<String, Long> serviceBus,
        Map<String, Long> tableNanos,
        Map<String, Long> signalRNanos) {
    public RoundTrips {
        table = Map.copyOf(table);
        signalR = Map.copyOf(signalR);
        serviceBus = Map.copyOf(serviceBus);
        tableNanos = Map.copyOf(tableNanos);
        signalRNanos = Map.copyOf(signalRNanos);
    }

    /** The counters at one moment. */
    public record Mark(
            String app,
            Map<String, Long> table,
            Map<String, Long> signalR,
            Map<String, Long> serviceBus,
            Map<String, Long> tableNanos,
            Map<String, Long> signalRNanos) {}

    /** Marks {@code app}'s counters now (the stack must run with {@code Options.withCountingProxies()}). */
    public static Mark mark(Stack stack, String app) {
        CountingProxy tables = stack.tableProxy(app);
        CountingProxy signalR = stack.signalRProxy(app);
        return new Mark(
                app,
                tables.counts(),
                signalR.counts(),
                serviceBus(stack),
                tables.serviceNanos(),
                signalR.serviceNanos());
    }

    /** What happened since {@code before}. */
    public static RoundTrips since(Stack stack, Mark before) {
        CountingProxy tables = stack.tableProxy(before.app());
        CountingProxy signalR = stack.signalRProxy(before.app());
        return new RoundTrips(
                tables.since(before.table()),
                signalR.since(before.signalR()),
                diff(serviceBus(stack), before.serviceBus()),
                diff(tables.serviceNanos(), before.tableNanos()),
                diff(signalR.serviceNanos(), before.signalRNanos()));
    }

    /** Mean service time per Table request class over the window, ms. */
    public Map<String, Double> tableServiceMillis() {
        return meanMillis(table, tableNanos);
    }

    /** Mean service time per SignalR REST request class over the window, ms. */
    public Map<String, Double> signalRServiceMillis() {
        return meanMillis(signalR, signalRNanos);
    }

    private static Map<String, Double> meanMillis(Map<String, Long> counts, Map<String, Long> nanos) {
        Map<String, Double> m = new TreeMap<>();
        counts.forEach((k, n) -> {
            if (n > 0 && nanos.containsKey(k)) m.put(k, nanos.get(k) / 1e6 / n);
        });
        return m;
    }

    /** Table operations (table create/list housekeeping excluded). */
    public long tableOperations() {
        return table.entrySet().stream()
                .filter(e -> !e.getKey().equals(RequestClass.TABLE_ADMIN))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    public long signalRRequests() {
        return signalR.values().stream().mapToLong(Long::longValue).sum();
    }

    public long serviceBusOperations() {
        return serviceBus.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        return "table " + tableOperations() + " " + new TreeMap<>(table) + "; signalr " + signalRRequests() + " "
                + new TreeMap<>(signalR) + "; service bus " + serviceBusOperations() + " " + new TreeMap<>(serviceBus);
    }

    private static Map<String, Long> serviceBus(Stack stack) {
        Map<String, Long> flat = new TreeMap<>();
        stack.serviceBus()
                .operationCounts()
                .forEach((queue, ops) -> ops.forEach((op, n) -> flat.put(queue + " " + op, n)));
        return flat;
    }

    private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> d = new TreeMap<>();
        now.forEach((k, v) -> {
            long x = v - before.getOrDefault(k, 0L);
            if (x != 0) d.put(k, x);
        });
        return d;
    }
}
