package io.cifpipe.bench.popup;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.bench.core.ScenarioResult;
import io.cifpipe.bench.model.DelayProxy;
import io.cifpipe.bench.model.LatencyModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The cost figures every end-to-end scenario reports: round trips, dispatch CPU, the trigger's concurrency. */
final class Pipeline {
    private Pipeline() {}

    /** Round trips per notification (counted), dispatch CPU per notification, the trigger's concurrency and prefetch. */
    static void reportCosts(ScenarioResult r, PopupPhase p, PopupRig rig) {
        reportCosts(r, p, rig, null);
    }

    /** As above; {@code idle} (may be null) is a quiet window whose CPU is each process's fixed cost. */
    static void reportCosts(ScenarioResult r, PopupPhase p, PopupRig rig, DispatchProbe.Window idle) {
        double[] ops = p.opsPerNotification();
        r.figure("Table Storage operations per notification", ops[0], "ops (counted)");
        r.figure("SignalR REST requests per notification", ops[1], "requests (counted)");
        r.figure("Service Bus operations per notification", ops[2], "ops (counted)");
        if (p.trips != null) {
            long n = p.dispatched();
            p.trips
                    .table()
                    .forEach((k, v) ->
                            r.figure("dispatch Table: " + k, (double) v / Math.max(1, n), "per notification"));
            p.trips
                    .signalR()
                    .forEach((k, v) ->
                            r.figure("dispatch SignalR REST: " + k, (double) v / Math.max(1, n), "per notification"));
            p.trips
                    .serviceBus()
                    .forEach((k, v) -> r.figure("Service Bus: " + k, (double) v / Math.max(1, n), "per notification"));
            r.note(
                    "Round trips are counted on the wire over the measured phase and its drain, divided by the call.offered"
                            + " messages dispatch completed in that window (" + n
                            + "; a warm-up backlog or an overload would otherwise"
                            + " skew the ratio): Table and SignalR REST are dispatch's (its own counting proxies: the path from the trigger to"
                            + " the popup, expiry-sweep queries at its production schedule (Setting default) included; table create/list excluded);"
                            + " Service Bus is every entity's operations except on the call-outcomes subscriptions (the consumers' side:"
                            + " the bench's telephony reader), so it includes ingress's send and, with decisions, presence's Accepted"
                            + " outcomes.");
        }
        reportDecisionCosts(r, p);
        r.figure("dispatch CPU per notification", p.dispatchCpuMicrosPerNotification(), "µs");
        r.figure(
                "dispatch CPU over the phase and its drain",
                p.dispatchCpuNanos() < 0 ? Double.NaN : p.dispatchCpuNanos() / 1e6,
                "ms");
        r.note(String.format(
                Locale.ROOT,
                "Dispatch CPU: utime+stime of the dispatch child JVM (pid %d, /proc/<pid>/stat,"
                        + " clock-tick resolution) over the measured phase and its drain, divided by the call.offered messages it completed; it"
                        + " includes the whole JVM (SDK I/O threads, GC, JIT), not only the handler.",
                rig.probe().pid()));
        reportCpuByProcess(r, p, idle);
        reportServiceTimes(r, p);
        JsonNode t = rig.probe().serviceBusTrigger();
        r.figure(
                "dispatch trigger maxConcurrentCalls (host.json)",
                t.path("maxConcurrentCalls").asDouble(Double.NaN),
                "calls");
        r.figure(
                "dispatch trigger prefetchCount (host.json)",
                t.path("prefetchCount").asDouble(Double.NaN),
                "messages");
        r.figure(
                "dispatch trigger concurrency limit (min of calls and worker pool)",
                t.path("concurrencyLimit").asDouble(Double.NaN),
                "calls");
        r.figure(
                "dispatch trigger peak concurrent calls (observed, whole run)",
                t.path("peakConcurrentCalls").asDouble(Double.NaN),
                "calls");
        r.summary(
                        "dispatch_sb_max_concurrent_calls",
                        t.path("maxConcurrentCalls").isNumber()
                                ? t.path("maxConcurrentCalls").asInt()
                                : null)
                .summary(
                        "dispatch_sb_prefetch_count",
                        t.path("prefetchCount").isNumber()
                                ? t.path("prefetchCount").asInt()
                                : null)
                .summary(
                        "dispatch_sb_concurrency_limit",
                        t.path("concurrencyLimit").isNumber()
                                ? t.path("concurrencyLimit").asInt()
                                : null)
                .summary(
                        "dispatch_sb_peak_concurrent_calls",
                        t.path("peakConcurrentCalls").isNumber()
                                ? t.path("peakConcurrentCalls").asInt()
                                : null);
    }

