package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in Functions app for tests: a negotiate endpoint returning {url, accessToken} (user from the
 * {@code x-test-user} header) and the SignalR webhook, which checks {@code X-ASRS-Signature} like the extension and
 * answers invocations: {@code echo} returns its first argument, {@code fail} answers 500, anything else 200 empty.
 */
final class TestFunctionsApp implements AutoCloseable {
    record Received(
            String category,
            String event,
            String connectionId,
            String userId,
            String hub,
            Map<String, String> headers,
            String body,
            boolean signatureValid) {}

    static final String WEBHOOK_CODE = "test-extension-key";
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final String accessKey;
    volatile SignalREmulator emulator;
    volatile String hub = "chat";

    TestFunctionsApp(String accessKey) throws Exception {
        this.accessKey = accessKey;
        server = vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    String webhookTemplate() {
        return baseUrl() + "/runtime/webhooks/signalr?code=" + WEBHOOK_CODE;
    }

    Received next(Duration timeout) throws InterruptedException {
        Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no upstream request within " + timeout);
        }
        return r;
    }

    /** Next upstream request of the given category/event (others are skipped), within the timeout. */
    Received next(String category, String event, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Received r = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no upstream " + category + "/" + event + " within " + timeout);
            }
            if (r.category().equals(category) && r.event().equals(event)) {
                return r;
            }
        }
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(buffer -> {
            String path = request.path();
            if (path.equals("/api/negotiate")) {
                String user = request.getHeader("x-test-user");
                String token =
                        emulator.accessTokens().mintClientToken("http://127.0.0.1", hub, user, Duration.ofHours(1));
                request.response()
                        .putHeader("Content-Type", "application/json")
                        .end(new JsonObject()
                                .put("url", emulator.clientUrl(hub))
                                .put("accessToken", token)
                                .encode());
                return;
            }
            if (!path.equals("/runtime/webhooks/signalr") || !WEBHOOK_CODE.equals(request.getParam("code"))) {
                request.response().setStatusCode(404).end();
                return;
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
            String connectionId = request.getHeader("X-ASRS-Connection-Id");
            boolean valid = UpstreamSignature.verify(request.getHeader("X-ASRS-Signature"), accessKey, connectionId);
            String body = buffer.toString(StandardCharsets.UTF_8);
            String event = request.getHeader("X-ASRS-Event");
            received.add(new Received(
                    request.getHeader("X-ASRS-Category"),
                    event,
                    connectionId,
                    request.getHeader("X-ASRS-User-Id"),
                    request.getHeader("X-ASRS-Hub"),
                    headers,
                    body,
                    valid));
            if (!valid) {
                request.response().setStatusCode(401).end();
                return;
            }
            if (!"messages".equals(request.getHeader("X-ASRS-Category"))) {
                request.response().end();
                return;
            }
            try {
                JsonNode invocation = Json.MAPPER.readTree(body.substring(0, body.indexOf(Json.RS)));
                JsonNode id = invocation.get("invocationId");
                if ("fail".equals(event)) {
                    request.response().setStatusCode(500).end();
                } else if ("echo".equals(event) && id != null) {
                    String completion = Json.record(Json.object()
                            .put("type", 3)
                            .put("invocationId", id.asText())
                            .set("result", invocation.get("arguments").get(0)));
                    request.response()
                            .putHeader("Content-Type", "application/json")
                            .end(completion);
                } else {
                    request.response().end();
                }
            } catch (Exception e) {
                request.response().setStatusCode(400).end();
            }
        });
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
