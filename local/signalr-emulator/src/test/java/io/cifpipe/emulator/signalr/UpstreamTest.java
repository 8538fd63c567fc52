package io.cifpipe.emulator.signalr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.testsupport.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Upstream routing by template rules, retry policy, and mapping of upstream replies to completions. */
class UpstreamTest {
    static Vertx vertx;
    static HttpServer upstream;
    static final BlockingQueue<String> paths = new LinkedBlockingQueue<>();
    static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    static final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    req.headers().forEach(h -> lastHeaders.put(h.getKey().toLowerCase(), h.getValue()));
                    paths.add(req.path());
                    String event = req.getHeader("X-ASRS-Event");
                    int attempt = attempts.computeIfAbsent(event, k -> new AtomicInteger())
                            .incrementAndGet();
                    String text = body.toString(StandardCharsets.UTF_8);
                    String id = null;
                    try {
                        JsonNode node = Json.MAPPER.readTree(text.replace("\u001e", ""));
                        id = node.path("invocationId").isTextual()
                                ? node.get("invocationId").asText()
                                : null;
                    } catch (Exception ignored) {
                        // connection events
                    }
                    switch (event) {
                        case "flaky" -> {
                            if (attempt == 1) {
                                req.response().setStatusCode(503).end();
                            } else {
                                req.response()
                                        .end(Json.record(Json.object()
                                                .put("type", 3)
                                                .put("invocationId", id)
                                                .put("result", "second try")));
                            }
                        }
                        case "boom" -> req.response().setStatusCode(500).end();
                        case "garbage" -> req.response().end("hello");
                        case "errors" ->
                            req.response()
                                    .end(Json.record(Json.object()
                                            .put("type", 3)
                                            .put("invocationId", id)
                                            .put("error", "not yours")));
                        default -> req.response().end();
                    }
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static JsonNode invoke(RawClient c, String id, String target) throws Exception {
        c.sendText("{\"type\":1,\"invocationId\":\"" + id + "\",\"target\":\"" + target
                + "\",\"arguments\":[\"a\"]}\u001e");
        JsonNode completion = c.nextNonPing();
        assertThat(completion.get("type").asInt()).isEqualTo(3);
        assertThat(completion.get("invocationId").asText()).isEqualTo(id);
        return completion;
    }

    @Test
    void templatesRouteByRuleAndRepliesBecomeCompletions() throws Exception {
        String base = "http://127.0.0.1:" + upstream.actualPort();
        try (SignalREmulator emulator = SignalREmulator.builder()
                        .port(0)
                        .upstream(new UpstreamTemplate(
                                base + "/hub/{hub}/{category}/{event}",
                                "*",
                                "messages",
                                "flaky,boom,garbage,errors,Plain Target"))
                        .upstreamTemplate(base + "/events/{category}/{event}")
                        .upstreamRetry(3, Duration.ofMillis(50))
                        .build()
                        .start();
                RawClient c = RawClient.connected(vertx, emulator, "Chat", "u1")) {
            assertThat(poll()).isEqualTo("/events/connections/connected");
            assertThat(lastHeaders.get("x-asrs-hub")).isEqualTo("chat");
            assertThat(lastHeaders.get("x-asrs-user-id")).isEqualTo("u1");
            assertThat(lastHeaders.get("x-asrs-signature"))
                    .isEqualTo(UpstreamSignature.of(SignalREmulator.DEFAULT_ACCESS_KEY, c.connectionId));

            // 503 is retried; the second answer is forwarded
            assertThat(invoke(c, "1", "flaky").get("result").asText()).isEqualTo("second try");
            assertThat(attempts.get("flaky").get()).isEqualTo(2);
            assertThat(poll()).isEqualTo("/hub/chat/messages/flaky");
            assertThat(poll()).isEqualTo("/hub/chat/messages/flaky");

            // 500 means the function ran and failed: not retried
            assertThat(invoke(c, "2", "boom").get("error").asText()).isEqualTo("Invocation failed, status code 500");
            assertThat(attempts.get("boom").get()).isEqualTo(1);
            assertThat(poll()).isEqualTo("/hub/chat/messages/boom");

            assertThat(invoke(c, "3", "garbage").get("error").asText()).contains("not a Completion");
            assertThat(poll()).isEqualTo("/hub/chat/messages/garbage");
            assertThat(invoke(c, "4", "errors").get("error").asText()).isEqualTo("not yours");
            assertThat(poll()).isEqualTo("/hub/chat/messages/errors");
            assertThat(invoke(c, "5", "Plain Target").has("error")).isFalse();
            assertThat(poll()).isEqualTo("/hub/chat/messages/Plain%20Target");
            // other events fall through to the catch-all item
            assertThat(invoke(c, "6", "other").has("result")).isFalse();
            assertThat(poll()).isEqualTo("/events/messages/other");
            c.close();
            assertThat(poll()).isEqualTo("/events/connections/disconnected");
        }
    }

