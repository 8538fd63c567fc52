package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client-facing side: {@code POST /client/negotiate} and the WebSocket upgrade on {@code /client/}. */
final class ClientEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(ClientEndpoints.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AccessTokens tokens;
    private final HubRegistry registry;
    private final Upstream upstream;
    private final Limits limits;

    ClientEndpoints(AccessTokens tokens, HubRegistry registry, Upstream upstream, Limits limits) {
        this.tokens = tokens;
        this.registry = registry;
        this.upstream = upstream;
        this.limits = limits;
    }

    void negotiate(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.method() != HttpMethod.POST) {
            request.response().putHeader("Allow", "POST");
            Http.problem(request, 405, "Method Not Allowed", "negotiate requires POST", null);
            return;
        }
        String hub = hubOf(request);
        if (hub == null) {
            return;
        }
        JWTClaimsSet claims = authenticate(request, hub);
        if (claims == null) {
            return;
        }
        int version = parseVersion(request.getParam("negotiateVersion"));
        String connectionId = randomId();
        String connectionToken = version >= 1 ? randomId() : connectionId;
        registry.negotiated(
                connectionToken,
                new ConnectionInfo(hub, connectionId, AccessTokens.userIdOf(claims), claimStrings(claims), ""));
        ObjectNode body = Json.object();
        if (version >= 1) {
            body.put("negotiateVersion", 1).put("connectionId", connectionId).put("connectionToken", connectionToken);
        } else {
            body.put("connectionId", connectionId);
        }
        ArrayNode transports = body.putArray("availableTransports");
        // WebSockets only: the emulator implements no fallback transport, so it must not advertise one.
        ObjectNode ws = transports.addObject().put("transport", "WebSockets");
        ws.putArray("transferFormats").add("Text").add("Binary");
        request.response().putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    void connect(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String hub = hubOf(request);
        if (hub == null) {
            return;
        }
        if (request.method() != HttpMethod.GET || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            Http.badRequest(request, "only the WebSockets transport is supported by this emulator");
            return;
        }
        String id = request.getParam("id");
        if (id == null || id.isEmpty()) {
            Http.badRequest(request, "the 'id' parameter (connection token from negotiate) is required");
            return;
        }
        JWTClaimsSet claims = authenticate(request, hub);
        if (claims == null) {
            return;
        }
        HubRegistry.Pending pending = registry.claim(id);
        if (pending == null || !pending.info().hub().equals(hub)) {
            Http.problem(request, 404, "Not Found", "No connection with that ID: negotiate first", null);
            return;
        }
        ConnectionInfo negotiated = pending.info();
        if (!Objects.equals(negotiated.userId(), AccessTokens.userIdOf(claims))) {
            Http.problem(
                    request, 401, "Unauthorized", "the access token's user differs from the negotiated user", null);
            return;
        }
        ConnectionInfo info = new ConnectionInfo(
                hub, negotiated.connectionId(), negotiated.userId(), negotiated.claims(), clientQuery(request.query()));
        request.toWebSocket()
                .onSuccess(socket -> {
                    ClientConnection connection =
                            new ClientConnection(socket, info, registry, upstream, limits, registry.now());
                    registry.socketAccepted(connection);
                    connection.attach();
                })
                .onFailure(e ->
                        LOG.info("WebSocket upgrade for connection {} failed: {}", info.connectionId(), e.toString()));
    }

    private String hubOf(HttpServerRequest request) {
        String raw = request.getParam("hub");
        String problem = Http.validateHub(raw);
        if (problem != null) {
            Http.badRequest(request, problem);
            return null;
        }
        return Http.internalHub(raw, request.getParam("application"));
    }

    /** Bearer header first; the {@code access_token} query (browsers' WebSocket/SSE) only without a header. */
    private JWTClaimsSet authenticate(HttpServerRequest request, String hub) {
        String token = Http.bearer(request);
        if (token == null) {
            token = request.getParam("access_token");
        }
        try {
            return tokens.validateClient(token, hub);
        } catch (InvalidTokenException e) {
            LOG.info("client token rejected for hub {}: {}", hub, e.getMessage());
            Http.problem(request, 401, "Unauthorized", e.getMessage(), null);
            return null;
        }
    }

    static List<String> claimStrings(JWTClaimsSet claims) {
        List<String> result = new ArrayList<>();
        for (Map.Entry<String, Object> e : claims.getClaims().entrySet()) {
            Object value = e.getValue();
            if (value instanceof Collection<?> values) {
                values.forEach(v -> result.add(e.getKey() + ": " + v));
            } else if (value instanceof java.util.Date date) {
                result.add(e.getKey() + ": " + date.toInstant().getEpochSecond());
            } else {
                result.add(e.getKey() + ": " + value);
            }
        }
        return result;
    }

    /** The client query Azure forwards upstream, minus the access token (a secret). */
    static String clientQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        String kept = java.util.Arrays.stream(rawQuery.split("&"))
                .filter(p -> !p.startsWith("access_token=") && !p.equals("access_token"))
                .collect(Collectors.joining("&"));
        return kept.isEmpty() ? "" : "?" + kept;
    }

    private static int parseVersion(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
