package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-plane REST API: {@code /api/hubs/{hub}/...} (2022-06-01) and {@code /api/v1/hubs/{hub}...}, with the
 * emulator-style aliases (optional {@code /:send}, both {@code groups/{g}/users/{u}} and {@code users/{u}/groups/{g}}).
 * Path matching is by hand because Vert.x route patterns treat {@code :send} as a parameter.
 */
final class RestApi {
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    private static final String SEND = ":send";
    private static final String CLOSE = ":closeConnections";

    private static final String GENERATE_TOKEN = ":generateToken";
    /** Azure's limit for :generateToken's minutesToExpire is not documented; a day is generous for a local stack. */
    private static final int MAX_TOKEN_MINUTES = 24 * 60;

    private final AccessTokens tokens;
    private final HubRegistry registry;
    private final EntraTokens entra;
    private final boolean localAuthDisabled;
    private final Supplier<String> endpoint;

    RestApi(AccessTokens tokens, HubRegistry registry) {
        this(tokens, registry, null, false, () -> "http://127.0.0.1");
    }

    /**
     * {@code entra} non-null: Microsoft Entra bearer tokens are accepted as well (keyless apps); {@code localAuthDisabled}:
     * only those (Azure's {@code disableLocalAuth}). {@code endpoint} is the client endpoint for :generateToken.
     */
    RestApi(
            AccessTokens tokens,
            HubRegistry registry,
            EntraTokens entra,
            boolean localAuthDisabled,
            Supplier<String> endpoint) {
        this.tokens = tokens;
        this.registry = registry;
        this.entra = entra;
        this.localAuthDisabled = localAuthDisabled;
        this.endpoint = endpoint;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String rawPath = request.path();
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            segments.add(PathCodec.decode(s));
        }
        while (segments.size() > 1 && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1);
        }
        // segments: "", "api", ["v1"], "hubs", hub, ...
        if (segments.size() == 3 && segments.get(2).equalsIgnoreCase("health")) {
            Http.status(request, 200);
            return;
        }
        boolean v1 = segments.size() > 2 && segments.get(2).equalsIgnoreCase("v1");
        int hubIndex = v1 ? 4 : 3;
        if (segments.size() <= hubIndex || !segments.get(hubIndex - 1).equalsIgnoreCase("hubs")) {
            Http.problem(request, 404, "Not Found", "unknown REST path " + rawPath, null);
            return;
        }
        String hubProblem = Http.validateHub(segments.get(hubIndex));
        if (hubProblem != null) {
            Http.badRequest(request, hubProblem);
            return;
        }
        String bearer = Http.bearer(request);
        if (Boolean.TRUE.equals(EntraTokens.isEntra(bearer))) {
            if (entra == null) {
                unauthorized(
                        request,
                        "Microsoft Entra tokens are not accepted: the emulator has no Entra issuer configured");
                return;
            }
            // Discovery/JWKS are HTTP calls on first use: validate off the event loop, then serve on it.
            ctx.vertx()
                    .<Object>executeBlocking(() -> entra.validate(bearer), false)
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            unauthorized(
                                    request,
                                    ar.cause() instanceof InvalidTokenException
                                            ? ar.cause().getMessage()
                                            : "Entra token not accepted");
                        } else {
                            serve(ctx, segments, hubIndex, v1);
                        }
                    });
            return;
        }
        if (localAuthDisabled) {
            unauthorized(request, "local auth is disabled on this service; use a Microsoft Entra token");
            return;
        }
        try {
            tokens.validateServer(bearer, rawPath, hubIndex);
        } catch (InvalidTokenException e) {
            unauthorized(request, e.getMessage());
            return;
        }
        serve(ctx, segments, hubIndex, v1);
    }

    private static void unauthorized(HttpServerRequest request, String reason) {
        LOG.info("REST {} {} rejected: {}", request.method(), request.path(), reason);
        Http.problem(request, 401, "Unauthorized", reason, null);
    }

    private void serve(RoutingContext ctx, List<String> segments, int hubIndex, boolean v1) {
        HttpServerRequest request = ctx.request();
        String hubName = Http.internalHub(segments.get(hubIndex), request.getParam("application"));
        List<String> rest = new ArrayList<>(segments.subList(hubIndex + 1, segments.size()));
        try {
            // Only PUT (group membership by user) creates state; reads and sends to an unknown hub see an empty one.
            Hub hub = request.method() == HttpMethod.PUT
                    ? registry.hubOrCreate(hubName)
                    : java.util.Objects.requireNonNullElseGet(registry.hub(hubName), () -> new Hub(hubName));
            new Call(ctx, hub, rest, v1).dispatch();
        } catch (BadInput e) {
            Http.badRequest(request, e.getMessage());
        }
    }

    private static final class BadInput extends RuntimeException {
        BadInput(String message) {
            super(message, null, false, false);
        }
    }

    /** One REST request against one hub. */
    private final class Call {
        private final RoutingContext ctx;
        private final HttpServerRequest request;
        private final HttpMethod method;
        private final Hub hub;
        private final List<String> rest;
        private final boolean v1;
        private final long now = registry.now();

        Call(RoutingContext ctx, Hub hub, List<String> rest, boolean v1) {
            this.ctx = ctx;
            this.request = ctx.request();
            this.method = request.method();
            this.hub = hub;
            this.rest = rest;
            this.v1 = v1;
        }

        void dispatch() {
            boolean post = method == HttpMethod.POST;
            if (!v1 && rest.size() == 1 && GENERATE_TOKEN.equals(rest.get(0))) {
                if (post) {
                    generateToken();
                } else {
                    notAllowed();
                }
                return;
            }
            boolean exists = method == HttpMethod.HEAD || method == HttpMethod.GET;
            String last = rest.isEmpty() ? "" : rest.get(rest.size() - 1);
            if (post && SEND.equals(last)) {
                rest.remove(rest.size() - 1);
            }
            int n = rest.size();
            String kind = n == 0 ? "" : rest.get(0);
            if (post && CLOSE.equals(last)) {
                closeConnections(rest.subList(0, n - 1));
            } else if (n == 0 && post) {
                sendTo(hub.connections());
            } else if (n == 2 && kind.equals("users")) {
                String user = user(rest.get(1));
                if (post) {
                    sendTo(hub.userConnections(user));
                } else if (exists) {
                    existence(
                            !hub.userConnections(user).isEmpty(),
                            "Warning.User.NotExisted",
                            "user " + user + " has no connection");
                } else {
                    notAllowed();
                }
            } else if (n == 3 && kind.equals("users") && rest.get(2).equals("groups") && method == HttpMethod.DELETE) {
                hub.removeUserFromAllGroups(user(rest.get(1)));
                Http.status(request, v1 ? 200 : 204);
            } else if (n == 4
                    && (kind.equals("users") && rest.get(2).equals("groups")
                            || kind.equals("groups") && rest.get(2).equals("users"))) {
                String user = user(kind.equals("users") ? rest.get(1) : rest.get(3));
                String group = group(kind.equals("users") ? rest.get(3) : rest.get(1));
                userGroup(user, group);
            } else if (n == 2 && kind.equals("connections")) {
                connection(rest.get(1));
            } else if (n == 3
                    && kind.equals("connections")
                    && rest.get(2).equals("groups")
                    && method == HttpMethod.DELETE) {
                ClientConnection c = existingConnection(rest.get(1), "Error.Connection.NotExisted");
                if (c != null) {
                    hub.removeFromAllGroups(c);
                    Http.status(request, 200);
                }
            } else if (n == 4
                    && (kind.equals("connections") && rest.get(2).equals("groups")
                            || kind.equals("groups") && rest.get(2).equals("connections"))) {
                String connectionId = kind.equals("connections") ? rest.get(1) : rest.get(3);
                String group = group(kind.equals("connections") ? rest.get(3) : rest.get(1));
                connectionGroup(connectionId, group);
            } else if (n == 2 && kind.equals("groups")) {
                String group = group(rest.get(1));
                if (post) {
                    sendTo(hub.groupConnections(group, now));
                } else if (exists) {
                    existence(
                            !hub.groupConnections(group, now).isEmpty(),
                            "Warning.Group.NotExisted",
                            "group " + group + " has no connection");
                } else {
                    notAllowed();
                }
            } else {
                Http.problem(
                        request, 404, "Not Found", "unknown REST operation " + method + " " + request.path(), null);
            }
        }

        private void connection(String connectionId) {
            if (method == HttpMethod.POST) {
                // Like Azure: a send is fire and forget, 202 even for a connection that is gone (HEAD tells).
                ClientConnection c = hub.connection(connectionId);
                sendTo(c == null ? List.of() : List.of(c));
            } else if (method == HttpMethod.HEAD || method == HttpMethod.GET) {
                existence(
                        hub.connection(connectionId) != null,
                        "Warning.Connection.NotExisted",
                        "connection " + connectionId + " does not exist");
            } else if (method == HttpMethod.DELETE) {
                ClientConnection c = existingConnection(connectionId, "Warning.Connection.NotExisted");
                if (c != null) {
                    c.close(reason(), true);
                    Http.status(request, v1 ? 202 : 200);
                }
            } else {
                notAllowed();
            }
        }

        private void connectionGroup(String connectionId, String group) {
            if (method != HttpMethod.PUT && method != HttpMethod.DELETE) {
                notAllowed();
                return;
            }
            ClientConnection c = existingConnection(connectionId, "Error.Connection.NotExisted");
            if (c == null) {
                return;
            }
            if (method == HttpMethod.PUT) {
                hub.addToGroup(group, c);
            } else {
                hub.removeFromGroup(group, c);
            }
            Http.status(request, 200);
        }

        private void userGroup(String user, String group) {
            if (method == HttpMethod.PUT) {
                long expiresAt = Long.MAX_VALUE;
                String ttl = request.getParam("ttl");
                if (ttl != null) {
                    try {
                        long seconds = Long.parseLong(ttl);
                        if (seconds < 0) {
                            throw new NumberFormatException();
                        }
                        expiresAt = now + seconds * 1000;
                    } catch (NumberFormatException e) {
                        throw new BadInput("'ttl' must be a non-negative number of seconds");
                    }
                }
                hub.addUserToGroup(group, user, expiresAt);
                Http.status(request, v1 ? 202 : 200);
            } else if (method == HttpMethod.DELETE) {
                hub.removeUserFromGroup(group, user);
                Http.status(request, v1 ? 202 : 204);
            } else if (method == HttpMethod.HEAD || method == HttpMethod.GET) {
                existence(
                        hub.isUserInGroup(group, user, now),
                        "Info.User.NotInGroup",
                        "user " + user + " is not in group " + group);
            } else {
                notAllowed();
            }
        }

        private void closeConnections(List<String> scope) {
            Collection<ClientConnection> targets;
            if (scope.isEmpty()) {
                targets = hub.connections();
            } else if (scope.size() == 2 && scope.get(0).equals("users")) {
                targets = hub.userConnections(user(scope.get(1)));
            } else if (scope.size() == 2 && scope.get(0).equals("groups")) {
                targets = hub.groupConnections(group(scope.get(1)), now);
            } else {
                Http.problem(request, 404, "Not Found", "unknown REST operation " + request.path(), null);
                return;
            }
            Set<String> excluded = excluded();
            String reason = reason();
            List.copyOf(targets).stream()
                    .filter(c -> !excluded.contains(c.id()))
                    .forEach(c -> c.close(reason, true));
            Http.status(request, 204);
        }

        private void sendTo(Collection<ClientConnection> targets) {
            String record = invocationRecord();
            Set<String> excluded = excluded();
            int delivered = 0;
            for (ClientConnection c : List.copyOf(targets)) {
                if (!excluded.contains(c.id())) {
                    c.send(record);
                    delivered++;
                }
            }
            LOG.debug("REST send on hub {} delivered to {} connection(s)", hub.name, delivered);
            Http.status(request, 202);
        }

        /** Body {@code {"target": "...", "arguments": [...]}} as an id-less Invocation record. */
        private String invocationRecord() {
            Buffer body = ctx.body().buffer();
            if (body == null || body.length() == 0) {
                throw new BadInput("a JSON body {\"target\": \"...\", \"arguments\": [...]} is required");
            }
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(body.toString(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new BadInput("the body is not valid JSON");
            }
            if (node == null || !node.isObject()) {
                throw new BadInput("the body must be a JSON object");
            }
            JsonNode target = node.get("target");
            if (target == null || !target.isTextual() || target.asText().isBlank()) {
                throw new BadInput("'target' is required and must be a non-empty string");
            }
            JsonNode arguments = node.get("arguments");
            if (arguments != null && !arguments.isNull() && !arguments.isArray()) {
                throw new BadInput("'arguments' must be an array");
            }
            ObjectNode invocation = Json.object().put("type", 1).put("target", target.asText());
            invocation.set(
                    "arguments", arguments == null || arguments.isNull() ? Json.MAPPER.createArrayNode() : arguments);
            return Json.record(invocation);
        }

        /** {@code POST /api/hubs/{hub}/:generateToken?userId=&minutesToExpire=} → 200 {@code {"token":"…"}}. */
        private void generateToken() {
            int minutes = 60;
            String raw = request.getParam("minutesToExpire");
            if (raw != null) {
                try {
                    minutes = Integer.parseInt(raw);
                } catch (NumberFormatException e) {
                    throw new BadInput("'minutesToExpire' must be a whole number of minutes");
                }
                if (minutes < 1 || minutes > MAX_TOKEN_MINUTES) {
                    throw new BadInput("'minutesToExpire' must be between 1 and " + MAX_TOKEN_MINUTES);
                }
            }
            String userId = request.getParam("userId");
            String token = tokens.mintClientToken(
                    endpoint.get(),
                    hub.name,
                    userId == null || userId.isEmpty() ? null : userId,
                    java.time.Duration.ofMinutes(minutes));
            request.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", "application/json")
                    .end(Json.write(Json.object().put("token", token)));
        }

        private ClientConnection existingConnection(String connectionId, String errorCode) {
            ClientConnection c = hub.connection(connectionId);
            if (c == null) {
                Http.problem(request, 404, "Not Found", "connection " + connectionId + " does not exist", errorCode);
            }
            return c;
        }

        private void existence(boolean found, String errorCode, String detail) {
            if (found) {
                Http.status(request, 200);
            } else {
                Http.problem(request, 404, "Not Found", detail, errorCode);
            }
        }

        private void notAllowed() {
            Http.problem(request, 405, "Method Not Allowed", method + " is not supported on " + request.path(), null);
        }

        private Set<String> excluded() {
            Set<String> result = new HashSet<>();
            for (String value : request.params().getAll("excluded")) {
                result.addAll(Arrays.asList(value.split(",")));
            }
            return result;
        }

        private String reason() {
            String reason = request.getParam("reason");
            return reason == null || reason.isBlank() ? null : reason;
        }

        private String user(String user) {
            if (user.isBlank()) {
                throw new BadInput("user id must not be blank");
            }
            return user;
        }

        private String group(String group) {
            if (group.isBlank() || group.length() > 1024) {
                throw new BadInput("group name must be 1 to 1024 characters and not blank");
            }
            return group;
        }
    }
}
