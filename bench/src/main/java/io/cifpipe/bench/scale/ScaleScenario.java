package io.cifpipe.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cifpipe.bench.core.Latency;
import io.cifpipe.bench.core.Progress;
import io.cifpipe.bench.core.ScenarioResult;
import io.cifpipe.bench.signalr.ChildServer;
import io.cifpipe.bench.signalr.HubClients;
import io.cifpipe.harness.Stack;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * Issue 12 scenario 3 through the real pipeline: N agents with Entra tokens negotiate through the presence function
 * app, connect to the SignalR emulator, and the presence registry ({@code Connections} in Azurite) must hold one row
 * per agent. Measures the 9:00 connect storm (first {@code storm} agents), the rest, registry convergence, memory of
 * the functions host JVM(s), the emulator and Azurite, and the reconnect storm after an emulator restart.
 */
public final class ScaleScenario {
    /**
     * @param emulatorHeap {@code -Xmx} of the SignalR emulator in its own JVM (replacing the stack's in-process one on
     *     the same port, same key, same upstream), or "in-process" to keep the stack's emulator in the bench JVM
     * @param allApps also run the ingress and dispatch apps (idle), so the functions host total covers all three
     * @param idle how long the connections are held before memory is read (also the stale-row observation window)
     */
    public record Options(
            int agents, int storm, boolean restart, String emulatorHeap, boolean allApps, Duration idle) {}

    static final String IN_PROCESS = "in-process";
    /** Connects outstanding at once, as in the {@code connections} scenario (a browser fleet is not one process). */
    static final int IN_FLIGHT = 256;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MIB = 1048576.0;
    private static final double TARGET_MIB = 1024.0;

    private final Options options;
    private final PrintStream progress;
    private final AtomicLong negotiations = new AtomicLong();
    private final AtomicLong negotiateFailures = new AtomicLong();
    private final AtomicReference<Latency> negotiateLatency = new AtomicReference<>();

