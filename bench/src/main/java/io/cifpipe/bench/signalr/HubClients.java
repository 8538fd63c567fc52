package io.cifpipe.bench.signalr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cifpipe.bench.core.Latency;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Many lightweight SignalR clients on a few Vert.x event loops: negotiate (when a token is given), WebSocket,
 * JSON hub protocol handshake, keep-alive pings, invocation callbacks and optional automatic reconnect.
 * Hand-written instead of the Java SignalR client because that client costs threads and megabytes per
 * connection (RxJava + OkHttp), which would make the load generator, not the server, the limit at 10k clients.
 */
public final class HubClients implements AutoCloseable {
    static final char RS = '\u001e';
    private static final String HANDSHAKE = "{\"protocol\":\"json\",\"version\":1}" + RS;
    private static final String PING = "{\"type\":6}" + RS;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives an invocation's target and arguments (on an event loop: keep it short). */
    @FunctionalInterface
    public interface InvocationHandler {
        void invoked(String userId, String target, JsonNode arguments);
    }

    /**
     * How to reach the server: SignalR emulator (negotiate + token) or the bare server ({@code /ws?user=}).
     * {@code clientToken}, when set, fetches the SignalR client token asynchronously (e.g. the agent's negotiate
     * through the presence function app) instead of {@code tokenForUser}.
     */
    public record Target(
            int port, String hub, Function<String, String> tokenForUser, Function<String, Future<String>> clientToken) {
        public Target(int port, String hub, Function<String, String> tokenForUser) {
            this(port, hub, tokenForUser, null);
        }

        /** Client tokens come from {@code clientToken} (called again on every reconnect). */
        public static Target viaNegotiate(int port, String hub, Function<String, Future<String>> clientToken) {
            return new Target(port, hub, null, clientToken);
        }

        static Target bare(int port) {
            return new Target(port, null, null, null);
        }

        boolean isBare() {
            return tokenForUser == null && clientToken == null;
        }

        Future<String> tokenFor(String userId) {
            return clientToken != null ? clientToken.apply(userId) : Future.succeededFuture(tokenForUser.apply(userId));
        }
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final WebSocketClient ws;
    private final Target target;
    private final InvocationHandler handler;
    private final Map<String, WebSocket> open = new ConcurrentHashMap<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong invocations = new AtomicLong();
    /** Latest open socket per user and outstanding client→server invocations (for {@link #invoke}). */
    private final Map<String, WebSocket> byUser = new ConcurrentHashMap<>();

    private final Map<String, io.vertx.core.Promise<JsonNode>> pendingInvocations = new ConcurrentHashMap<>();
    private final AtomicLong invocationIds = new AtomicLong();
    private volatile boolean reconnect;
    /** Delay before reconnect attempt n (0-based) of one client; default 150-350 ms whatever n. */
    private volatile java.util.function.IntToLongFunction reconnectDelay =
            n -> 150 + ThreadLocalRandom.current().nextInt(200);

    private volatile boolean closing;

    public HubClients(Target target, InvocationHandler handler, int eventLoops) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setMaxPoolSize(256)
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(target.port())
                .setConnectTimeout(10_000));
        this.ws = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(Integer.MAX_VALUE)
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(target.port())
                .setConnectTimeout(10_000));
        this.target = target;
        this.handler = handler;
        vertx.setPeriodic(10_000, id -> open.values().forEach(s -> s.writeTextMessage(PING)));
    }

    public Vertx vertx() {
        return vertx;
    }

    /** After a server-side close or failure, reconnect (negotiate again) every ~250 ms with jitter until it works. */
    public HubClients reconnectAutomatically(boolean enabled) {
        this.reconnect = enabled;
        return this;
    }

    public int connected() {
        return connected.get();
    }

    public long connectFailures() {
        return connectFailures.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    public long invocations() {
        return invocations.get();
    }

    /**
     * Connects {@code users} with at most {@code inFlight} connects open at once (a login storm that all started at
     * {@code t0}), recording time since {@code t0} and each connect's own time for the successful ones; waits (bounded)
     * until every connect finished. Fails when no connect finishes for 2 minutes.
     */
    public void connectStorm(List<String> users, int inFlight, long t0, Latency sinceStart, Latency each)
            throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        List<Future<Void>> futures = new ArrayList<>(users.size());
        for (String u : users) {
            if (!permits.tryAcquire(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("no connect finished for 2 minutes");
            }
            long started = System.nanoTime();
            Future<Void> f = connect(u);
            f.onComplete(r -> {
                permits.release();
                if (r.succeeded()) {
                    sinceStart.recordSince(t0);
                    each.recordSince(started);
                }
            });
            futures.add(f);
        }
        Future.join(new ArrayList<>(futures))
                .toCompletionStage()
                .toCompletableFuture()
                .handle((v, e) -> null)
                .get(5, TimeUnit.MINUTES);
    }

    /** One full connect (negotiate, WebSocket, handshake); completes when the server's handshake reply arrived. */
    public Future<Void> connect(String userId) {
        Future<String> path;
        if (target.isBare()) {
            path = Future.succeededFuture("/ws?user=" + userId);
        } else {
            String[] token = new String[1];
            path = target.tokenFor(userId)
                    .compose(t -> {
                        token[0] = t;
                        return http.request(new RequestOptions()
                                .setMethod(HttpMethod.POST)
                                .setURI("/client/negotiate?hub=" + target.hub() + "&negotiateVersion=1")
                                .putHeader("Authorization", "Bearer " + t));
                    })
                    .compose(req -> req.send())
                    .compose(resp -> resp.statusCode() == 200
                            ? resp.body()
                            : Future.failedFuture("negotiate " + resp.statusCode()))
                    .map(body -> {
                        try {
                            return "/client/?hub=" + target.hub() + "&id="
                                    + JSON.readTree(body.getBytes())
                                            .get("connectionToken")
                                            .asText() + "&access_token=" + token[0];
                        } catch (Exception e) {
                            throw new IllegalStateException("bad negotiate response", e);
                        }
                    });
        }
        return path.compose(uri -> ws.connect(new WebSocketConnectOptions().setURI(uri)))
                .compose(socket -> handshake(userId, socket))
                .onFailure(e -> connectFailures.incrementAndGet());
    }

    private Future<Void> handshake(String userId, WebSocket socket) {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        String key = userId + "#" + System.identityHashCode(socket);
        socket.textMessageHandler(text -> {
            int start = 0;
            for (int end = text.indexOf(RS); end >= 0; start = end + 1, end = text.indexOf(RS, start)) {
                String record = text.substring(start, end);
                if (!done.future().isComplete()) {
                    if (record.equals("{}")) {
                        open.put(key, socket);
                        byUser.put(userId, socket);
                        connected.incrementAndGet();
                        done.complete();
                    } else {
                        done.fail("handshake refused: " + record);
                    }
                    continue;
                }
                onRecord(userId, record);
            }
        });
        socket.closeHandler(v -> {
            if (open.remove(key) != null) {
                connected.decrementAndGet();
            }
            byUser.remove(userId, socket);
            done.tryFail("closed during handshake");
            if (reconnect && !closing) {
                scheduleReconnect(userId, 0);
            }
        });
        socket.exceptionHandler(e -> {});
        socket.writeTextMessage(HANDSHAKE);
        return done.future();
    }

    /** Replaces the reconnect delays, e.g. the agent panel's capped exponential back-off with jitter. */
    public HubClients reconnectDelays(java.util.function.IntToLongFunction delayForAttempt) {
        this.reconnectDelay = delayForAttempt;
        return this;
    }

    private void scheduleReconnect(String userId, int attempt) {
        vertx.setTimer(Math.max(1, reconnectDelay.applyAsLong(attempt)), id -> {
            if (closing) {
                return;
            }
            connect(userId).onSuccess(v -> reconnects.incrementAndGet()).onFailure(e -> {
                if (reconnect && !closing) {
                    scheduleReconnect(userId, attempt + 1);
                }
            });
        });
    }

    private void onRecord(String userId, String record) {
        if (record.startsWith("{\"type\":3")) {
            onCompletion(record);
            return;
        }
        // Cheap dispatch on the type field; only invocations (type 1) are parsed.
        if (record.startsWith("{\"type\":6") || !record.contains("\"type\":1")) {
            return;
        }
        invocations.incrementAndGet();
        try {
            JsonNode node = JSON.readTree(record);
            handler.invoked(userId, node.path("target").asText(), node.path("arguments"));
        } catch (Exception e) {
            // a malformed frame would be a server bug; counted by the caller through missing receipts
        }
    }

    private void onCompletion(String record) {
        try {
            JsonNode node = JSON.readTree(record);
            io.vertx.core.Promise<JsonNode> p =
                    pendingInvocations.remove(node.path("invocationId").asText());
            if (p != null) {
                if (node.hasNonNull("error")) {
                    p.fail(node.get("error").asText());
                } else {
                    p.complete(node.path("result"));
                }
            }
        } catch (Exception e) {
            // malformed completion: the invocation stays pending and the caller's timeout counts it
        }
    }

    /**
     * Invokes hub method {@code target} as {@code userId}'s latest connection (JSON hub protocol, type 1 with an
     * invocation id); completes with the Completion's {@code result}, fails with its {@code error}.
     */
    public Future<JsonNode> invoke(String userId, String target, Object... arguments) {
        WebSocket socket = byUser.get(userId);
        if (socket == null) {
            return Future.failedFuture("not connected: " + userId);
        }
        String id = Long.toString(invocationIds.incrementAndGet());
        io.vertx.core.Promise<JsonNode> done = io.vertx.core.Promise.promise();
        pendingInvocations.put(id, done);
        try {
            String frame = JSON.writeValueAsString(
                            Map.of("type", 1, "invocationId", id, "target", target, "arguments", List.of(arguments)))
                    + RS;
            socket.writeTextMessage(frame).onFailure(e -> {
                if (pendingInvocations.remove(id) != null) {
                    done.tryFail(e);
                }
            });
        } catch (Exception e) {
            pendingInvocations.remove(id);
            return Future.failedFuture(e);
        }
        return done.future();
    }

    /** Connects users with at most {@code inFlight} connects outstanding; returns per-user connect futures. */
    public List<Future<Void>> connectAll(List<String> users, int inFlight) {
        List<Future<Void>> all = new ArrayList<>(users.size());
        java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(inFlight);
        for (String user : users) {
            permits.acquireUninterruptibly();
            Future<Void> f = connect(user);
            f.onComplete(r -> permits.release());
            all.add(f);
        }
        return all;
    }

    @Override
    public void close() throws Exception {
        closing = true;
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
