package io.cifpipe.bench.signalr;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.bench.core.Latencies;
import io.cifpipe.bench.core.Latency;
import io.cifpipe.bench.core.OpenLoop;
import io.cifpipe.bench.core.Progress;
import io.cifpipe.bench.core.ScenarioResult;
import io.cifpipe.emulator.signalr.AccessTokens;
import io.cifpipe.emulator.signalr.SignalREmulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * REST send-to-user → client receipt through the SignalR emulator, at a fixed rate spread over many users, and
 * the same load through a bare Vert.x WebSocket server (the floor) to the same kind of clients, in the same run.
 */
public final class PushScenario {
    public record Options(int users, double rate, Duration duration, Duration warmup, String serverHeap) {}

    private static final String HUB = ConnectionsScenario.HUB;
    private final Options options;
    private final PrintStream progress;

    public PushScenario(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Where and how a push is requested: path for a user and the Authorization header (or null). */
    private interface Sender {
        String path(String user);

        String authorization();
    }

    public ScenarioResult run() throws Exception {
        ScenarioResult result = new ScenarioResult(
                "push",
                String.format(
                        "REST send-to-user → WebSocket receipt, %d users, %.0f/s: SignalR emulator vs bare Vert.x WebSocket push",
                        options.users(), options.rate()));
        result.parameter("users", options.users())
                .parameter("rate", options.rate())
                .parameter("duration", options.duration().toString())
                .parameter("warmup", options.warmup().toString())
                .parameter("serverHeap", options.serverHeap());
        List<String> users = new ArrayList<>();
        for (int i = 0; i < options.users(); i++) {
            users.add("agent-" + i);
        }
        try (ServerHandle emulator = ServerHandle.start("signalr", 0, options.serverHeap())) {
            AccessTokens tokens = new AccessTokens(SignalREmulator.DEFAULT_ACCESS_KEY);
            String endpoint = "http://127.0.0.1:" + emulator.port();
            // One server token for the hub: the emulator (like Azure) accepts an audience that is a hub-URL prefix.
            String serverToken = "Bearer " + tokens.mintServerToken(endpoint + "/api/hubs/" + HUB, Duration.ofHours(2));
            HubClients.Target target = new HubClients.Target(
                    emulator.port(), HUB, user -> tokens.mintClientToken(endpoint, HUB, user, Duration.ofHours(2)));
            phase(
                    "emulator",
                    "SignalR emulator",
                    target,
                    emulator.port(),
                    new Sender() {
                        @Override
                        public String path(String user) {
                            return "/api/hubs/" + HUB + "/users/" + user + "/:send?api-version=2022-06-01";
                        }

                        @Override
                        public String authorization() {
                            return serverToken;
                        }
                    },
                    users,
                    result);
        }
        try (ServerHandle bare = ServerHandle.start("bare", 0, options.serverHeap())) {
            phase(
                    "bare",
                    "bare Vert.x WebSocket (floor)",
                    HubClients.Target.bare(bare.port()),
                    bare.port(),
                    new Sender() {
                        @Override
                        public String path(String user) {
                            return "/push/" + user;
                        }

                        @Override
                        public String authorization() {
                            return null;
                        }
                    },
                    users,
                    result);
        }
        Latencies.ratio(result, "SignalR emulator", "bare Vert.x WebSocket (floor)");
        result.note(
                "Each server runs alone in its own JVM (one after the other); the load generator and the clients share"
                        + " the bench JVM. Latency is from the intended send time of the REST call to the client's parse of the frame.");
        return result;
    }

    private void phase(
            String tag,
            String label,
            HubClients.Target target,
            int port,
            Sender sender,
            List<String> users,
            ScenarioResult result)
            throws Exception {
        AtomicReference<Latency> current = new AtomicReference<>(new Latency("warmup"));
        AtomicLong received = new AtomicLong();
        // Each push carries its phase (0 warm-up, 1 measured): late warm-up frames are not counted as measured.
        java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
        try (HubClients clients = new HubClients(
                target,
                (user, t, args) -> {
                    JsonNode push = args.path(0);
                    if (push.path("p").asInt() == phase.get()) {
                        current.get().recordSince(push.path("t").asLong());
                        received.incrementAndGet();
                    }
                },
                1)) {
            progress.printf("push: connecting %d clients to the %s%n", users.size(), label);
            Future.join(new ArrayList<>(clients.connectAll(users, 256)))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .handle((v, e) -> null)
                    .get(5, TimeUnit.MINUTES);
            if (clients.connected() < users.size()) {
                result.note(label + ": only " + clients.connected() + " of " + users.size() + " clients connected");
            }
            Vertx vertx = Vertx.vertx();
            HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(port)
                    .setMaxPoolSize(32)
                    .setKeepAlive(true));
            AtomicLong accepted = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicReference<String> firstFailure = new AtomicReference<>();
            OpenLoop.Op push = (seq, intended) -> {
                String user = users.get((int) (seq % users.size()));
                Buffer body =
                        Buffer.buffer("{\"target\":\"notify\",\"arguments\":[{\"p\":" + phase.get() + ",\"seq\":" + seq
                                + ",\"t\":" + intended
                                + ",\"callerName\":\"Bench Caller\",\"queue\":\"sales\"}]}");
                RequestOptions req = new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI(sender.path(user))
                        .putHeader("Content-Type", "application/json");
                if (sender.authorization() != null) {
                    req.putHeader("Authorization", sender.authorization());
                }
                int sentInPhase = phase.get();
                http.request(req).compose(r -> r.send(body)).onComplete(ar -> {
                    if (sentInPhase != phase.get()) {
                        return; // a late warm-up answer
                    }
                    if (ar.succeeded() && ar.result().statusCode() == 202) {
                        accepted.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(
                                null, ar.succeeded() ? "HTTP " + ar.result().statusCode() : String.valueOf(ar.cause()));
                    }
                });
            };
            try {
                if (!options.warmup().isZero()) {
                    progress.printf("push: %s warm-up %s%n", label, options.warmup());
                    OpenLoop.run(options.rate(), options.warmup(), push, () -> false);
                    Thread.sleep(500);
                }
                Latency latency = new Latency(label);
                current.set(latency);
                phase.set(1);
                long recBase = received.get();
                long accBase = accepted.get();
                long failBase = failed.get();
                progress.printf("push: %s at %.0f/s for %s%n", label, options.rate(), options.duration());
                long fired;
                try (Progress p = new Progress(
                        "push " + tag,
                        () -> String.format(
                                "accepted %d received %d failed %d",
                                accepted.get() - accBase, received.get() - recBase, failed.get() - failBase),
                        progress)) {
                    fired = OpenLoop.run(options.rate(), options.duration(), push, () -> false);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (received.get() - recBase < fired
                            && failed.get() - failBase == 0
                            && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                }
                result.latency("send-to-user → client receipt", label, latency.snapshot());
                result.figure(label + " pushes sent", fired, "count");
                result.figure(label + " REST 202", accepted.get() - accBase, "count");
                result.figure(label + " REST failures", failed.get() - failBase, "count");
                result.figure(label + " received by clients", received.get() - recBase, "count");
                if (firstFailure.get() != null) {
                    result.note(label + " first failure: " + firstFailure.get());
                }
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
