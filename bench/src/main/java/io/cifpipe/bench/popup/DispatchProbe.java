package io.cifpipe.bench.popup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cifpipe.bench.scale.ProcessMemory;
import io.cifpipe.harness.Stack;
import io.cifpipe.harness.proxy.RoundTrips;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the dispatch app costs and how its trigger runs: CPU time of the dispatch child JVM ({@code /proc/<pid>/stat}
 * utime + stime, the whole process: handler threads, SDK I/O threads, GC, JIT), the Service Bus trigger's configured
 * and observed concurrency and prefetch (the local host's admin status), and the round trips the stack's counters saw
 * (issue 19a's counting proxies between dispatch and Azurite / SignalR REST, the emulator's per-queue operations).
 */
final class DispatchProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CLOCK_TICKS = clockTicks();

    private final Stack stack;
    private final long pid;

    /** One reading: cumulative CPU time of dispatch and the stack's round-trip counters (dispatch's proxies, every queue). */
    record Snapshot(long cpuNanos, RoundTrips.Mark trips) {}

    DispatchProbe(Stack stack) {
        this.stack = stack;
        // The Stack's per-app logback file is on the app's child JVM command line.
        this.pid = ProcessMemory.descendant("dispatch-logback.xml")
                .map(ProcessHandle::pid)
                .orElse(-1L);
    }

    Snapshot snapshot() {
        return new Snapshot(cpuNanos(), RoundTrips.mark(stack, "dispatch"));
    }

    /** What happened since {@code before}: CPU nanoseconds (-1 when unreadable) and the round trips. */
    Window since(Snapshot before) {
        long cpu = cpuNanos();
        RoundTrips trips = RoundTrips.since(stack, before.trips());
        return new Window(before.cpuNanos() < 0 || cpu < 0 ? -1 : cpu - before.cpuNanos(), trips);
    }

    record Window(long cpuNanos, RoundTrips trips) {}

    long pid() {
        return pid;
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

    /** utime + stime of the process, in nanoseconds (resolution: one clock tick, usually 10 ms). */
    private long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            // Fields after the command name (which may contain spaces) start after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (14th field), stime (15th)
            return ticks * 1_000_000_000L / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100; // Linux USER_HZ on every common kernel
    }
}
