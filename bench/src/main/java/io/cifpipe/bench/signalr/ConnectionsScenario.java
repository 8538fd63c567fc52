package io.cifpipe.bench.signalr;

import io.cifpipe.bench.core.Latency;
import io.cifpipe.bench.core.Progress;
import io.cifpipe.bench.core.ScenarioResult;
import io.cifpipe.emulator.signalr.AccessTokens;
import io.cifpipe.emulator.signalr.SignalREmulator;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Connection scale of the SignalR emulator (own JVM): heap per idle connection, connect storm (every agent
 * logs in at once), and the reconnect storm after the emulator is killed and restarted on the same port.
 */
public final class ConnectionsScenario {
    public record Options(int connections, boolean restart, String emulatorHeap, Duration idle) {}

    static final String HUB = "cifhub";
    private static final int IN_FLIGHT = 256;
    private final Options options;
    private final PrintStream progress;

    public ConnectionsScenario(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public ScenarioResult run() throws Exception {
        int n = options.connections();
        ScenarioResult result = new ScenarioResult(
                "connections", "SignalR emulator connection scale: " + n + " idle JSON-hub WebSocket clients");
        result.parameter("connections", n)
                .parameter("emulatorHeap", options.emulatorHeap())
                .parameter("connectsInFlight", IN_FLIGHT)
                .parameter("idle", options.idle().toString());
        List<String> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            users.add("agent-" + i);
        }
        ServerHandle emulator = ServerHandle.start("signalr", 0, options.emulatorHeap());
        int port = emulator.port();
        AccessTokens tokens = new AccessTokens(SignalREmulator.DEFAULT_ACCESS_KEY);
        String endpoint = "http://127.0.0.1:" + port;
        HubClients.Target target = new HubClients.Target(
                port, HUB, user -> tokens.mintClientToken(endpoint, HUB, user, Duration.ofHours(2)));
        // Warm-up: a few connects on a separate client set (JIT and class loading in both JVMs), then closed.
        int warm = Math.min(200, Math.max(10, n / 10));
        progress.printf("connections: warm-up with %d connects%n", warm);
        try (HubClients warmup = new HubClients(target, (u, t, a) -> {}, 1)) {
            List<String> warmUsers = new ArrayList<>();
            for (int i = 0; i < warm; i++) {
                warmUsers.add("warmup-" + i);
            }
            Future.join(new ArrayList<>(warmup.connectAll(warmUsers, 32)))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .handle((v, e) -> null)
                    .get(2, TimeUnit.MINUTES);
        }
        Thread.sleep(500);
        result.parameter("warmupConnects", warm);
        try (HubClients clients = new HubClients(target, (u, t, a) -> {}, 2)) {
            ServerHandle.Memory before = emulator.memory();
            result.figure("emulator heap before (after GC)", before.heapUsed() / 1048576.0, "MiB");

            // Connect storm: all intended at t0, so each latency is "time from 9:00 until this agent is connected".
            Latency sinceStart = new Latency("connect storm: time from storm start to connected");
            Latency each = new Latency("connect storm: single connect (negotiate+ws+handshake)");
            progress.printf("connections: connect storm of %d clients (%d in flight)%n", n, IN_FLIGHT);
            long t0 = System.nanoTime();
            try (Progress p = new Progress(
                    "connect",
                    () -> "connected " + clients.connected() + "/" + n + " failures " + clients.connectFailures(),
                    progress)) {
                clients.connectStorm(users, IN_FLIGHT, t0, sinceStart, each);
            }
            double stormSeconds = (System.nanoTime() - t0) / 1e9;
            int ok = clients.connected();
            result.figure("connected after storm", ok, "clients");
            result.figure("connect failures", clients.connectFailures(), "count");
            result.figure("connect storm duration", stormSeconds, "s");
            result.figure("connect storm rate", ok / stormSeconds, "connections/s");
            result.latency("connect storm", sinceStart.name(), sinceStart.snapshot());
            result.latency("connect storm", each.name(), each.snapshot());

            progress.printf("connections: holding %d idle connections for %s%n", ok, options.idle());
            Thread.sleep(options.idle().toMillis());
            ServerHandle.Memory after = emulator.memory();
            result.figure("still connected after idle", clients.connected(), "clients");
            result.figure("emulator heap with connections (after GC)", after.heapUsed() / 1048576.0, "MiB");
            result.figure("emulator RSS with connections", after.rss() / 1048576.0, "MiB");
            double perConn = ok == 0 ? Double.NaN : (after.heapUsed() - before.heapUsed()) / (double) ok;
            result.figure("heap per connection", perConn / 1024.0, "KiB");
            result.figure(
                    "projected heap for 10,000 connections", (before.heapUsed() + perConn * 10_000) / 1048576.0, "MiB");
            result.figure(
                    "RSS growth per connection",
                    ok == 0 ? Double.NaN : (after.rss() - before.rss()) / (double) ok / 1024.0,
                    "KiB");

            if (options.restart()) {
                clients.reconnectAutomatically(true);
                progress.printf("connections: killing the emulator (SIGKILL) and restarting it on port %d%n", port);
                emulator.kill();
                long down = System.nanoTime();
                // Clients notice the reset; wait until they all know they are disconnected (bounded).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (clients.connected() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                emulator = ServerHandle.start("signalr", port, options.emulatorHeap());
                long up = System.nanoTime();
                long reconnectsBefore = clients.reconnects();
                Latency reconnectLatency = new Latency("reconnect storm: connected count over time");
                int target95 = (int) Math.ceil(ok * 0.95);
                double t95 = Double.NaN;
                long limit = System.nanoTime()
                        + Math.max(TimeUnit.SECONDS.toNanos(60), TimeUnit.MILLISECONDS.toNanos(n * 20L));
                int seen = 0;
                try (Progress p =
                        new Progress("reconnect", () -> "reconnected " + clients.connected() + "/" + ok, progress)) {
                    while (clients.connected() < ok && System.nanoTime() < limit) {
                        int c = clients.connected();
                        for (; seen < c; seen++) {
                            reconnectLatency.recordSince(up);
                        }
                        if (Double.isNaN(t95) && c >= target95) {
                            t95 = (System.nanoTime() - up) / 1e9;
                        }
                        Thread.sleep(5);
                    }
                }
                int c = clients.connected();
                for (; seen < c; seen++) {
                    reconnectLatency.recordSince(up);
                }
                double all = (System.nanoTime() - up) / 1e9;
                result.figure("emulator restart time (kill → listening)", (up - down) / 1e9, "s");
                result.figure("reconnected after restart", c, "clients");
                result.figure(
                        "reconnect storm: 95% reconnected after", Double.isNaN(t95) && c >= target95 ? all : t95, "s");
                result.figure("reconnect storm: all reconnected after", c >= ok ? all : Double.NaN, "s");
                result.figure("reconnect storm rate", c / all, "connections/s");
                result.figure("reconnects counted by clients", clients.reconnects() - reconnectsBefore, "count");
                result.latency(
                        "reconnect storm (from emulator listening again)",
                        "reconnect: time until connected (5 ms resolution)",
                        reconnectLatency.snapshot());
                result.note(
                        "Reconnect policy of the bench clients: retry 150-350 ms after each failure (the browser client's"
                                + " own backoff is 0, 2, 10, 30 s, so real storms are spread out more).");
            }
        } finally {
            emulator.close();
        }
        result.note("Heap per connection = (heap used after System.gc() with N idle connections - before) / N, in the"
                + " emulator's own JVM (-Xmx" + options.emulatorHeap()
                + "). Only the SignalR emulator is measured here; the"
                + " presence registry (functions host + Azurite Connections table) is not part of this scenario.");
        return result;
    }
}
