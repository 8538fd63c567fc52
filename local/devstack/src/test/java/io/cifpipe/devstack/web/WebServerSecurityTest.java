package io.cifpipe.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.model.Names;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real web server refuses cross-site and non-JSON state changes before touching anything: a dead letter stays
 * in the DLQ and the SignalR restart hook is not called. Pages carry their CSP.
 */
class WebServerSecurityTest {
    static ServiceBusEmulator sb;
    static WebServer server;
    static Vertx vertx;
    static WebClient http;
    static final AtomicInteger restarts = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        sb = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .adminPort(0)
                .queue(QueueOptions.of("call-events"))
                .build();
        sb.start();
        ServiceBusClientBuilder clients = new ServiceBusClientBuilder().connectionString(sb.connectionString());
        try (var sender = clients.sender().queueName("call-events").buildClient();
                var receiver = clients.receiver().queueName("call-events").buildClient()) {
            ServiceBusMessage m = new ServiceBusMessage("{}");
            m.getApplicationProperties().put(Names.PROP_CALL_ID, "c-csrf");
            sender.sendMessage(m);
            for (int i = 0; i < 10; i++) {
                var got = receiver.receiveMessages(1, Duration.ofSeconds(2)).stream()
                        .toList();
                if (!got.isEmpty()) {
                    ServiceBusReceivedMessage r = got.get(0);
                    receiver.deadLetter(r, new DeadLetterOptions().setDeadLetterReason("PoisonMessage"));
                    break;
                }
            }
        }
        server = new WebServer(new WebServer.Wiring(
                0,
                Path.of("does-not-exist"),
                JsonObject::new,
                JsonObject::new,
                "http://127.0.0.1:1",
                "http://127.0.0.1:1",
                "k",
                null,
                new DeadLetters(sb.connectionString()),
                new OutcomeFeed(10),
                d -> restarts.incrementAndGet(),
                new OutcomeFeed(10)));
        server.start();
        vertx = Vertx.vertx();
        http = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.close();
        sb.close();
    }

    private HttpResponse<Buffer> post(
            String path, String host, String origin, String site, String contentType, String body) throws Exception {
        var req = http.post(server.port(), "127.0.0.1", path).putHeader("host", host);
        if (origin != null) req.putHeader("origin", origin);
        if (site != null) req.putHeader("sec-fetch-site", site);
        if (contentType != null) req.putHeader("content-type", contentType);
        return req.sendBuffer(Buffer.buffer(body))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    private String own() {
        return "localhost:" + server.port();
    }

    @Test
    void hostileRequestsAreRefusedAndChangeNothing() throws Exception {
        String replay = "{\"queue\":\"call-events\"}";
        var textPlain = post("/api/state/dlq/replay", own(), "http://127.0.0.1:1", "cross-site", "text/plain", replay);
        assertThat(textPlain.statusCode()).isEqualTo(403);
        assertThat(textPlain.getHeader("content-type")).isEqualTo("application/problem+json");
        var crossJson = post("/api/state/dlq/replay", own(), "http://evil.example", null, "application/json", replay);
        assertThat(crossJson.statusCode()).isEqualTo(403);
        assertThat(crossJson.bodyAsJsonObject().getString("detail")).contains("http://evil.example");
        var sameOriginText =
                post("/api/state/dlq/replay", own(), "http://" + own(), "same-origin", "text/plain", replay);
        assertThat(sameOriginText.statusCode()).isEqualTo(415);
        var rebinding = post(
                "/api/state/dlq/replay",
                "evil.example:" + server.port(),
                "http://evil.example:" + server.port(),
                "same-origin",
                "application/json",
                replay);
        assertThat(rebinding.statusCode()).isEqualTo(403);
        var restart = post(
                "/api/dev/signalr/restart",
                own(),
                "http://evil.example",
                "cross-site",
                "text/plain",
                "{\"downSeconds\":1}");
        assertThat(restart.statusCode()).isEqualTo(403);

        assertThat(restarts.get()).isZero();
        assertThat(new DeadLetters(sb.connectionString()).list("call-events", 10))
                .hasSize(1); // nothing replayed
        assertThat(sb.queueStats("call-events").active()).isZero();
    }

    @Test
    void sameOriginJsonIsServed() throws Exception {
        var ok = post(
                "/api/dev/signalr/restart",
                own(),
                "http://" + own(),
                "same-origin",
                "application/json",
                "{\"downSeconds\":0}");
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(restarts.get()).isEqualTo(1);
        restarts.set(0);
    }

    @Test
    void http2ClientsWithoutAHostHeaderAreJudgedByTheirAuthority() throws Exception {
        // java.net.http upgrades to h2c: later requests carry :authority, no Host header.
        var client = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            var r = client.send(
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://localhost:" + server.port() + "/ops.html"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("request %d over %s", i, r.version()).isEqualTo(200);
        }
    }

    @Test
    void pagesCarryTheirContentSecurityPolicy() throws Exception {
        var ops = http.get(server.port(), "127.0.0.1", "/ops.html")
                .putHeader("host", own())
                .send()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(ops.statusCode()).isEqualTo(200);
        assertThat(ops.getHeader("content-security-policy")).contains("frame-ancestors 'none'");
        assertThat(ops.getHeader("x-frame-options")).isEqualTo("DENY");
        var agent = http.get(server.port(), "127.0.0.1", "/agent.html")
                .putHeader("host", own())
                .send()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(agent.getHeader("content-security-policy")).contains("frame-ancestors 'self'");
    }
}