    public ScaleScenario(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** What {@link #run()} read at one moment. Sizes in bytes, -1 = unknown. */
    record Memory(
            long presenceRss,
            long presenceLive,
            long otherAppsRss,
            long emulatorHeap,
            long emulatorRss,
            long azuriteRss) {}

    public ScenarioResult run() throws Exception {
        int n = options.agents();
        int storm = Math.min(options.storm(), n);
        boolean inProcess = IN_PROCESS.equals(options.emulatorHeap());
        ScenarioResult result = new ScenarioResult(
                "scale",
                "Connection scale through presence: " + n
                        + " agents negotiate with Entra tokens, connect, and are registered in the Connections table");
        result.parameter("agents", n)
                .parameter("stormAgents", storm)
                .parameter("connectsInFlight", IN_FLIGHT)
                .parameter("emulatorHeap", options.emulatorHeap())
                .parameter("functionsApps", options.allApps() ? "ingress+dispatch+presence" : "presence")
                .parameter("idle", options.idle().toString());
        long maxFds = ProcessMemory.maxFileDescriptors();
        long needFds = (long) n * (inProcess ? 2 : 1) + 2_000;
        if (maxFds > 0 && needFds > maxFds) {
            return result.unavailable("needs about " + needFds + " open files in the bench JVM (" + n + " clients"
                    + (inProcess ? " + the in-process emulator's server sockets" : "") + ") but the limit is " + maxFds
                    + ": raise ulimit -n"
                    + (inProcess ? " or run the emulator in its own JVM (--emulator-heap 1g)" : ""));
        }

        progress.printf(
                "scale: starting the stack (Azurite, Service Bus, SignalR, Entra, %s)%n",
                options.allApps() ? "ingress+dispatch+presence apps" : "presence app");
        long s0 = System.nanoTime();
        Stack stack = Stack.start(
                new Stack.Options(options.allApps(), options.allApps(), true, false, Duration.ofSeconds(5), 10)
                        .withoutTablesAccessLog());
        ChildServer emulatorChild = null;
        HubClients clients = null;
        String jfr = System.getenv("BENCH_PRESENCE_JFR");
        try {
            result.figure("stack start time", (System.nanoTime() - s0) / 1e9, "s");
            int signalRPort = stack.signalR().port();
            String upstream = stack.url("presence") + "/api/" + io.cifpipe.model.Names.SIGNALR_UPSTREAM_ROUTE;
            Map<String, String> emulatorEnv =
                    Map.of("BENCH_SIGNALR_ACCESS_KEY", stack.signalRAccessKey(), "BENCH_SIGNALR_UPSTREAM", upstream);
            if (!inProcess) {
                progress.printf(
                        "scale: moving the SignalR emulator to its own JVM (-Xmx%s) on port %d%n",
                        options.emulatorHeap(), signalRPort);
                stack.stopSignalR();
                emulatorChild = ChildServer.start("signalr-upstream", signalRPort, options.emulatorHeap(), emulatorEnv);
            }
            ProcessHandle presence = ProcessMemory.descendant("/presence-logback.xml")
                    .orElseThrow(() ->
                            new IllegalStateException("presence child JVM not found among this JVM's descendants"));
            List<ProcessHandle> otherApps = new ArrayList<>(ProcessMemory.descendants("/ingress-logback.xml"));
            otherApps.addAll(ProcessMemory.descendants("/dispatch-logback.xml"));
            List<ProcessHandle> azurite = ProcessMemory.descendants("azurite-table");
            Registry registry = new Registry(stack.tablesConnectionString());

            // Entra tokens, minted before 9:00 (MSAL serves them from its cache at sign-in), valid for the whole run.
            int warm = Math.min(100, Math.max(3, n / 100));
            List<String> users = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                users.add(String.format("agent-%05d", i));
            }
            List<String> warmUsers = new ArrayList<>(warm);
            for (int i = 0; i < warm; i++) {
                warmUsers.add("warmup-" + i);
            }
            Map<String, String> entraTokens = mintTokens(stack.entra().orElseThrow(), users, warmUsers);

            int presencePort = java.net.URI.create(stack.url("presence")).getPort();
            Function<Integer, HubClients> newClients =
                    loops -> agentClients(presencePort, signalRPort, entraTokens, loops);

            // Warm-up (JIT, class loading, pools) on other agents; they disconnect, so their rows must go away again.
            progress.printf("scale: warm-up with %d agents%n", warm);
            negotiateLatency.set(new Latency("warm-up"));
            try (HubClients w = newClients.apply(1)) {
                Future.join(new ArrayList<>(w.connectAll(warmUsers, 32)))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .handle((v, e) -> null)
                        .get(2, TimeUnit.MINUTES);
                result.figure("warm-up agents connected", w.connected(), "clients");
                awaitRegistry(
                        registry,
                        Instant.EPOCH,
                        s -> s.rows() >= w.connected(),
                        Duration.ofSeconds(60),
                        "warm-up rows");
            }
            Registry.State afterWarmup = awaitRegistry(
                    registry,
                    Instant.EPOCH,
                    s -> s.rows() == 0,
                    Duration.ofSeconds(60),
                    "warm-up rows removed after disconnect");
            result.figure(
                    "warm-up rows left 60 s after disconnect (0 = disconnects reached the registry)",
                    afterWarmup.rows(),
                    "rows");
            result.parameter("warmupAgents", warm);

            Memory before = memory(presence, otherApps, emulatorChild, azurite);
            if (jfr != null && !jfr.isBlank()) {
                progress.printf("scale: JFR recording in the presence JVM → %s%n", jfr);
                jcmd(presence.pid(), "JFR.start", "name=bench", "settings=profile", "filename=" + jfr);
            }

            clients = newClients.apply(2);
            HubClients c = clients;
            // Like the agent panel (client/src/core/backoff.js), a connection the server closes is re-established after
            // a random [c/2, c], c = min(30 s, 1 s x 2^attempt); each attempt negotiates through presence again.
            c.reconnectDelays(attempt -> {
                        long ceiling = Math.min(30_000L, 1_000L << Math.min(attempt, 5));
                        return ceiling / 2
                                + java.util.concurrent.ThreadLocalRandom.current()
                                        .nextLong(ceiling / 2 + 1);
                    })
                    .reconnectAutomatically(true);
            // 9:00: the first `storm` agents all log in at once; latency = time from 9:00 until that agent is
            // connected.
            Latency sinceStart = new Latency("9:00 storm: time from storm start to connected");
            Latency each =
                    new Latency("9:00 storm: single connect (presence negotiate + SignalR negotiate + ws + handshake)");
            Latency stormNegotiate = new Latency("9:00 storm: presence negotiate");
            negotiateLatency.set(stormNegotiate);
            progress.printf("scale: 9:00 connect storm of %d agents (%d in flight)%n", storm, IN_FLIGHT);
            long t0 = System.nanoTime();
            connectAll(c, users.subList(0, storm), t0, sinceStart, each, "storm", storm);
            long stormReconnects = c.reconnects();
            awaitConnected(c, storm, "storm");
            double stormSeconds = (System.nanoTime() - t0) / 1e9;
            int stormOk = c.connected();
            Registry.State atStormEnd = registry.read();
            Registry.State stormRegistry = awaitRegistry(
                    registry, Instant.EPOCH, s -> s.exactly(stormOk), Duration.ofMinutes(3), "registry (storm agents)");
            double stormConverged = stormRegistry.exactly(stormOk) ? (System.nanoTime() - t0) / 1e9 : Double.NaN;
            result.figure("9:00 storm: agents connected", stormOk, "clients");
            result.figure("9:00 storm: connect failures", c.connectFailures(), "count");
            result.figure("9:00 storm: all connected at once after", stormSeconds, "s");
            result.figure(
                    "9:00 storm: connections closed by the emulator and re-established", stormReconnects, "count");
            result.figure("9:00 storm: rate", stormOk / stormSeconds, "connections/s");
            result.figure("9:00 storm: registry rows when the last agent connected", atStormEnd.rows(), "rows");
            result.figure("9:00 storm: registry converged (one row per agent) after", stormConverged, "s");
            result.figure("9:00 storm: registry rows / agents", stormRegistry.rows(), "rows");
            result.figure("9:00 storm: registry distinct agents", stormRegistry.agents(), "agents");
            result.latency("9:00 connect storm", sinceStart.name(), sinceStart.snapshot());
            result.latency("9:00 connect storm", each.name(), each.snapshot());
            result.latency("9:00 connect storm", stormNegotiate.name(), stormNegotiate.snapshot());

            if (n > storm) {
                Latency restSince = new Latency("rest: time from phase start to connected");
                Latency restEach = new Latency("rest: single connect");
                negotiateLatency.set(new Latency("rest: presence negotiate"));
                progress.printf("scale: connecting the other %d agents (%d in flight)%n", n - storm, IN_FLIGHT);
                long t1 = System.nanoTime();
                connectAll(c, users.subList(storm, n), t1, restSince, restEach, "rest", n);
                awaitConnected(c, n, "rest");
                double restSeconds = (System.nanoTime() - t1) / 1e9;
                result.figure("rest: agents connected (total)", c.connected(), "clients");
                result.figure("rest: connect duration", restSeconds, "s");
                result.figure("rest: rate", (c.connected() - stormOk) / restSeconds, "connections/s");
                result.latency("rest of the agents", restEach.name(), restEach.snapshot());
                result.latency(
                        "rest of the agents",
                        negotiateLatency.get().name(),
                        negotiateLatency.get().snapshot());
            }
            int ok = c.connected();
            Registry.State all = awaitRegistry(
                    registry,
                    Instant.EPOCH,
                    s -> s.exactly(c.connected()),
                    Duration.ofMinutes(3),
                    "registry (all agents)");
            boolean allConverged = all.exactly(c.connected());
            result.figure("agents connected", ok, "clients");
            result.figure(
                    "connect failures (all phases; a failed first connect is not retried)",
                    c.connectFailures(),
                    "count");
            result.figure(
                    "connections closed by the emulator and re-established (all phases)", c.reconnects(), "count");
            result.figure(
                    "registry converged for all agents after (from 9:00)",
                    allConverged ? (System.nanoTime() - t0) / 1e9 : Double.NaN,
                    "s");
            result.figure("registry rows", all.rows(), "rows");
            result.figure("registry distinct agents", all.agents(), "agents");
            result.figure("presence negotiations", negotiations.get(), "count");
            result.figure("presence negotiate failures", negotiateFailures.get(), "count");

            progress.printf("scale: holding %d idle connections for %s%n", ok, options.idle());
            Thread.sleep(options.idle().toMillis());
            result.figure("still connected after idle", c.connected(), "clients");
            Memory after = memory(presence, otherApps, emulatorChild, azurite);
            reportMemory(result, before, after, ok, inProcess);

            if (options.restart()) {
                reconnectStorm(result, stack, emulatorChild, emulatorEnv, signalRPort, c, registry, c.connected());
            }
        } finally {
            if (jfr != null && !jfr.isBlank()) {
                ProcessMemory.descendant("/presence-logback.xml")
                        .ifPresent(p -> jcmd(p.pid(), "JFR.stop", "name=bench"));
            }
            if (emulatorChild != null) {
                emulatorChild.kill(); // the clients' closes then need no upstream round trips
            }
            if (clients != null) {
                clients.close();
            }
            stack.close();
        }
        result.note(
                "Every agent: Entra token (mock-oauth2-server, oid = agent id) → POST presence /api/negotiate (token"
                        + " validated against JWKS, SignalR user id = oid) → SignalR negotiate + WebSocket + JSON hub handshake → the"
                        + " emulator's 'connected' upstream event → presence upserts the Connections row (Azurite). Registry"
                        + " figures come from listing the Connections table.");
        result.note("Functions host JVMs as the harness Stack starts them: -Xmx256m -XX:TieredStopAtLevel=1. Live heap"
                + " = 'Total' bytes of jcmd GC.class_histogram (full GC first). RSS from /proc/<pid>/status.");
        if (inProcess) {
            result.note(
                    "--emulator-heap in-process: the SignalR emulator runs in the bench JVM, so its heap figure is the"
                            + " bench JVM's heap growth after GC, which includes the bench's own 10k-client objects: an upper bound."
                            + " No emulator RSS and no total against the 1 GiB target in this mode.");
        }
        return result;
    }

    private Map<String, String> mintTokens(MockOAuth2Server idp, List<String> users, List<String> warmUsers)
            throws Exception {
        Map<String, String> tokens = new ConcurrentHashMap<>();
        List<String> everyone = new ArrayList<>(users);
        everyone.addAll(warmUsers);
        progress.printf("scale: minting %d Entra tokens%n", everyone.size());
        try (Progress p = new Progress("tokens", () -> tokens.size() + "/" + everyone.size(), progress)) {
            everyone.parallelStream()
                    .forEach(oid -> tokens.put(
                            oid,
                            idp.issueToken(
                                            Stack.ISSUER_ID,
                                            oid,
                                            Stack.API_CLIENT_ID,
                                            Map.of("oid", oid, "scp", "user_impersonation", "name", "Agent " + oid),
                                            7200)
                                    .serialize()));
        }
        return tokens;
    }

    /**
     * Lightweight agents whose negotiate goes through presence. The presence HTTP client lives on the clients' own
     * Vert.x instance: continuing on another instance's event loop is unsupported in Vert.x (connects hung).
     */
    private HubClients agentClients(int presencePort, int signalRPort, Map<String, String> entraTokens, int loops) {
        AtomicReference<HttpClient> presenceHttp = new AtomicReference<>();
        HubClients c = new HubClients(
                HubClients.Target.viaNegotiate(
                        signalRPort,
                        Stack.HUB,
                        user -> negotiateThroughPresence(presenceHttp.get(), entraTokens.get(user), signalRPort)),
                (u, t, a) -> {},
                loops);
        presenceHttp.set(c.vertx()
                .createHttpClient(new HttpClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(presencePort)
                        .setMaxPoolSize(64)
                        .setConnectTimeout(10_000)));
        return c;
    }

    /** The agent's negotiate: Entra bearer → presence → {url, accessToken}; the client token goes to the emulator. */
    private Future<String> negotiateThroughPresence(HttpClient presenceHttp, String entraToken, int signalRPort) {
        long started = System.nanoTime();
        return presenceHttp
                .request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI("/api/negotiate")
                        .putHeader("Authorization", "Bearer " + entraToken))
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200
                        ? resp.body()
                        : Future.failedFuture("presence negotiate answered " + resp.statusCode()))
                .map(body -> {
                    JsonNode reply;
                    try {
                        reply = JSON.readTree(body.getBytes());
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("presence negotiate: not JSON", e);
                    }
                    if (!reply.path("url").asText().contains(":" + signalRPort + "/")) {
                        throw new IllegalStateException("presence negotiate pointed elsewhere: "
                                + reply.path("url").asText());
                    }
                    negotiations.incrementAndGet();
                    negotiateLatency.get().recordSince(started);
                    return reply.path("accessToken").asText();
                })
                .onFailure(e -> negotiateFailures.incrementAndGet());
    }

    private void connectAll(
            HubClients c, List<String> users, long t0, Latency sinceStart, Latency each, String phase, int total)
            throws Exception {
        try (Progress p = new Progress(
                phase,
                () -> "connected " + c.connected() + "/" + total + ", failures " + c.connectFailures()
                        + ", presence negotiations " + negotiations.get(),
                progress)) {
            c.connectStorm(users, IN_FLIGHT, t0, sinceStart, each);
        }
    }

    /** Waits (bounded) until {@code target} clients are connected at once: closed ones reconnect meanwhile. */
    private void awaitConnected(HubClients c, int target, String phase) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        if (c.connected() >= target) {
            return;
        }
        try (Progress p = new Progress(
                phase + " (reconnecting)",
                () -> "connected " + c.connected() + "/" + target + ", re-established " + c.reconnects(),
                progress)) {
            while (c.connected() < target && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    /** Polls the registry until {@code done} holds or the time is up; returns the last state read. */
    private Registry.State awaitRegistry(
            Registry registry, Instant since, Predicate<Registry.State> done, Duration max, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        AtomicReference<Registry.State> last = new AtomicReference<>(Registry.State.EMPTY);
        try (Progress p = new Progress(
                "registry",
                () -> what + ": " + last.get() + " (" + last.get().rowsSince() + " rows since "
                        + (since.equals(Instant.EPOCH) ? "start" : since) + ")",
                progress)) {
            while (true) {
                Registry.State s;
                try {
                    s = registry.read(since);
                } catch (RuntimeException e) {
                    progress.printf("  registry read failed: %s%n", e.getMessage());
                    s = last.get();
                }
                last.set(s);
                if (done.test(s) || System.nanoTime() > deadline) {
                    return s;
                }
                Thread.sleep(s.rows() > 2_000 ? 500 : 100);
            }
        }
    }

    private Memory memory(
            ProcessHandle presence,
            List<ProcessHandle> otherApps,
            ChildServer emulatorChild,
            List<ProcessHandle> azurite)
            throws Exception {
        progress.println("scale: reading memory (full GCs)");
        long presenceLive = ProcessMemory.liveHeap(presence.pid());
        long presenceRss = ProcessMemory.rss(presence.pid());
        long others = otherApps.isEmpty() ? 0 : ProcessMemory.rss(otherApps);
        long emuHeap;
        long emuRss;
        if (emulatorChild != null) {
            var m = emulatorChild.memory();
            emuHeap = m.heapUsed();
            emuRss = m.rss();
        } else {
            emuHeap = ProcessMemory.ownHeapAfterGc();
            emuRss = -1;
        }
        return new Memory(presenceRss, presenceLive, others, emuHeap, emuRss, ProcessMemory.rss(azurite));
    }

    private static double mib(long bytes) {
        return bytes < 0 ? Double.NaN : bytes / MIB;
    }

    private static double perConnectionKib(long before, long after, int n) {
        return before < 0 || after < 0 || n == 0 ? Double.NaN : (after - before) / (double) n / 1024.0;
    }

    private void reportMemory(ScenarioResult r, Memory before, Memory after, int n, boolean inProcess) {
        r.figure("presence JVM RSS before", mib(before.presenceRss()), "MiB");
        r.figure("presence JVM RSS with agents", mib(after.presenceRss()), "MiB");
        r.figure("presence JVM live heap before (after full GC)", mib(before.presenceLive()), "MiB");
        r.figure("presence JVM live heap with agents (after full GC)", mib(after.presenceLive()), "MiB");
        r.figure(
                "presence live heap per connection",
                perConnectionKib(before.presenceLive(), after.presenceLive(), n),
                "KiB");
        if (options.allApps()) {
            r.figure("ingress + dispatch JVMs RSS with agents (idle apps)", mib(after.otherAppsRss()), "MiB");
        }
        String emu = inProcess ? "bench JVM heap (emulator + bench clients, upper bound)" : "SignalR emulator heap";
        r.figure(emu + " before (after GC)", mib(before.emulatorHeap()), "MiB");
        r.figure(emu + " with agents (after GC)", mib(after.emulatorHeap()), "MiB");
        r.figure(emu + " per connection", perConnectionKib(before.emulatorHeap(), after.emulatorHeap(), n), "KiB");
        if (!inProcess) {
            r.figure("SignalR emulator RSS before", mib(before.emulatorRss()), "MiB");
            r.figure("SignalR emulator RSS with agents", mib(after.emulatorRss()), "MiB");
        }
        r.figure("Azurite RSS before (information, not in the target)", mib(before.azuriteRss()), "MiB");
        r.figure("Azurite RSS with agents (information, not in the target)", mib(after.azuriteRss()), "MiB");
        if (!inProcess && after.emulatorRss() > 0 && after.presenceRss() > 0) {
            double presenceOnly = mib(after.emulatorRss() + after.presenceRss());
            r.figure("total RSS emulator + presence app", presenceOnly, "MiB");
            if (options.allApps()) {
                double allThree = presenceOnly + mib(after.otherAppsRss());
                r.figure("total RSS emulator + functions host (all three apps)", allThree, "MiB");
                r.figure("share of the 1 GiB target (all three apps)", allThree / TARGET_MIB, "x");
            } else {
                r.figure("share of the 1 GiB target (presence app only)", presenceOnly / TARGET_MIB, "x");
            }
        }
    }

    private void reconnectStorm(
            ScenarioResult r,
            Stack stack,
            ChildServer child,
            Map<String, String> env,
            int port,
            HubClients c,
            Registry registry,
            int ok)
            throws Exception {
        // The panel's back-off set in run() spreads the storm like real browsers' (no instant-retry herd on presence).
        Latency reconnectNegotiate = new Latency("reconnect storm: presence negotiate");
        negotiateLatency.set(reconnectNegotiate);
        long negotiationsBefore = negotiations.get();
        long reconnectsBefore = c.reconnects();
        Instant downAt = Instant.now();
        long down = System.nanoTime();
        if (child != null) {
            progress.printf("scale: killing the SignalR emulator JVM (SIGKILL) and restarting it on port %d%n", port);
            child.kill();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.connected() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } else {
            progress.println(
                    "scale: stack.restartSignalR() (in-process emulator: graceful close, start on the same port)");
        }
        ChildServer restarted = null;
        if (child != null) {
            restarted = ChildServer.start("signalr-upstream", port, options.emulatorHeap(), env);
        } else {
            stack.restartSignalR();
        }
        try {
            long up = System.nanoTime();
            r.figure("emulator restart time (down → listening)", (up - down) / 1e9, "s");
            Latency reconnected =
                    new Latency("reconnect storm: time from emulator listening until connected (5 ms resolution)");
            long limit =
                    System.nanoTime() + Math.max(TimeUnit.SECONDS.toNanos(60), TimeUnit.MILLISECONDS.toNanos(ok * 20L));
            int seen = 0;
            try (Progress p = new Progress(
                    "reconnect",
                    () -> "reconnected " + c.connected() + "/" + ok + ", presence negotiations "
                            + (negotiations.get() - negotiationsBefore),
                    progress)) {
                while (c.connected() < ok && System.nanoTime() < limit) {
                    for (int now = c.connected(); seen < now; seen++) {
                        reconnected.recordSince(up);
                    }
                    Thread.sleep(5);
                }
            }
            int back = c.connected();
            for (; seen < back; seen++) {
                reconnected.recordSince(up);
            }
            double allBack = (System.nanoTime() - up) / 1e9;
            r.figure("reconnected after restart", back, "clients");
            r.figure("reconnect storm: all reconnected after (from listening)", back >= ok ? allBack : Double.NaN, "s");
            r.figure("reconnect storm rate", back / allBack, "connections/s");
            r.figure("reconnects counted by clients", c.reconnects() - reconnectsBefore, "count");
            r.figure(
                    "reconnect storm: presence negotiations (re-negotiated through presence)",
                    negotiations.get() - negotiationsBefore,
                    "count");
            r.latency("reconnect storm", reconnected.name(), reconnected.snapshot());
            r.latency("reconnect storm", reconnectNegotiate.name(), reconnectNegotiate.snapshot());

            // Registry: every agent needs its new row (ConnectedAt after the restart); old rows are stale unless the
            // emulator's disconnected events (none after SIGKILL) or the presence sweep remove them.
            Registry.State fresh = awaitRegistry(
                    registry,
                    downAt,
                    s -> s.rowsSince() == back && s.agentsSince() == back,
                    Duration.ofMinutes(3),
                    "registry after restart");
            boolean converged = fresh.rowsSince() == back && fresh.agentsSince() == back;
            r.figure(
                    "registry: every agent's new row present after (from listening)",
                    converged ? (System.nanoTime() - up) / 1e9 : Double.NaN,
                    "s");
            r.figure("registry: new rows (ConnectedAt after restart)", fresh.rowsSince(), "rows");
            r.figure("registry: stale rows right after", fresh.rows() - fresh.rowsSince(), "rows");
            progress.printf("scale: watching stale rows for %s%n", options.idle());
            Thread.sleep(options.idle().toMillis());
            Registry.State later = registry.read(downAt);
            r.figure(
                    "registry: stale rows " + options.idle().toSeconds() + " s later",
                    later.rows() - later.rowsSince(),
                    "rows");
            r.figure("registry: total rows " + options.idle().toSeconds() + " s later", later.rows(), "rows");
            r.note(
                    "Reconnect: each client re-negotiates through presence on every attempt, with the agent panel's back-off"
                            + " (attempt n after a random [c/2, c], c = min(30 s, 1 s x 2^n)), so the figures include that policy's"
                            + " waits (0.5-1 s before the first attempt). "
                            + (child != null
                                    ? "The emulator JVM was SIGKILLed: no 'disconnected' upstream events, so the old rows stay"
                                            + " until presence's stale sweep (StaleConnectionMinutes, default 10 min, on ConnectionSweepSchedule,"
                                            + " default every 5 min) removes them; dispatch also prunes a row when a send answers gone."
                                    : "stack.restartSignalR() closes the in-process emulator (Vert.x close) and starts a new one."));
        } finally {
            c.reconnectAutomatically(false);
            if (restarted != null) {
                restarted.kill();
            }
        }
    }

    private void jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd")
                        .toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            progress.printf(
                    "  jcmd %s: %s%n", String.join(" ", command), out.trim().replace('\n', ' '));
        } catch (Exception e) {
            progress.printf("  jcmd %s failed: %s%n", String.join(" ", command), e);
        }
    }
}