    /**
     * How long dispatch waits for each stand-in per request (its counting proxies' view, same window as the counts):
     * with the counts, where an unloaded call's milliseconds go.
     */
    private static void reportServiceTimes(ScenarioResult r, PopupPhase p) {
        if (p.trips == null) {
            return;
        }
        p.trips
                .tableServiceMillis()
                .forEach((k, ms) -> r.figure("dispatch Table: " + k + ", mean service time", ms, "ms"));
        p.trips
                .signalRServiceMillis()
                .forEach((k, ms) -> r.figure("dispatch SignalR REST: " + k + ", mean service time", ms, "ms"));
        r.note(
                "Mean service time: from the counting proxy forwarding a request to the stand-in's full answer, over the"
                        + " measured phase and its drain (an injected model delay excluded); the caller's own SDK time comes on top.");
    }

    /**
     * The decisions' path (not the popup's budget, but every Accept pays it): presence's Table operations and SignalR
     * REST requests per recorded decision, counted on its own proxies over the same window.
     */
    private static void reportDecisionCosts(ScenarioResult r, PopupPhase p) {
        long decisions = p.decidesRecorded.get();
        if (p.window == null || p.window.presenceTrips() == null || decisions == 0) {
            return;
        }
        io.cifpipe.harness.proxy.RoundTrips t = p.window.presenceTrips();
        double table = (double) t.tableOperations() / decisions;
        double signalR = (double) t.signalRRequests() / decisions;
        r.figure("presence Table operations per recorded decision", table, "ops (counted)");
        r.figure("presence SignalR REST requests per recorded decision", signalR, "requests (counted)");
        t.table().forEach((k, v) -> r.figure("presence Table: " + k, (double) v / decisions, "per decision"));
        t.signalR().forEach((k, v) -> r.figure("presence SignalR REST: " + k, (double) v / decisions, "per decision"));
        r.summary("presence_table_ops_per_decision", table).summary("presence_signalr_requests_per_decision", signalR);
        r.note("Presence's round trips are counted on its own proxies over the measured window and divided by the"
                + " decisions recorded in the phase (" + decisions + "); its sweeps and connection events in that"
                + " window are included.");
    }