    @Test
    void managedIdentityTemplatesSendABearerTokenForTheirResource() throws Exception {
        String base = "http://127.0.0.1:" + upstream.actualPort();
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SignalREmulator emulator = SignalREmulator.builder()
                        .port(0)
                        .upstream(UpstreamTemplate.of(base + "/mi/{category}/{event}")
                                .withManagedIdentity("api://presence-api"))
                        .upstreamTokenSource(resource -> {
                            asked.add(resource);
                            return "token-for-" + resource;
                        })
                        .build()
                        .start();
                RawClient c = RawClient.connected(vertx, emulator, "Chat", "u2")) {
            assertThat(poll()).isEqualTo("/mi/connections/connected");
            assertThat(lastHeaders.get("authorization")).isEqualTo("Bearer token-for-api://presence-api");
            // the signature is sent as well, as Azure does
            assertThat(lastHeaders.get("x-asrs-signature"))
                    .isEqualTo(UpstreamSignature.of(SignalREmulator.DEFAULT_ACCESS_KEY, c.connectionId));
            assertThat(invoke(c, "1", "errors").get("error").asText()).isEqualTo("not yours");
            assertThat(poll()).isEqualTo("/mi/messages/errors");
            assertThat(asked).containsOnly("api://presence-api");
            c.close();
            assertThat(poll()).isEqualTo("/mi/connections/disconnected");
        }
        // no token, no call: the invocation fails instead of reaching the upstream unauthenticated
        try (SignalREmulator emulator = SignalREmulator.builder()
                        .port(0)
                        .upstream(new UpstreamTemplate(base + "/mi/{category}/{event}", "*", "messages", "*")
                                .withManagedIdentity("api://x"))
                        .upstreamTokenSource(resource -> {
                            throw new IllegalStateException("identity endpoint down");
                        })
                        .build()
                        .start();
                RawClient c = RawClient.connected(vertx, emulator, "Chat", "u3")) {
            assertThat(invoke(c, "2", "errors").get("error").asText()).contains("managed identity token unavailable");
        }
    }

    /** A loopback port nobody listens on. */
    private static int closedPort() {
        return FreePorts.free();
    }

    @Test
    void unreachableUpstreamIsRetriedThenReportedWithoutHurtingTheConnection() throws Exception {
        int closedPort = closedPort();
        // only invocations are routed upstream here, so the connection itself needs no connected event
        try (SignalREmulator emulator = SignalREmulator.builder()
                        .port(0)
                        .upstream(new UpstreamTemplate(
                                "http://127.0.0.1:" + closedPort + "/runtime/webhooks/signalr", "*", "messages", "*"))
                        .upstreamRetry(2, Duration.ofMillis(20))
                        .build()
                        .start();
                RawClient c = RawClient.connected(vertx, emulator, "chat", "u1")) {
            assertThat(invoke(c, "1", "decide").get("error").asText())
                    .isEqualTo("Invocation failed, upstream unreachable");
            assertThat(invoke(c, "2", "decide").get("error").asText())
                    .isEqualTo("Invocation failed, upstream unreachable");
            assertThat(new Rest(emulator)
                            .call("HEAD", "/api/hubs/chat/connections/" + c.connectionId, null)
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aConnectionWhoseConnectedEventCouldNotBeDeliveredIsClosedForAReconnect() throws Exception {
        int closedPort = closedPort();
        try (SignalREmulator emulator = SignalREmulator.builder()
                        .port(0)
                        .upstreamTemplate("http://127.0.0.1:" + closedPort + "/runtime/webhooks/signalr")
                        .upstreamRetry(2, Duration.ofMillis(20))
                        .build()
                        .start();
                RawClient c = RawClient.connected(vertx, emulator, "chat", "u1")) {
            JsonNode close = c.nextNonPing();
            assertThat(close.get("type").asInt()).isEqualTo(7);
            assertThat(close.path("allowReconnect").asBoolean()).isTrue();
            assertThat(close.path("error").asText()).contains("reconnect");
        }
    }

    @Test
    void connectedAnswersThatLeaveTheAppUnawareCloseTheConnection() {
        assertThat(List.of(500, 502, 503, 403)).allMatch(ClientConnection::refusesConnection);
        assertThat(List.of(200, 204, 404, 401)).noneMatch(ClientConnection::refusesConnection);
    }

    @Test
    void templateExpansionAndRules() {
        UpstreamTemplate t = new UpstreamTemplate("http://h/{hub}/api/{category}/{event}?x=1", "chat, ops", "*", "*");
        assertThat(t.matches("CHAT", "messages", "x")).isTrue();
        assertThat(t.matches("other", "messages", "x")).isFalse();
        assertThat(t.expand("chat", "messages", "a/b c")).isEqualTo("http://h/chat/api/messages/a%2Fb%20c?x=1");
        assertThat(UpstreamTemplate.of("http://h/w").matches("any", "connections", "connected"))
                .isTrue();
        assertThat(List.of("connected", "disconnected"))
                .allMatch(e -> new UpstreamTemplate("http://h", "*", "connections", "connected,disconnected")
                        .matches("h", "connections", e));
    }

    private static String poll() throws InterruptedException {
        String p = paths.poll(10, TimeUnit.SECONDS);
        assertThat(p).as("upstream request").isNotNull();
        return p;
    }
}
