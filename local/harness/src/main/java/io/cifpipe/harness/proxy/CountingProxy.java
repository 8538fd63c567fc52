package io.cifpipe.harness.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP pass-through proxy on 127.0.0.1 (ephemeral port) in front of one stand-in — Azurite's Table endpoint or
 * the SignalR emulator's REST API — that counts every request by {@link RequestClass} and can add a fixed delay to
 * each (to model a remote service's round trip). Counting on the wire, outside the code under test, makes "how
 * many round trips does a call cost" a measured figure rather than an estimate.
 *
 * <p>The delay is added before the request is forwarded, so the caller sees {@code delay + service time}. A target
 * that is down answers 502 (what a gateway says), so callers retry as they would on a refused connection. Table
 * shared-key signatures and SignalR token audiences do not cover the host and port, so the apps' requests pass
 * unchanged.
 */
public final class CountingProxy implements AutoCloseable {
    private final String name;
    private final RequestClass.Service service;
    private final int targetPort;
    private final Vertx vertx;
    private final HttpClient client;
    private final HttpServer server;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    /** Per class: summed nanoseconds from forwarding to the stand-in's full answer (the injected delay excluded). */
    private final Map<String, LongAdder> serviceNanos = new ConcurrentHashMap<>();

    private volatile long delayNanos;

    private CountingProxy(String name, RequestClass.Service service, int targetPort) {
        this.name = name;
        this.service = service;
        this.targetPort = targetPort;
        this.vertx = Vertx.vertx();
        // Many parallel requests (the apps' pools are larger than Vert.x's default of 5 per host).
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setConnectTimeout(5000)
                        .setIdleTimeout(60)
                        .setIdleTimeoutUnit(TimeUnit.SECONDS)
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(256));
        this.server = vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }

    /** Starts a proxy to {@code 127.0.0.1:targetPort}; {@code name} only labels reports. */
    public static CountingProxy start(String name, RequestClass.Service service, int targetPort) {
        return new CountingProxy(name, service, targetPort);
    }

    public String name() {
        return name;
    }

    public RequestClass.Service service() {
        return service;
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Adds {@code delay} to every request from now on (zero: none). */
    public void delay(Duration delay) {
        if (delay.isNegative()) throw new IllegalArgumentException("negative delay");
        delayNanos = delay.toNanos();
    }

    public Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    /** Requests so far by class (a copy, sorted by class name). */
    public Map<String, Long> counts() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Every request so far. */
    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Every request so far except table create/list (start-up housekeeping, not per-call work). */
    public long operations() {
        return counts.entrySet().stream()
                .filter(e -> !e.getKey().equals(RequestClass.TABLE_ADMIN))
                .mapToLong(e -> e.getValue().get())
                .sum();
    }

    /** The counts now minus {@code before} (classes with a zero difference left out). */
    public Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> diff = new TreeMap<>();
        counts().forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) diff.put(k, d);
        });
        return diff;
    }

    /**
     * Summed service time per class so far, in ns (a copy, sorted): from forwarding a request to the stand-in's full
     * answer as this proxy sees it (the injected delay excluded; the proxy's own forwarding included).
     */
    public Map<String, Long> serviceNanos() {
        Map<String, Long> m = new TreeMap<>();
        serviceNanos.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public void reset() {
        counts.clear();
        serviceNanos.clear();
    }

    private void handle(HttpServerRequest req) {
        String what = RequestClass.of(service, req.method().name(), req.uri(), req.getHeader(HttpHeaders.IF_MATCH));
        counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        req.body().onSuccess(body -> {
            long nanos = delayNanos;
            if (nanos <= 0) {
                forward(what, req, body);
            } else {
                vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)), t -> forward(what, req, body));
            }
        });
    }

    private void forward(String what, HttpServerRequest req, Buffer body) {
        long start = System.nanoTime();
        req.response()
                .endHandler(v ->
                        serviceNanos.computeIfAbsent(what, k -> new LongAdder()).add(System.nanoTime() - start));
        HttpForwarding.forward(client, targetPort, req, body);
    }

    @Override
    public void close() {
        vertx.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
    }

    @Override
    public String toString() {
        return "CountingProxy[" + name + " " + service + " :" + port() + " -> :" + targetPort + "]";
    }
}