    /**
     * Where the machine's CPU went, per notification: each process of the stack and the whole machine. The stack's
     * processes share the cores, so a process that grows slows every other one; the machine's figure minus their sum
     * is what no process of the stack was charged for: the kernel's own network work (softirqs on loopback, ~20 % at
     * 100/s with 1,000 WebSockets) and any other work on the machine (well above that: not an idle-machine run). With a
     * quiet window, each process's fixed cost (ms of CPU per second with no calls) is reported and taken out: the
     * "marginal" figure is what one more notification costs.
     */
    private static void reportCpuByProcess(ScenarioResult r, PopupPhase p, DispatchProbe.Window idle) {
        if (p.window == null) return;
        long n = p.dispatched();
        Map<String, Long> spent = p.window.cpuNanos();
        Map<String, Object> total = new LinkedHashMap<>(); // null where unreadable (JSON has no NaN)
        Map<String, Object> fixed = new LinkedHashMap<>();
        Map<String, Object> marginal = new LinkedHashMap<>();
        spent.forEach((name, ns) -> {
            double us = ns < 0 || n == 0 ? Double.NaN : ns / 1e3 / n;
            r.figure("CPU per notification: " + name, us, "µs");
            total.put(name, finite(us));
            if (idle == null || idle.wallNanos() <= 0) return;
            long idleNs = idle.cpuNanos().getOrDefault(name, -1L);
            double msPerS = idleNs < 0 ? Double.NaN : idleNs / 1e6 / (idle.wallNanos() / 1e9);
            r.figure("CPU with no calls (fixed cost): " + name, msPerS, "ms per s");
            fixed.put(name, finite(msPerS));
            double net = ns < 0 ? Double.NaN : (ns - msPerS * 1e6 * (p.window.wallNanos() / 1e9)) / 1e3 / n;
            r.figure("CPU per notification, fixed cost taken out: " + name, net, "µs");
            marginal.put(name, finite(net));
        });
        r.summary("cpu_us_per_notification_by_process", total);
        if (!fixed.isEmpty()) {
            r.summary("idle_cpu_ms_per_s_by_process", fixed);
            r.summary("marginal_cpu_us_per_notification_by_process", marginal);
            // The stack's processes share the cores: at best they run them all, minus their fixed costs.
            double perNotification = sumOfStack(marginal);
            double fixedMsPerS = sumOfStack(fixed);
            int cores = Runtime.getRuntime().availableProcessors();
            double ceiling = (cores * 1000.0 - fixedMsPerS) * 1000.0 / perNotification;
            r.figure("CPU-bound ceiling of the local stack on this machine (from the costs above)", ceiling, "per s");
            r.summary("local_cpu_ceiling_notifications_per_s", finite(ceiling));
            r.note(String.format(
                    Locale.ROOT,
                    "CPU-bound ceiling: %d cores × 1000 ms/s, minus the stack's fixed %.0f ms/s, divided by its %.0f µs"
                            + " of CPU per notification (the processes' marginal costs summed): the most notifications per"
                            + " second this machine could carry if nothing but CPU limited it.",
                    cores,
                    fixedMsPerS,
                    perNotification));
        }
        long machine = spent.getOrDefault(DispatchProbe.MACHINE, -1L);
        List<Long> stack = spent.entrySet().stream()
                .filter(e -> !e.getKey().equals(DispatchProbe.MACHINE))
                .map(Map.Entry::getValue)
                .toList();
        long stackSum = stack.stream().mapToLong(Long::longValue).sum();
        // An unreadable process would count as "outside": no figure then.
        if (machine > 0 && stack.stream().allMatch(v -> v >= 0)) {
            double outside = Math.max(0, machine - stackSum) * 100.0 / machine;
            r.figure(
                    "machine CPU not charged to the stack's processes (kernel network work, other work)",
                    outside,
                    "% of busy CPU");
            r.summary("cpu_outside_stack_percent", outside);
        }
    }

    /** Sum over the stack's processes (not the machine line); NaN when one is unreadable. */
    private static double sumOfStack(Map<String, Object> byProcess) {
        double sum = 0;
        for (Map.Entry<String, Object> e : byProcess.entrySet()) {
            if (e.getKey().equals(DispatchProbe.MACHINE)) continue;
            if (!(e.getValue() instanceof Double d)) return Double.NaN;
            sum += d;
        }
        return sum;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The latency model's prediction and its assumptions. */
    static void reportModel(ScenarioResult r, PopupPhase p, LatencyModel model, PopupRig rig) {
        Histogram h = p.notify.snapshot();
        double p50 = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0;
        double p99 = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0;
        r.summary("model_p50_ms", p50).summary("model_p99_ms", p99);
        r.summary("model_assumptions", model.describe());
        for (String service : new String[] {"tables", "servicebus", "signalr", "functions"}) {
            double rtt = model.rtt(service).toNanos() / 1e6;
            r.figure("assumed round trip: " + service, rtt, "ms");
            // A fixed delay on a sequential hop moves every percentile by the round trip: the model's per-hop slope.
            r.summary("model_ms_per_extra_" + service + "_round_trip", rtt);
        }
        for (DelayProxy proxy : rig.proxies()) {
            r.figure("delay proxy " + proxy.name() + ": connections", proxy.connections(), "count");
        }
        for (io.cifpipe.harness.proxy.CountingProxy proxy : rig.stack().countingProxies()) {
            r.figure(
                    "counting proxy " + proxy.name() + ": delay per request",
                    proxy.delay().toNanos() / 1e6,
                    "ms");
        }
        r.note(
                "Azure latency model: a TCP delay proxy (half the assumed round trip each way) sits between every app and"
                        + " the Service Bus emulator and between the load generator and ingress; the counting proxies add the assumed"
                        + " round trip to every Table and SignalR REST request of every app; the agents' WebSockets are not delayed. Each extra sequential round trip to a service adds its"
                        + " assumed round trip to every percentile (model_ms_per_extra_<service>_round_trip); model − loopback p50 divided"
                        + " by that gives the effective number of sequential round trips on the path.");
    }
}
