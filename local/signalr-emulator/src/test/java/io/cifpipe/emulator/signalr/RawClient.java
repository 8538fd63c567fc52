package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A hand-driven hub-protocol client (Vert.x WebSocket) for protocol-abuse tests. */
final class RawClient implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    final BlockingQueue<String> records = new LinkedBlockingQueue<>();
    final CompletableFuture<Short> closed = new CompletableFuture<>();
    final WebSocket ws;
    final String connectionId;

    private RawClient(WebSocket ws, String connectionId) {
        this.ws = ws;
        this.connectionId = connectionId;
        ws.textMessageHandler(text -> {
            for (String r : text.split("\u001e")) {
                if (!r.isEmpty()) {
                    records.add(r);
                }
            }
        });
        ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    }

    /** Negotiates as the user and opens the WebSocket (no handshake sent yet). */
    static RawClient open(Vertx vertx, SignalREmulator emulator, String hub, String user) throws Exception {
        String token = emulator.accessTokens().mintClientToken("http://127.0.0.1", hub, user, Duration.ofMinutes(5));
        HttpResponse<String> negotiate = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                emulator.endpoint() + "/client/negotiate?hub=" + hub + "&negotiateVersion=1"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (negotiate.statusCode() != 200) {
            throw new AssertionError("negotiate " + negotiate.statusCode() + " " + negotiate.body());
        }
        JsonNode body = Json.MAPPER.readTree(negotiate.body());
        WebSocket ws = vertx.createHttpClient()
                .webSocket(new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(emulator.port())
                        .setURI("/client/?hub=" + hub + "&id="
                                + body.get("connectionToken").asText())
                        .addHeader("Authorization", "Bearer " + token))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return new RawClient(ws, body.get("connectionId").asText());
    }

    /** Opens and completes the JSON handshake. */
    static RawClient connected(Vertx vertx, SignalREmulator emulator, String hub, String user) throws Exception {
        RawClient client = open(vertx, emulator, hub, user);
        client.sendText("{\"protocol\":\"json\",\"version\":1}\u001e");
        String response = client.next();
        if (!response.equals("{}")) {
            throw new AssertionError("handshake response " + response);
        }
        return client;
    }

    void sendText(String text) {
        ws.writeTextMessage(text);
    }

    void sendBinary(String text) {
        ws.writeBinaryMessage(Buffer.buffer(text));
    }

    String next() throws InterruptedException {
        String r = records.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no message within 10 s");
        }
        return r;
    }

    /** Next record that is not a ping. */
    JsonNode nextNonPing() throws Exception {
        while (true) {
            JsonNode node = Json.MAPPER.readTree(next());
            if (node.path("type").asInt() != 6) {
                return node;
            }
        }
    }

    short awaitClosed() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!ws.isClosed()) {
            ws.close();
        }
    }
}
