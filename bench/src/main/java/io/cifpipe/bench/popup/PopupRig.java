package io.cifpipe.bench.popup;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import io.cifpipe.bench.core.OpenLoop;
import io.cifpipe.bench.core.Progress;
import io.cifpipe.bench.model.DelayProxy;
import io.cifpipe.bench.model.LatencyModel;
import io.cifpipe.bench.signalr.HubClients;
import io.cifpipe.harness.Stack;
import io.cifpipe.harness.Tokens;
import io.cifpipe.model.Names;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import io.reactivex.rxjava3.core.Single;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real pipeline in this process and its children (harness {@link Stack}: Azurite, Service Bus emulator,
 * SignalR emulator, mock-oauth2-server as Entra, ingress/dispatch/presence Functions apps in child JVMs), N agents
 * signed in through presence negotiate and connected to the SignalR emulator, a telephony load generator POSTing
 * {@code call.offered} to ingress, and a reader of {@code call-outcomes}. Phases run one after the other on the same
 * connected agents.
 */
final class PopupRig implements AutoCloseable {
    /** @param model null: plain loopback; else a {@link DelayProxy} with that assumption in front of each stand-in */
    record Config(
            int agents,
            int javaClients,
            int targetsPerCall,
            double decideFraction,
            Duration lockDuration,
            int maxDeliveryCount,
            LatencyModel model) {
        Config(
                int agents,
                int javaClients,
                int targetsPerCall,
                double decideFraction,
                Duration lockDuration,
                int maxDeliveryCount) {
            this(agents, javaClients, targetsPerCall, decideFraction, lockDuration, maxDeliveryCount, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HUB = Stack.HUB;
    private static final int RING_SECONDS = 300;

    private final Config config;
    private final PrintStream progress;
    /** Per-run prefix of agent and call ids, so nothing from an earlier run is ever counted. */
    private final String run = "b" + UUID.randomUUID().toString().substring(0, 6);

    private final Map<Integer, PopupPhase> phases = new ConcurrentHashMap<>();
    private final AtomicInteger phaseIds = new AtomicInteger();
    private final List<HubConnection> javaClients = new ArrayList<>();
    private Stack stack;
    private HubClients clients;
    private OutcomeReader outcomes;
    private Vertx vertx;
    private HttpClient ingress;
    private String ingressPath;
    private Vertx proxyVertx;
    private final Map<String, DelayProxy> proxies = new ConcurrentHashMap<>();
    private DispatchProbe probe;

    PopupRig(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    String agent(int i) {
        return run + "-a" + i;
    }

    List<String> agents() {
        List<String> all = new ArrayList<>(config.agents());
        for (int i = 0; i < config.agents(); i++) {
            all.add(agent(i));
        }
        return all;
    }

    /** Starts the stack, signs every agent in, connects them and waits until presence registered every connection. */
    PopupRig start() throws Exception {
        long t0 = System.nanoTime();
        progress.printf("popup: starting the stack (Azurite, Service Bus, SignalR, Entra, 3 Functions apps)%n");
        // Counting proxies: round trips are counted on the wire. The expiry sweep keeps its production schedule (the
        // Stack's 1 s is for fault tests) so its queries do not inflate dispatch's Table count.
        Stack.Options options = new Stack.Options(
                        true, true, true, false, config.lockDuration(), config.maxDeliveryCount())
                .withCountingProxies()
                .withoutTablesAccessLog()
                .withHostJvmOptions(hostJvmOptionsFromEnv())
                .withAppSettings(Map.of(
                        Setting.EXPIRY_SWEEP_SCHEDULE.key(),
                        Setting.EXPIRY_SWEEP_SCHEDULE.defaultValue().orElseThrow(),
                        // issue 20: simulated agents accept without call.ended; keep them offerable as before capacity
                        // existed
                        Setting.AGENT_CAPACITY.key(),
                        "100000"));
        if (config.model() == null) {
            stack = Stack.start(options);
        } else {
            proxyVertx = Vertx.vertx();
            stack = Stack.start(options, this::route);
            // Table and SignalR REST: the counting proxies add the assumed round trip to every request.
            for (io.cifpipe.harness.proxy.CountingProxy p : stack.countingProxies()) {
                p.delay(config.model()
                        .rtt(
                                p.service() == io.cifpipe.harness.proxy.RequestClass.Service.TABLE
                                        ? "tables"
                                        : "signalr"));
            }
        }
        progress.printf("popup: stack up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        probe = new DispatchProbe(stack);
        vertx = Vertx.vertx();
        URI ingressUri = URI.create(stack.url("ingress"));
        int ingressPort = config.model() == null
                ? ingressUri.getPort()
                : proxy("functions", ingressUri.getPort()).port(); // telephony → Functions front end
        ingress = vertx.createHttpClient(new HttpClientOptions()
                .setDefaultHost(ingressUri.getHost())
                .setDefaultPort(ingressPort)
                .setMaxPoolSize(64)
                .setKeepAlive(true));
        ingressPath = "/api/calls";
        outcomes = OutcomeReader.start(
                stack.serviceBus().connectionString(),
                OutcomeSubscriptions.path(
                        Setting.CALL_OUTCOMES_TOPIC.defaultValue().orElseThrow(), OutcomeSubscriptions.TELEPHONY),
                this::onOutcome);

        Map<String, String> accessTokens = negotiateAll();
        int java = Math.min(config.javaClients(), config.agents());
        progress.printf(
                "popup: connecting %d Java SignalR clients and %d lightweight clients%n", java, config.agents() - java);
        for (int i = 0; i < java; i++) {
            javaClients.add(connectJava(agent(i), accessTokens.get(agent(i))));
        }
        clients = new HubClients(
                new HubClients.Target(stack.signalR().port(), HUB, accessTokens::get), this::onInvocation, 1);
        List<String> light = agents().subList(java, config.agents());
        Future.join(new ArrayList<>(clients.connectAll(light, 128)))
                .toCompletionStage()
                .toCompletableFuture()
                .handle((v, e) -> null)
                .get(5, TimeUnit.MINUTES);
        if (clients.connected() < light.size()) {
            throw new IllegalStateException("only " + clients.connected() + " of " + light.size()
                    + " clients connected (" + clients.connectFailures() + " failures)");
        }
        awaitRegistered(Duration.ofSeconds(120));
        progress.printf(
                "popup: %d agents connected and registered (%.1f s since start)%n",
                config.agents(), (System.nanoTime() - t0) / 1e9);
        return this;
    }

    /**
     * Latency model: every app reaches Service Bus through one TCP delay proxy (Table and SignalR REST go through the
     * counting proxies, which add their delay per request; the agents' WebSockets stay direct).
     */
    private int route(String app, String service, int port) {
        return service.equals("servicebus") ? proxy(service, port).port() : port;
    }

    private DelayProxy proxy(String service, int port) {
        return proxies.computeIfAbsent(service + ":" + port, k -> {
            try {
                return DelayProxy.start(
                        proxyVertx, service, port, config.model().oneWay(service));
            } catch (Exception e) {
                throw new IllegalStateException("delay proxy for " + service + ": " + e, e);
            }
        });
    }

    /** Delay proxies of the latency model (empty without one). */
    java.util.Collection<DelayProxy> proxies() {
        return proxies.values();
    }

    DispatchProbe probe() {
        return probe;
    }

    /**
     * Presence negotiate for every agent with its own Entra token (oid = agent id), 32 at a time, each retried up to
     * 3 times with a 20 s timeout. The JDK client rather than Vert.x's: under heavy load Vert.x pooled connections to
     * the local Functions host were seen to hang without a timeout firing.
     */
    private Map<String, String> negotiateAll() throws Exception {
        Tokens tokens = new Tokens(stack.entra().orElseThrow(), Stack.API_CLIENT_ID);
        URI negotiate = URI.create(stack.url("presence") + "/api/negotiate");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(32);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        Map<String, String> accessTokens = new ConcurrentHashMap<>();
        AtomicInteger done = new AtomicInteger();
        progress.printf("popup: signing in %d agents (Entra token → presence negotiate)%n", config.agents());
        List<java.util.concurrent.Future<?>> all = new ArrayList<>();
        try (Progress ignored =
                new Progress("popup sign-in", () -> done.get() + " of " + config.agents() + " negotiated", progress)) {
            for (String agent : agents()) {
                String token = tokens.agent(agent);
                all.add(pool.submit(() -> {
                    Exception last = null;
                    for (int attempt = 0; attempt < 3; attempt++) {
                        try {
                            java.net.http.HttpResponse<String> r = http.send(
                                    java.net.http.HttpRequest.newBuilder(negotiate)
                                            .timeout(Duration.ofSeconds(20))
                                            .header("Authorization", "Bearer " + token)
                                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                accessTokens.put(
                                        agent,
                                        JSON.readTree(r.body())
                                                .path("accessToken")
                                                .asText());
                                done.incrementAndGet();
                                return null;
                            }
                            last = new IllegalStateException("presence negotiate answered HTTP " + r.statusCode());
                        } catch (java.io.IOException e) {
                            last = e;
                        }
                    }
                    throw last;
                }));
            }
            for (java.util.concurrent.Future<?> f : all) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return accessTokens;
    }

    private HubConnection connectJava(String agent, String accessToken) {
        HubConnection c = HubConnectionBuilder.create(stack.signalR().clientUrl(HUB))
                .withAccessTokenProvider(Single.just(accessToken))
                .build();
        c.on(Names.TARGET_NOTIFY, payload -> onNotify(agent, JSON.valueToTree(payload), true), Map.class);
        c.start().blockingAwait(30, TimeUnit.SECONDS);
        return c;
    }

    /** The Connections table (PartitionKey = user id) must list every agent before load starts. */
    private void awaitRegistered(Duration timeout) throws InterruptedException {
        TableClient table = new TableClientBuilder()
                .connectionString(stack.tablesConnectionString())
                .tableName(Setting.CONNECTIONS_TABLE.defaultValue().orElse("Connections"))
                .buildClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            Set<String> users = new HashSet<>();
            try {
                for (TableEntity e :
                        table.listEntities(new ListEntitiesOptions().setSelect(List.of("PartitionKey")), null, null)) {
                    if (e.getPartitionKey().startsWith(run + "-")) {
                        users.add(e.getPartitionKey());
                    }
                }
            } catch (RuntimeException e) {
                // table not created yet: presence creates it on the first connection
            }
            seen = users.size();
            if (seen >= config.agents()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(
                "presence registered only " + seen + " of " + config.agents() + " agents in " + timeout);
    }

    // ---------------------------------------------------------------- receipt

    private void onInvocation(String user, String target, JsonNode arguments) {
        if (Names.TARGET_NOTIFY.equals(target)) {
            onNotify(user, arguments.path(0), false);
        }
    }

    /** callId = run.phase.seq; agentId = run-a<index>. */
    private void onNotify(String user, JsonNode notification, boolean javaClient) {
        String callId = notification.path("callId").asText("");
        PopupPhase p = phaseOf(callId);
        if (p == null) {
            return;
        }
        long seq = Long.parseLong(callId.substring(callId.lastIndexOf('.') + 1));
        int idx = index(p, seq, user);
        if (idx < 0) {
            return;
        }
        p.received.incrementAndGet();
        if (p.notifies.incrementAndGet(idx) > 1) {
            p.duplicates.incrementAndGet();
            return;
        }
        long intended = p.intended.get((int) seq);
        p.notify.recordSince(intended);
        if (javaClient) {
            p.notifyJava.recordSince(intended);
        } else if (p.decide && shouldDecide(idx)) {
            decide(p, idx, user, notification.path("notificationId").asText());
        }
    }

    private boolean shouldDecide(int idx) {
        return (idx % 1000) < config.decideFraction() * 1000;
    }

    private void decide(PopupPhase p, int idx, String user, String notificationId) {
        long t0 = System.nanoTime();
        p.decideAt.set(idx, t0);
        p.decides.incrementAndGet();
        clients.invoke(user, Names.METHOD_DECIDE, Map.of("notificationId", notificationId, "decision", "accept"))
                .onComplete(ar -> {
                    p.decideCompletion.recordSince(t0);
                    p.decidesDone.incrementAndGet();
                    p.decideStatuses
                            .computeIfAbsent(
                                    ar.succeeded() ? ar.result().path("status").asText("?") : "error",
                                    k -> new java.util.concurrent.atomic.AtomicLong())
                            .incrementAndGet();
                    if (ar.succeeded()
                            && "recorded".equals(ar.result().path("status").asText())) {
                        p.decidesRecorded.incrementAndGet();
                    } else {
                        p.decidesFailed.incrementAndGet();
                        p.firstFailure.compareAndSet(
                                null,
                                "decide: "
                                        + (ar.succeeded()
                                                ? ar.result().toString()
                                                : ar.cause().toString()));
                    }
                });
    }

    private void onOutcome(String notificationId, String outcome) {
        // n1~<callId>~<agentId>
        String[] parts = notificationId.split("~");
        if (parts.length != 3) {
            return;
        }
        PopupPhase p = phaseOf(parts[1]);
        if (p == null) {
            return;
        }
        long seq = Long.parseLong(parts[1].substring(parts[1].lastIndexOf('.') + 1));
        int idx = index(p, seq, parts[2]);
        if (idx < 0) {
            return;
        }
        switch (outcome) {
            case "Delivered" -> {
                if (p.deliveredOutcomes.incrementAndGet(idx) > 1) {
                    p.duplicateDelivered.incrementAndGet();
                    return;
                }
                p.delivered.incrementAndGet();
                p.deliveredOutcome.recordSince(p.intended.get((int) seq));
            }
            case "Accepted" -> {
                if (p.acceptedOutcomes.incrementAndGet(idx) > 1) {
                    p.duplicateAccepted.incrementAndGet();
                    return;
                }
                p.acceptedOutcome.incrementAndGet();
                long at = p.decideAt.get(idx);
                if (at != 0) {
                    p.decideOutcome.recordSince(at);
                }
            }
            default -> p.otherOutcomes.incrementAndGet();
        }
    }

    private PopupPhase phaseOf(String callId) {
        if (!callId.startsWith(run + ".")) {
            return null;
        }
        int dot = callId.indexOf('.', run.length() + 1);
        return dot < 0 ? null : phases.get(Integer.parseInt(callId.substring(run.length() + 1, dot)));
    }

    /** Notification index of (call seq, agent), or -1 when that agent was not a target of the call. */
    private int index(PopupPhase p, long seq, String agentId) {
        int a = Integer.parseInt(agentId.substring(agentId.lastIndexOf("-a") + 2));
        long base = seq * p.targetsPerCall;
        int t = (int) Math.floorMod(a - base, (long) config.agents());
        if (t >= p.targetsPerCall || seq >= p.calls()) {
            return -1;
        }
        return (int) (base + t);
    }

    // ---------------------------------------------------------------- load

    /** One open-loop phase at {@code rate} for {@code duration}, then waits (bounded) for stragglers. */
    PopupPhase run(String label, double rate, Duration duration, boolean decide, Duration drain)
            throws InterruptedException {
        long calls = (long) Math.ceil(rate * duration.toNanos() / 1e9) + 1;
        PopupPhase p = new PopupPhase(
                phaseIds.incrementAndGet(),
                label,
                rate,
                calls,
                config.targetsPerCall(),
                decide && config.decideFraction() > 0);
        phases.put(p.id, p);
        progress.printf("popup: %s at %.0f calls/s for %s%n", label, rate, duration);
        try (Progress ignored = new Progress("popup " + label, p::status, progress)) {
            DispatchProbe.Snapshot before = probe.snapshot();
            OpenLoop.run(rate, duration, (seq, intended) -> post(p, seq, intended), () -> false);
            long deadline = System.nanoTime() + drain.toNanos();
            while (System.nanoTime() < deadline
                    && (p.accepted.get() + p.rejected.get() < p.fired.get() || !p.complete())) {
                Thread.sleep(20);
            }
            // Dispatch settles a message after its function returned, i.e. after the outcome the drain waited for: let
            // the last completes land (bounded) so they are counted in this phase, not the next.
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String events = Setting.CALL_EVENTS_QUEUE.defaultValue().orElseThrow();
            while (System.nanoTime() < settle
                    && stack.serviceBus().queueStats(events).locked() > 0) {
                Thread.sleep(10);
            }
            // The window covers the phase and its drain: every measured notification's work, nothing of the next phase.
            p.measured(probe.since(before));
        }
        progress.printf("popup: %s done: %s%n", label, p.status());
        return p;
    }

    /**
     * A quiet window: the agents stay signed in and connected, no call is posted. What each process spends here is
     * its fixed cost (timers, lock renewals, keep-alives, pollers), which a per-notification figure at a low rate
     * would otherwise charge to the calls.
     */
    DispatchProbe.Window idle(Duration quiet) throws InterruptedException {
        // Only once call-events is empty (bounded) and the last outcomes had time to settle: a backlog is not idle.
        if (!awaitCallEventsEmpty(Duration.ofSeconds(30))) {
            progress.printf(
                    "popup: call-events still not empty after 30 s: no idle window (fixed costs not measured)%n");
            return null;
        }
        Thread.sleep(2000);
        progress.printf("popup: idle for %s (fixed CPU cost of each process)%n", quiet);
        DispatchProbe.Snapshot before = probe.snapshot();
        Thread.sleep(quiet.toMillis());
        return probe.since(before);
    }

    /** Waits (bounded) until call-events holds no message, active or locked: dispatch has no backlog left. */
    boolean awaitCallEventsEmpty(Duration atMost) throws InterruptedException {
        String events = Setting.CALL_EVENTS_QUEUE.defaultValue().orElseThrow();
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline
                && stack.serviceBus().queueStats(events).total() > 0) {
            Thread.sleep(100);
        }
        return stack.serviceBus().queueStats(events).total() == 0;
    }

    private void post(PopupPhase p, long seq, long intended) {
        if (seq >= p.calls()) {
            return;
        }
        p.intended.set((int) seq, intended);
        p.fired.incrementAndGet();
        String callId = run + "." + p.id + "." + seq;
        String time = Instant.now().toString();
        Buffer body;
        String type;
        if (p.targetsPerCall == 1) {
            type = "application/cloudevents+json";
            body = Buffer.buffer(event(callId, time, agent((int) (seq % config.agents()))));
        } else {
            type = "application/cloudevents-batch+json";
            StringBuilder sb = new StringBuilder("[");
            for (int t = 0; t < p.targetsPerCall; t++) {
                sb.append(t == 0 ? "" : ",")
                        .append(event(callId, time, agent((int) ((seq * p.targetsPerCall + t) % config.agents()))));
            }
            body = Buffer.buffer(sb.append(']').toString());
        }
        ingress.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI(ingressPath)
                        .putHeader("Content-Type", type)
                        .putHeader(Names.FUNCTION_KEY_HEADER, stack.ingressKey()))
                .compose(req -> req.send(body))
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result().statusCode() == 202) {
                        p.accepted.incrementAndGet();
                    } else {
                        p.fail(
                                ar.succeeded()
                                        ? "ingress answered HTTP " + ar.result().statusCode()
                                        : String.valueOf(ar.cause()));
                    }
                });
    }

    private static String event(String callId, String time, String agentId) {
        return "{\"specversion\":\"1.0\",\"id\":\"e-" + callId + "-" + agentId + "\",\"source\":\"/pbx/bench\","
                + "\"type\":\"call.offered\",\"time\":\"" + time + "\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"callId\":\"" + callId + "\",\"agentId\":\"" + agentId
                + "\",\"callerNumber\":\"+4930123456789\","
                + "\"callerName\":\"Bench Caller\",\"calledNumber\":\"+498001234567\",\"queue\":\"Sales\","
                + "\"customerContext\":{\"tier\":\"Gold\"},\"ringSeconds\":" + RING_SECONDS + "}}";
    }

    Stack stack() {
        return stack;
    }

    long outcomesRead() {
        return outcomes == null ? 0 : outcomes.received();
    }

    @Override
    public void close() {
        for (HubConnection c : javaClients) {
            try {
                c.stop().blockingAwait(5, TimeUnit.SECONDS);
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
        closeQuietly(clients);
        closeQuietly(outcomes);
        if (vertx != null) {
            vertx.close();
        }
        if (stack != null) {
            stack.close();
        }
        proxies.values().forEach(DelayProxy::close);
        if (proxyVertx != null) {
            proxyVertx.close();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort on the way out
            }
        }
    }

    /**
     * {@code BENCH_HOST_JVM_OPTS}: extra options for the three Functions host JVMs, split on spaces; {@code {app}} is
     * replaced by the app's name, e.g. {@code -XX:StartFlightRecording=filename=/tmp/{app}.jfr,settings=profile}, or
     * {@code -XX:TieredStopAtLevel=4} for the full JIT (the hosts run C1 only: within a bench's minutes C2's
     * compilations cost more CPU than they save, see RESULTS.md run 6).
     */
    static List<String> hostJvmOptionsFromEnv() {
        String opts = System.getenv("BENCH_HOST_JVM_OPTS");
        return opts == null || opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
    }
}
