package io.cifpipe.harness;

import io.cifpipe.harness.proxy.HttpForwarding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP proxy between the SignalR emulator's upstream URL and presence's webhook: passes requests
 * through, delays them ({@link #slow}), answers 500 without calling presence ({@link #fail}) or stops listening so
 * the emulator's connections are refused ({@link #refuse}); {@link #heal} goes back to passing. Counts what it did
 * per upstream event (X-ASRS-Category/X-ASRS-Event), so a test can show which connected events and invocations the
 * outage hit. A proxy (not a switch in presence or the emulator) keeps both real and unchanged.
 */
public final class UpstreamProxy implements AutoCloseable {
    private enum Mode {
        PASS,
        SLOW,
        FAIL,
        REFUSE
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;
    private final int port;
    private final int targetPort;
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;
    private volatile HttpServer server;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Listens on {@code port} (loopback) and forwards to {@code 127.0.0.1:targetPort}. */
    public UpstreamProxy(int port, int targetPort) {
        this.port = port;
        this.targetPort = targetPort;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(5000)
                .setIdleTimeout(60)
                .setIdleTimeoutUnit(TimeUnit.SECONDS));
        listen();
    }

    public int port() {
        return port;
    }

    /** Every request waits {@code delay} before it is forwarded (presence runs it late; the answer is late too). */
    public synchronized void slow(Duration delay) {
        delayMillis = delay.toMillis();
        mode = Mode.SLOW;
        listen();
    }

    /** Every request is answered 500 without reaching presence (the Functions host's answer to a failed function). */
    public synchronized void fail() {
        mode = Mode.FAIL;
        listen();
    }

    /** Stops listening: the emulator gets "connection refused". */
    public synchronized void refuse() {
        mode = Mode.REFUSE;
        HttpServer s = server;
        server = null;
        if (s != null) s.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Back to passing every request through. */
    public synchronized void heal() {
        mode = Mode.PASS;
        listen();
    }

    /** What the proxy did, as "mode category/event" → count. */
    public Map<String, Integer> counts() {
        Map<String, Integer> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public int count(String what, String category, String event) {
        AtomicInteger c = counts.get(what + " " + category + "/" + event);
        return c == null ? 0 : c.get();
    }

    private synchronized void listen() {
        if (server != null) return;
        server = vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(port, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }

    private void handle(HttpServerRequest req) {
        String event = req.getHeader("X-ASRS-Category") + "/" + req.getHeader("X-ASRS-Event");
        req.body().onSuccess(body -> {
            Mode m = mode;
            counts.computeIfAbsent(m.name().toLowerCase() + " " + event, k -> new AtomicInteger())
                    .incrementAndGet();
            switch (m) {
                case FAIL -> req.response().setStatusCode(500).end();
                case SLOW -> vertx.setTimer(Math.max(1, delayMillis), t -> forward(req, body));
                default -> forward(req, body);
            }
        });
    }

    private void forward(HttpServerRequest req, Buffer body) {
        // presence unreachable (host restarting) is answered 502, what the Functions front end answers
        HttpForwarding.forward(client, targetPort, req, body);
    }

    @Override
    public void close() {
        Future<Void> f = vertx.close();
        f.toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
    }
}
