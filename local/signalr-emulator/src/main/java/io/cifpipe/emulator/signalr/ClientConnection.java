package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client WebSocket speaking the JSON hub protocol: handshake, record-separated messages, keep-alive pings, client
 * timeout, invocations forwarded upstream and answered with completions. Protocol violations close only this
 * connection, with a Close message carrying the reason. Runs on the emulator's event loop only.
 */
final class ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final String PING = Json.record(Json.object().put("type", 6));
    private static final int MAX_UPSTREAM_REPLY_BYTES = 16 * 1024 * 1024;

    private enum State {
        HANDSHAKE,
        OPEN,
        CLOSED
    }

    private final ServerWebSocket ws;
    private final ConnectionInfo info;
    private final HubRegistry registry;
    private final Upstream upstream;
    private final Limits limits;
    private final Set<String> groups = new HashSet<>();
    private final StringBuilder partial = new StringBuilder();
    private final long createdAt;
    private State state = State.HANDSHAKE;
    private long lastReceived;
    private long lastSent;
    private long windowStart;
    private int windowCount;
    private int pendingInvocations;
    private String closeError;
    private Future<Void> connected = Future.succeededFuture();
    /** The connected event failed: the app never knew this connection, so no disconnected event either. */
    private boolean connectedRefused;

    ClientConnection(
            ServerWebSocket ws, ConnectionInfo info, HubRegistry registry, Upstream upstream, Limits limits, long now) {
        this.ws = ws;
        this.info = info;
        this.registry = registry;
        this.upstream = upstream;
        this.limits = limits;
        this.createdAt = now;
        this.lastReceived = now;
        this.lastSent = now;
        this.windowStart = now;
    }

    void attach() {
        ws.textMessageHandler(this::onText);
        ws.binaryMessageHandler(buffer -> onText(buffer.toString(java.nio.charset.StandardCharsets.UTF_8)));
        ws.exceptionHandler(e -> {
            LOG.debug("connection {} transport error: {}", info.connectionId(), e.toString());
            if (closeError == null) {
                closeError = "Transport error: " + e.getMessage();
            }
        });
        ws.closeHandler(v -> onTransportClosed());
    }

    String id() {
        return info.connectionId();
    }

    String userId() {
        return info.userId();
    }

    ConnectionInfo info() {
        return info;
    }

    Set<String> groups() {
        return groups;
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    /** Sends one complete record (already terminated by the record separator). */
    void send(String record) {
        if (state != State.OPEN) {
            return;
        }
        ws.writeTextMessage(record);
        lastSent = registry.now();
    }

    /** Server-initiated close: a Close message (with the reason, if any), then the socket. */
    void close(String error, boolean allowReconnect) {
        if (state == State.CLOSED) {
            return;
        }
        ObjectNode close = Json.object().put("type", 7);
        if (error != null) {
            close.put("error", error);
        }
        if (allowReconnect) {
            close.put("allowReconnect", true);
        }
        if (state == State.OPEN) {
            ws.writeTextMessage(Json.record(close));
        }
        closeError = error;
        closeSocket();
    }

    /** Called periodically: handshake timeout, client timeout, keep-alive pings. */
    void tick(long now) {
        if (state == State.HANDSHAKE
                && now - createdAt >= limits.handshakeTimeout().toMillis()) {
            failHandshake("Handshake was not received within "
                    + limits.handshakeTimeout().toSeconds() + " seconds.");
        } else if (state == State.OPEN) {
            if (now - lastReceived >= limits.clientTimeout().toMillis()) {
                LOG.info("connection {} timed out: no message for {} ms", info.connectionId(), now - lastReceived);
                close("Server timeout elapsed without receiving a message from the client.", false);
            } else if (now - lastSent >= limits.keepAliveInterval().toMillis()) {
                send(PING);
            }
        }
    }

    private void onText(String text) {
        if (state == State.CLOSED) {
            return;
        }
        long now = registry.now();
        lastReceived = now;
        if (partial.length() + text.length() > limits.maxMessageChars()) {
            protocolError("Message exceeds the maximum size of " + limits.maxMessageChars() + " characters.");
            return;
        }
        partial.append(text);
        int end;
        while (state != State.CLOSED && (end = partial.indexOf(String.valueOf(Json.RS))) >= 0) {
            String record = partial.substring(0, end);
            partial.delete(0, end + 1);
            if (!withinRate(now)) {
                protocolError("Too many messages: the limit is " + limits.maxMessagesPerSecond() + " per second.");
                return;
            }
            if (state == State.HANDSHAKE) {
                onHandshake(record);
            } else {
                onMessage(record);
            }
        }
    }

    private boolean withinRate(long now) {
        if (now - windowStart >= 1000) {
            windowStart = now;
            windowCount = 0;
        }
        return ++windowCount <= limits.maxMessagesPerSecond();
    }

    private void onHandshake(String record) {
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(record);
        } catch (Exception e) {
            failHandshake("Handshake request is not valid JSON.");
            return;
        }
        if (request == null
                || !request.isObject()
                || !request.path("protocol").isTextual()
                || !request.path("version").canConvertToInt()) {
            failHandshake("Handshake request must be an object with 'protocol' and 'version'.");
            return;
        }
        String protocol = request.get("protocol").asText();
        if (!"json".equals(protocol)) {
            failHandshake("The protocol '" + protocol + "' is not supported by this emulator (only 'json').");
            return;
        }
        int version = request.get("version").asInt();
        if (version != 1) {
            failHandshake("The server does not support version " + version + " of the 'json' protocol.");
            return;
        }
        state = State.OPEN;
        ws.writeTextMessage(Json.record(Json.object()));
        lastSent = registry.now();
        registry.opened(this);
        connected =
                upstream.urlFor(info.hub(), Upstream.CONNECTIONS, "connected").isEmpty()
                        ? Future.succeededFuture()
                        : upstream.post(info, Upstream.CONNECTIONS, "connected", Buffer.buffer("{\"type\":10}"))
                                .<Void>map(reply -> {
                                    if (refusesConnection(reply.status())) {
                                        dropUnannounced("status code " + reply.status());
                                    }
                                    return null;
                                })
                                .recover(e -> {
                                    dropUnannounced(e.getMessage());
                                    return Future.succeededFuture();
                                });
    }

    /**
     * A connected event the app could not take: it failed (5xx, or 403, the Functions host's answer when the
     * connected function threw) or was unreachable after the retries. 404 (the app has no connected function) is
     * fine. The app then does not know this connection (and cannot send to it), so it is closed with
     * allowReconnect: the client reconnects and the new connection's connected event tells the app again. A
     * connection kept open unannounced would be an online agent the app sees as offline.
     */
    static boolean refusesConnection(int status) {
        return status >= 500 || status == 403;
    }

    private void dropUnannounced(String why) {
        if (state != State.OPEN) {
            return;
        }
        LOG.warn(
                "connection {}: the upstream did not take its connected event ({}); closing it so the client reconnects",
                info.connectionId(),
                why);
        connectedRefused = true;
        close("The app server could not register the connection; reconnect.", true);
    }

    private void failHandshake(String error) {
        LOG.info("connection {} handshake failed: {}", info.connectionId(), error);
        ws.writeTextMessage(Json.record(Json.object().put("error", error)));
        closeError = error;
        closeSocket();
    }

    private void onMessage(String record) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(record);
        } catch (Exception e) {
            protocolError("Invalid message: not valid JSON.");
            return;
        }
        if (message == null
                || !message.isObject()
                || !message.path("type").canConvertToInt()
                || !message.path("type").isIntegralNumber()) {
            protocolError("Invalid message: an object with an integer 'type' is required.");
            return;
        }
        int type = message.get("type").asInt();
        switch (type) {
            case 1 -> onInvocation((ObjectNode) message);
            case 4 ->
                completeWithError(
                        message.path("invocationId"), "Stream invocations are not supported in serverless mode.");
            case 2 -> protocolError("Client-to-server streaming is not supported in serverless mode.");
            case 3, 5, 6 -> {
                /* no server-to-client invocations or streams in serverless mode; pings only refresh liveness */
            }
            case 7 -> {
                closeError =
                        message.path("error").isTextual() ? message.get("error").asText() : null;
                closeSocket();
            }
            default -> protocolError("Unknown message type " + type + ".");
        }
    }

    private void onInvocation(ObjectNode invocation) {
        JsonNode target = invocation.path("target");
        JsonNode invocationId = invocation.path("invocationId");
        if (!target.isTextual() || target.asText().isEmpty()) {
            protocolError("Invalid invocation: 'target' must be a non-empty string.");
            return;
        }
        if (!invocation.path("arguments").isArray()) {
            protocolError("Invalid invocation: 'arguments' must be an array.");
            return;
        }
        if (!invocationId.isMissingNode() && !invocationId.isTextual()) {
            protocolError("Invalid invocation: 'invocationId' must be a string.");
            return;
        }
        if (invocation.path("streamIds").isArray()
                && !invocation.get("streamIds").isEmpty()) {
            completeWithError(invocationId, "Client-to-server streaming is not supported in serverless mode.");
            return;
        }
        if (pendingInvocations >= limits.maxPendingInvocations()) {
            protocolError("Too many pending invocations: the limit is " + limits.maxPendingInvocations() + ".");
            return;
        }
        pendingInvocations++;
        Buffer body = Buffer.buffer(Json.record(invocation));
        String id = invocationId.isTextual() ? invocationId.asText() : null;
        connected
                .transform(ignored -> upstream.post(info, Upstream.MESSAGES, target.asText(), body))
                .onComplete(ar -> {
                    pendingInvocations--;
                    if (id == null) {
                        return;
                    }
                    if (ar.failed()) {
                        send(completion(id).put("error", ar.cause().getMessage()));
                    } else {
                        send(completionFor(id, ar.result()));
                    }
                });
    }

    /** Maps an upstream reply to the Completion the client receives. */
    static ObjectNode completionFor(String id, Upstream.Reply reply) {
        if (reply.status() < 200 || reply.status() >= 300) {
            return completion(id).put("error", "Invocation failed, status code " + reply.status());
        }
        if (reply.body().length() == 0) {
            return completion(id);
        }
        if (reply.body().length() > MAX_UPSTREAM_REPLY_BYTES) {
            return completion(id).put("error", "Invocation failed, response too large.");
        }
        String text = reply.body().toString(java.nio.charset.StandardCharsets.UTF_8);
        int rs = text.indexOf(Json.RS);
        try {
            JsonNode node = Json.MAPPER.readTree(rs >= 0 ? text.substring(0, rs) : text);
            if (node != null && node.isObject() && node.path("type").asInt() == 3) {
                // Azure forwards the webhook's Completion verbatim; the id is pinned so a client can never hang.
                ObjectNode result = completion(id);
                if (node.has("result")) {
                    result.set("result", node.get("result"));
                }
                if (node.has("error")) {
                    result.set("error", node.get("error"));
                }
                return result;
            }
        } catch (Exception e) {
            // fall through to the error below
        }
        return completion(id).put("error", "Invocation failed, the upstream response is not a Completion message.");
    }

    private static ObjectNode completion(String id) {
        return Json.object().put("type", 3).put("invocationId", id);
    }

    private void send(ObjectNode message) {
        send(Json.record(message));
    }

    private void completeWithError(JsonNode invocationId, String error) {
        if (invocationId.isTextual()) {
            send(completion(invocationId.asText()).put("error", error));
        }
    }

    private void protocolError(String error) {
        LOG.info("closing connection {}: {}", info.connectionId(), error);
        if (state == State.HANDSHAKE) {
            failHandshake(error);
        } else {
            close(error, false);
        }
    }

    private void closeSocket() {
        State previous = state;
        state = State.CLOSED;
        if (!ws.isClosed()) {
            ws.close((short) 1000);
        }
        finish(previous);
    }

    private void onTransportClosed() {
        State previous = state;
        state = State.CLOSED;
        finish(previous);
    }

    private boolean finished;

    private void finish(State previous) {
        if (finished) {
            return;
        }
        finished = true;
        registry.closed(this, previous == State.OPEN);
        if (previous == State.OPEN
                && !connectedRefused
                && upstream.urlFor(info.hub(), Upstream.CONNECTIONS, "disconnected")
                        .isPresent()) {
            ObjectNode event = Json.object().put("type", 11);
            if (closeError != null) {
                event.put("error", closeError);
            }
            Buffer body = Buffer.buffer(Json.write(event));
            connected.transform(ignored -> upstream.post(info, Upstream.CONNECTIONS, "disconnected", body));
        }
    }
}
