package io.cifpipe.emulator.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hub protocol details and bad input: every violation closes only the offending connection, with a reason. */
class ProtocolTest {
    static Vertx vertx;
    static SignalREmulator emulator;
    static Rest rest;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        emulator = SignalREmulator.builder()
                .port(0)
                .maxMessageSize(4000)
                .maxMessagesPerSecond(50)
                .build()
                .start();
        rest = new Rest(emulator);
    }

    @AfterAll
    static void stop() throws Exception {
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** An emulator with short timers, for the timing tests only (so slow CI cannot trip the other tests). */
    private static SignalREmulator fastTimers() {
        return SignalREmulator.builder()
                .port(0)
                .keepAliveInterval(Duration.ofMillis(300))
                .clientTimeout(Duration.ofSeconds(2))
                .handshakeTimeout(Duration.ofMillis(600))
                .build()
                .start();
    }

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void handshakeThenKeepAlivePingsAndClientPingsKeepTheConnectionAlive() throws Exception {
        try (SignalREmulator emulator = fastTimers();
                RawClient c = RawClient.connected(vertx, emulator, "chat", "pinger")) {
            assertThat(json(c.next()).get("type").asInt()).isEqualTo(6);
            // keep pinging for longer than the 2 s client timeout: the connection stays open
            for (int i = 0; i < 10; i++) {
                c.sendText("{\"type\":6}\u001e");
                Thread.sleep(300); // the client's own ping cadence, not synchronisation
            }
            assertThat(c.closed).isNotDone();
            assertThat(new Rest(emulator)
                            .call("HEAD", "/api/hubs/chat/connections/" + c.connectionId, null)
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void silentClientIsClosedAfterTheClientTimeout() throws Exception {
        try (SignalREmulator emulator = fastTimers();
                RawClient c = RawClient.connected(vertx, emulator, "chat", "silent")) {
            JsonNode close = c.nextNonPing();
            assertThat(close.get("type").asInt()).isEqualTo(7);
            assertThat(close.get("error").asText()).contains("Server timeout");
            c.awaitClosed();
        }
    }

    @Test
    void handshakeErrors() throws Exception {
        try (RawClient c = RawClient.open(vertx, emulator, "chat", "u")) {
            c.sendText("{bad\u001e");
            assertThat(json(c.next()).get("error").asText()).contains("not valid JSON");
            c.awaitClosed();
        }
        try (RawClient c = RawClient.open(vertx, emulator, "chat", "u")) {
            c.sendText("{\"protocol\":\"messagepack\",\"version\":1}\u001e");
            assertThat(json(c.next()).get("error").asText()).contains("'messagepack' is not supported");
            c.awaitClosed();
        }
        try (SignalREmulator emulator = fastTimers();
                RawClient c = RawClient.open(vertx, emulator, "chat", "u")) {
            assertThat(json(c.next()).get("error").asText()).contains("Handshake was not received");
            c.awaitClosed();
        }
        // the Java client sends binary frames: accepted
        try (RawClient c = RawClient.open(vertx, emulator, "chat", "u")) {
            c.sendBinary("{\"protocol\":\"json\",\"version\":1}\u001e");
            assertThat(c.next()).isEqualTo("{}");
        }
    }

    @Test
    void badMessagesCloseOnlyThatConnection() throws Exception {
        try (RawClient bystander = RawClient.connected(vertx, emulator, "chat", "bystander")) {
            String[][] cases = {
                {"{\"type\":42}\u001e", "Unknown message type 42"},
                {"not json\u001e", "not valid JSON"},
                {"[1,2]\u001e", "integer 'type'"},
                {"{\"type\":1,\"arguments\":[]}\u001e", "'target'"},
                {"{\"type\":1,\"target\":\"x\",\"arguments\":[],\"invocationId\":5}\u001e", "'invocationId'"},
                {"{\"type\":2,\"invocationId\":\"1\",\"item\":1}\u001e", "streaming is not supported"},
                {"{\"type\":1,\"target\":\"x\",\"arguments\":[\"" + "y".repeat(5000) + "\"]}\u001e", "maximum size"},
                {"{\"type\":6}\u001e".repeat(60), "Too many messages"},
            };
            for (String[] c : cases) {
                try (RawClient offender = RawClient.connected(vertx, emulator, "chat", "offender")) {
                    offender.sendText(c[0]);
                    JsonNode close = offender.nextNonPing();
                    assertThat(close.get("type").asInt()).as(c[1]).isEqualTo(7);
                    assertThat(close.get("error").asText()).contains(c[1]);
                    assertThat(close.has("allowReconnect")).isFalse();
                    offender.awaitClosed();
                }
            }
            bystander.sendText("{\"type\":6}\u001e");
            assertThat(rest.call(
                                    "POST",
                                    "/api/hubs/chat/users/bystander/:send",
                                    "{\"target\":\"notify\",\"arguments\":[1]}")
                            .statusCode())
                    .isEqualTo(202);
            JsonNode message = bystander.nextNonPing();
            assertThat(message.get("type").asInt()).isEqualTo(1);
            assertThat(message.get("target").asText()).isEqualTo("notify");
            assertThat(message.has("invocationId")).isFalse();
            assertThat(message.has("headers")).isFalse();
        }
    }

    @Test
    void invocationsWithoutUpstreamOrAsStreamsCompleteWithAnError() throws Exception {
        try (RawClient c = RawClient.connected(vertx, emulator, "chat", "u")) {
            c.sendText("{\"type\":1,\"invocationId\":\"7\",\"target\":\"decide\",\"arguments\":[]}\u001e");
            JsonNode completion = c.nextNonPing();
            assertThat(completion.get("type").asInt()).isEqualTo(3);
            assertThat(completion.get("invocationId").asText()).isEqualTo("7");
            assertThat(completion.get("error").asText()).contains("No upstream is configured");
            c.sendText("{\"type\":4,\"invocationId\":\"8\",\"target\":\"s\",\"arguments\":[]}\u001e");
            JsonNode stream = c.nextNonPing();
            assertThat(stream.get("invocationId").asText()).isEqualTo("8");
            assertThat(stream.get("error").asText()).contains("Stream invocations are not supported");
            // several records in one frame, and a record split across frames
            c.sendText("{\"type\":6}\u001e{\"type\":1,\"invocationId\":\"9\",");
            c.sendText("\"target\":\"x\",\"arguments\":[]}\u001e");
            assertThat(c.nextNonPing().get("invocationId").asText()).isEqualTo("9");
        }
    }

    @Test
    void webSocketUpgradeNeedsANegotiatedIdAndAToken() throws Exception {
        String token = emulator.accessTokens().mintClientToken("http://127.0.0.1", "chat", "u", Duration.ofMinutes(5));
        assertThatThrownBy(() -> connect("/client/?hub=chat&id=unknown", token))
                .cause()
                .isInstanceOf(UpgradeRejectedException.class)
                .hasMessageContaining("404");
        assertThatThrownBy(() -> connect("/client/?hub=chat&id=whatever", null))
                .cause()
                .isInstanceOf(UpgradeRejectedException.class)
                .hasMessageContaining("401");
        HttpResponse<String> longPolling = RawClient.HTTP.send(
                HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/client/?hub=chat&id=x"))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(longPolling.statusCode()).isEqualTo(400);
        assertThat(longPolling.body()).contains("only the WebSockets transport");
    }

    private void connect(String uri, String token) throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(emulator.port())
                .setURI(uri);
        if (token != null) {
            options.addHeader("Authorization", "Bearer " + token);
        }
        try {
            vertx.createHttpClient()
                    .webSocket(options)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new RuntimeException(e.getCause());
        }
    }

    @Test
    void browserStyleAccessTokenQueryAndStatusEndpoint() throws Exception {
        String token =
                emulator.accessTokens().mintClientToken("http://127.0.0.1", "dash", "viewer", Duration.ofMinutes(5));
        HttpResponse<String> negotiate = RawClient.HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(emulator.endpoint() + "/client/negotiate?hub=dash&negotiateVersion=1"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String id = json(negotiate.body()).get("connectionToken").asText();
        var ws = vertx.createHttpClient()
                .webSocket(new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(emulator.port())
                        .setURI("/client/?hub=dash&id=" + id + "&access_token=" + token))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        try (RawClient a = RawClient.connected(vertx, emulator, "dash", "viewer");
                RawClient b = RawClient.connected(vertx, emulator, "dash", "other")) {
            ws.writeTextMessage("{\"protocol\":\"json\",\"version\":1}\u001e");
            assertThat(rest.call("PUT", "/api/hubs/dash/groups/g/connections/" + b.connectionId, null)
                            .statusCode())
                    .isEqualTo(200);
            JsonNode hub = null;
            for (int i = 0; i < 50 && (hub == null || hub.get("connections").asInt() < 3); i++) {
                HttpResponse<String> status = RawClient.HTTP.send(
                        HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/_emulator/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode h : json(status.body()).get("hubs")) {
                    if (h.get("name").asText().equals("dash")) {
                        hub = h;
                    }
                }
                Thread.sleep(50); // poll, bounded
            }
            assertThat(hub).isNotNull();
            assertThat(hub.get("connections").asInt()).isEqualTo(3);
            assertThat(hub.get("users").toString())
                    .contains("{\"userId\":\"viewer\",\"connections\":2}")
                    .contains("{\"userId\":\"other\",\"connections\":1}");
            assertThat(hub.get("groups").toString()).contains("{\"name\":\"g\",\"connections\":1}");
        } finally {
            ws.close();
        }
    }

    @Test
    void hubsAreIsolatedAndApplicationPrefixesTheHub() throws Exception {
        try (RawClient alpha = RawClient.connected(vertx, emulator, "alpha", "same-user");
                RawClient beta = RawClient.connected(vertx, emulator, "beta", "same-user");
                RawClient app = RawClient.connected(vertx, emulator, "app1_alpha", "same-user")) {
            assertThat(rest.call(
                                    "POST",
                                    "/api/hubs/alpha/users/same-user/:send",
                                    "{\"target\":\"notify\",\"arguments\":[\"a\"]}")
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rest.call(
                                    "POST",
                                    "/api/hubs/alpha/users/same-user/:send?application=app1",
                                    "{\"target\":\"notify\",\"arguments\":[\"app\"]}")
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rest.call(
                                    "POST",
                                    "/api/hubs/beta/users/same-user/:send",
                                    "{\"target\":\"notify\",\"arguments\":[\"b\"]}")
                            .statusCode())
                    .isEqualTo(202);
            assertThat(alpha.nextNonPing().get("arguments").get(0).asText()).isEqualTo("a");
            assertThat(app.nextNonPing().get("arguments").get(0).asText()).isEqualTo("app");
            assertThat(beta.nextNonPing().get("arguments").get(0).asText()).isEqualTo("b");
            // nothing else arrived: a marker sent last is the next message everywhere
            for (String hub : new String[] {"alpha", "beta", "app1_alpha"}) {
                rest.call("POST", "/api/hubs/" + hub + "/:send", "{\"target\":\"notify\",\"arguments\":[\"marker\"]}");
            }
            for (RawClient c : new RawClient[] {alpha, beta, app}) {
                assertThat(c.nextNonPing().get("arguments").get(0).asText()).isEqualTo("marker");
            }
        }
    }
}
