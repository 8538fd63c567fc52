package io.cifpipe.bench.popup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cifpipe.bench.core.CpuTime;
import io.cifpipe.bench.scale.ProcessMemory;
import io.cifpipe.harness.Stack;
import io.cifpipe.harness.proxy.RoundTrips;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the stack costs and how dispatch's trigger runs: CPU time per process of the stack ({@code /proc/<pid>/stat}
 * utime + stime, whole processes: handler threads, SDK I/O threads, GC, JIT) and of the whole machine, the Service
 * Bus trigger's configured and observed concurrency and prefetch (the local host's admin status), and the round trips
 * the stack's counters saw (issue 19a's counting proxies between dispatch and Azurite / SignalR REST, the emulator's
 * per-queue operations).
 */
final class DispatchProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The bench JVM's own share: both emulators, mock-oauth2-server, the load generator and the agents' clients. */
    static final String BENCH_JVM = "bench JVM (emulators, clients)";
    /** The whole machine, every process: more than the sum of the rest means something else was running. */
    static final String MACHINE = "machine (all processes)";

    private final Stack stack;
    /** Process name → pids (a launcher and its node, say), in report order; a process not found is left out. */
    private final Map<String, List<Long>> pids = new LinkedHashMap<>();

    /** One reading: cumulative CPU time per process and dispatch's and presence's round-trip counters. */
    record Snapshot(long wallNanos, Map<String, Long> cpuNanos, RoundTrips.Mark trips, RoundTrips.Mark presenceTrips) {}

    DispatchProbe(Stack stack) {
        this.stack = stack;
        // The Stack's per-app logback file is on each app's child JVM command line.
        for (String app : List.of("ingress", "dispatch", "presence")) {
            track(app, app + "-logback.xml");
        }
        track("Azurite (Table stand-in)", "azurite");
        pids.put(BENCH_JVM, List.of(ProcessHandle.current().pid()));
    }

    Snapshot snapshot() {
        return new Snapshot(
                System.nanoTime(), cpuNanos(), RoundTrips.mark(stack, "dispatch"), RoundTrips.mark(stack, "presence"));
    }

    /** What happened since {@code before}: CPU nanoseconds per process (-1 when unreadable) and the round trips. */
    Window since(Snapshot before) {
        Map<String, Long> now = cpuNanos();
        Map<String, Long> spent = new LinkedHashMap<>();
        now.forEach((name, ns) -> {
            Long was = before.cpuNanos().get(name);
            spent.put(name, was == null || was < 0 || ns < 0 ? -1 : ns - was);
        });
        return new Window(
                System.nanoTime() - before.wallNanos(),
                spent,
                RoundTrips.since(stack, before.trips()),
                RoundTrips.since(stack, before.presenceTrips()));
    }

    /**
     * Wall time, CPU nanoseconds per process over it (including {@link #MACHINE}), dispatch's round trips (with every
     * queue's operations) and presence's (the decisions' path).
     */
    record Window(long wallNanos, Map<String, Long> cpuNanos, RoundTrips trips, RoundTrips presenceTrips) {
        long dispatchCpuNanos() {
            return cpuNanos.getOrDefault("dispatch", -1L);
        }
    }

    long pid() {
        return pids.getOrDefault("dispatch", List.of(-1L)).get(0);
    }

    private void track(String name, String commandLineMarker) {
        List<Long> found = ProcessMemory.descendants(commandLineMarker).stream()
                .map(ProcessHandle::pid)
                .toList();
        if (!found.isEmpty()) pids.put(name, found);
    }

    /** The dispatch app's Service Bus trigger as its host reports it (maxConcurrentCalls, prefetchCount, workerPool, peak...). */
    JsonNode serviceBusTrigger() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(stack.url("dispatch") + "/admin/host/status"))
                                    .timeout(Duration.ofSeconds(10))
                                    .header(
                                            "x-functions-key",
                                            stack.host("dispatch").keys().masterKey())
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            for (JsonNode t : JSON.readTree(r.body()).path("serviceBus")) {
                return t; // dispatch has one Service Bus trigger (call-events)
            }
            return JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode().put("error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode().put("error", "interrupted");
        }
    }

    private Map<String, Long> cpuNanos() {
        Map<String, Long> out = new LinkedHashMap<>();
        pids.forEach((name, ids) -> {
            long sum = 0;
            for (long pid : ids) {
                long ns = CpuTime.processNanos(pid);
                if (ns < 0) {
                    sum = -1;
                    break;
                }
                sum += ns;
            }
            out.put(name, sum);
        });
        out.put(MACHINE, CpuTime.machineBusyNanos());
        return out;
    }
}
