package io.cifpipe.presence.upstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.model.Names;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.notification.DecisionResult;
import io.cifpipe.model.validation.ProblemType;
import io.cifpipe.runtime.http.HttpCall;
import io.cifpipe.runtime.http.HttpReply;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SignalR Service upstream over plain HTTP ({@code POST /api/signalr/{hub}/{category}/{event}}), in place of the
 * {@code signalRTrigger} binding that Azure does not run for Java. Order of checks, each answering before anything
 * is read or written: method (405), authentication ({@link UpstreamAuthenticator}: 401/503), content type (415),
 * {@code X-ASRS-*} routing headers present (400) and equal to the route (400), hub and event known (404), body
 * (400). Then the same services the trigger called, answering as the trigger's host did:
 * <ul>
 *   <li>{@code connections/connected}: 200; 403 when registration fails (the service then drops the connection).</li>
 *   <li>{@code connections/disconnected}: 200, also when the row was gone or removing it failed (logged).</li>
 *   <li>{@code messages/decide}: with an {@code invocationId}, 200 + a JSON hub-protocol Completion
 *       ({@code {"type":3,"invocationId","result"|"error"}} + 0x1E) that SignalR forwards verbatim to the caller, so
 *       the client's {@code invoke} resolves or rejects; without one (fire and forget) 200 empty.</li>
 *   <li>{@code messages/setAvailability}, {@code messages/getAgentState}, {@code messages/getMissedCalls}
 *       ({@link AgentStateService}): the same Completion shape.</li>
 * </ul>
 */
public final class UpstreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHandler.class);
    static final char RECORD_SEPARATOR = 0x1E;
    public static final String CONNECTIONS = "connections";
    public static final String MESSAGES = "messages";
    public static final String CONNECTED = "connected";
    public static final String DISCONNECTED = "disconnected";

    private final UpstreamAuthenticator auth;
    private final String hub;
    private final Supplier<ConnectionService> connections;
    private final Supplier<DecisionService> decisions;
    private final Supplier<AgentStateService> agentStates;

    public UpstreamHandler(
            UpstreamAuthenticator auth,
            String hub,
            ConnectionService connections,
            DecisionService decisions,
            AgentStateService agentStates) {
        this(auth, hub, () -> connections, () -> decisions, () -> agentStates);
        Objects.requireNonNull(connections);
        Objects.requireNonNull(decisions);
        Objects.requireNonNull(agentStates);
    }

    /** Services are fetched only for authenticated, well-formed requests (they need Tables and Service Bus). */
    public UpstreamHandler(
            UpstreamAuthenticator auth,
            String hub,
            Supplier<ConnectionService> connections,
            Supplier<DecisionService> decisions,
            Supplier<AgentStateService> agentStates) {
        this.auth = Objects.requireNonNull(auth);
        this.hub = Objects.requireNonNull(hub);
        this.connections = Objects.requireNonNull(connections);
        this.decisions = Objects.requireNonNull(decisions);
        this.agentStates = Objects.requireNonNull(agentStates);
    }

    /** Hub methods served here (lower case: SignalR's event names are matched case-insensitively). */
    static final java.util.Set<String> METHODS = java.util.Set.of(
            Names.METHOD_DECIDE.toLowerCase(Locale.ROOT),
            Names.METHOD_SET_AVAILABILITY.toLowerCase(Locale.ROOT),
            Names.METHOD_GET_AGENT_STATE.toLowerCase(Locale.ROOT),
            Names.METHOD_GET_MISSED_CALLS.toLowerCase(Locale.ROOT));

    /** {@code routeHub/routeCategory/routeEvent} are the route's values (the host has URL-decoded them). */
    public HttpReply handle(HttpCall call, String routeHub, String routeCategory, String routeEvent) {
        if (!"POST".equals(call.method())) {
            return HttpReply.problem(ProblemType.METHOD_NOT_ALLOWED, "SignalR upstream requests are POST")
                    .withHeader("Allow", "POST");
        }
        Optional<HttpReply> refused = auth.reject(call);
        if (refused.isPresent()) {
            return refused.get();
        }
        String mediaType = Optional.ofNullable(call.header("Content-Type"))
                .map(c -> c.split(";")[0].trim().toLowerCase(Locale.ROOT))
                .orElse("");
        if (!mediaType.equals("application/json")) {
            return HttpReply.problem(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "upstream bodies must be the JSON hub protocol (application/json); MessagePack is not supported");
        }
        String hHub = call.header("X-ASRS-Hub");
        String hCategory = call.header("X-ASRS-Category");
        String hEvent = call.header("X-ASRS-Event");
        String connectionId = call.header("X-ASRS-Connection-Id");
        if (blank(hHub) || blank(hCategory) || blank(hEvent) || blank(connectionId)) {
            return bad("X-ASRS-Hub, X-ASRS-Category, X-ASRS-Event and X-ASRS-Connection-Id are required");
        }
        if (!same(routeHub, hHub) || !same(routeCategory, hCategory) || !same(routeEvent, hEvent)) {
            LOG.warn(
                    "SignalR upstream refused: route {}/{}/{} differs from headers {}/{}/{} (connectionId={})",
                    routeHub,
                    routeCategory,
                    routeEvent,
                    hHub,
                    hCategory,
                    hEvent,
                    connectionId);
            return HttpReply.problem(
                    ProblemType.UPSTREAM_ROUTE_MISMATCH,
                    "the route's hub/category/event differ from X-ASRS-Hub/X-ASRS-Category/X-ASRS-Event");
        }
        if (!same(hHub, hub)) {
            return notFound("hub '" + hHub + "' is not served here");
        }
        String category = hCategory.toLowerCase(Locale.ROOT);
        String event = hEvent.toLowerCase(Locale.ROOT);
        boolean known = category.equals(CONNECTIONS) && (event.equals(CONNECTED) || event.equals(DISCONNECTED))
                || category.equals(MESSAGES) && METHODS.contains(event);
        if (!known) {
            return notFound("no handler for " + hCategory + "/" + hEvent);
        }
        JsonNode message;
        try {
            message = category.equals(CONNECTIONS) ? parseConnectionEvent(call.body()) : parse(call.body());
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        return category.equals(CONNECTIONS)
                ? connectionEvent(call, event, connectionId, message)
                : invocation(call, hEvent, connectionId, message);
    }

    private static JsonNode parseConnectionEvent(String body) {
        return body == null || body.isBlank() ? Json.mapper().createObjectNode() : parse(body);
    }

    private HttpReply connectionEvent(HttpCall call, String event, String connectionId, JsonNode message) {
        // Microsoft documents no fields for connected and only Error for disconnected; the Functions extension and the
        // emulator use hub-protocol types 10/11. An empty body is fine; a type that names the other event is not.
        int expectedType = event.equals(CONNECTED) ? 10 : 11;
        JsonNode type = field(message, "type");
        if (!type.isMissingNode() && type.asInt(-1) != expectedType) {
            return bad(event + " body must be {\"type\":" + expectedType + "}");
        }
        JsonNode error = field(message, "error");
        InvocationContext ctx =
                context(call, CONNECTIONS, event, connectionId, List.of(), error.isTextual() ? error.asText() : null);
        if (event.equals(CONNECTED)) {
            try {
                connections.get().connected(ctx);
                return HttpReply.empty(200);
            } catch (RuntimeException e) {
                // As the SignalR extension answered a failed connected function: 403, the service drops the client.
                LOG.error("connected failed for connectionId={}: {}", connectionId, e.toString());
                return HttpReply.problem(
                        ProblemType.CONNECTION_REFUSED,
                        ctx.hasUser() ? "the connection could not be registered" : "connection has no user id");
            }
        }
        try {
            connections.get().disconnected(ctx);
        } catch (RuntimeException e) {
            // The stale-connection sweep removes what a failed disconnect leaves behind.
            LOG.warn("disconnected failed for connectionId={}: {}", connectionId, e.toString());
        }
        return HttpReply.empty(200);
    }

    private HttpReply invocation(HttpCall call, String event, String connectionId, JsonNode message) {
        if (field(message, "type").asInt(-1) != 1) {
            return bad("messages body must be a hub protocol Invocation (type 1)");
        }
        JsonNode target = field(message, "target");
        if (!target.isTextual() || !target.asText().equalsIgnoreCase(event)) {
            return HttpReply.problem(
                    ProblemType.UPSTREAM_ROUTE_MISMATCH, "the invocation target differs from X-ASRS-Event");
        }
        JsonNode args = field(message, "arguments");
        if (!args.isMissingNode() && !args.isNull() && !args.isArray()) {
            return bad("'arguments' must be an array");
        }
        List<JsonNode> arguments = new ArrayList<>();
        if (args.isArray()) {
            args.forEach(arguments::add);
        }
        JsonNode id = field(message, "invocationId");
        String invocationId = id.isTextual() && !id.asText().isEmpty() ? id.asText() : null;
        InvocationContext ctx = context(call, MESSAGES, event, connectionId, arguments, null);
        ObjectNode completion = Json.mapper().createObjectNode().put("type", 3).put("invocationId", invocationId);
        try {
            completion.set("result", Json.mapper().valueToTree(invoke(event, ctx)));
        } catch (DecisionRefusedException e) {
            completion.put("error", e.getMessage());
        } catch (RuntimeException e) {
            // Storage or Service Bus trouble: the decision may be recorded; a retry (or the republisher) finishes it.
            LOG.error("{} failed for connectionId={}: {}", event, connectionId, e.toString());
            completion.put(
                    "error",
                    event.equalsIgnoreCase(Names.METHOD_DECIDE)
                            ? "unavailable: the decision could not be completed; retry"
                            : "unavailable: " + event + " could not be completed; retry");
        }
        if (invocationId == null) {
            return HttpReply.empty(200);
        }
        return new HttpReply(200, Map.of("Content-Type", "application/json"), completion.toString() + RECORD_SEPARATOR);
    }

    /** The hub method's result object (serialised as the Completion's {@code result}). */
    private Object invoke(String event, InvocationContext ctx) {
        String method = event.toLowerCase(Locale.ROOT);
        if (method.equals(Names.METHOD_SET_AVAILABILITY.toLowerCase(Locale.ROOT))) {
            return agentStates.get().setAvailability(ctx);
        }
        if (method.equals(Names.METHOD_GET_AGENT_STATE.toLowerCase(Locale.ROOT))) {
            return agentStates.get().getAgentState(ctx);
        }
        if (method.equals(Names.METHOD_GET_MISSED_CALLS.toLowerCase(Locale.ROOT))) {
            return agentStates.get().getMissedCalls(ctx);
        }
        DecisionResult result = decisions.get().decide(ctx);
        return result;
    }

    private static InvocationContext context(
            HttpCall call, String category, String event, String connectionId, List<JsonNode> arguments, String error) {
        return new InvocationContext(
                arguments,
                error,
                category,
                event,
                call.header("X-ASRS-Hub"),
                connectionId,
                call.header("X-ASRS-User-Id"),
                call.headers(),
                query(call.header("X-ASRS-Client-Query")),
                claims(call.header("X-ASRS-User-Claims")));
    }

    /** The body up to the first record separator (the service sends one hub-protocol record). */
    static JsonNode parse(String body) {
        String text = body == null ? "" : body;
        int rs = text.indexOf(RECORD_SEPARATOR);
        if (rs >= 0) {
            text = text.substring(0, rs);
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("the body is empty; a JSON hub protocol message is required");
        }
        try {
            JsonNode node = Json.strictMapper().readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not valid JSON");
        }
    }

    /** Hub protocol fields are read case-insensitively, as the extension did ("type" or "Type"). */
    private static JsonNode field(JsonNode node, String name) {
        var it = node.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return MissingNode.getInstance();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String pair : (raw.startsWith("?") ? raw.substring(1) : raw).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (k.equals("access_token")) {
                    continue; // a browser's SignalR token rides along in the query; never keep it
                }
                out.putIfAbsent(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException ignored) {
                // informational only: a malformed pair is dropped
            }
        }
        return out;
    }

    /** {@code X-ASRS-User-Claims}: "type: value" entries joined with commas; the first value per type wins. */
    static Map<String, String> claims(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String entry : raw.split(",")) {
            int colon = entry.indexOf(": ");
            if (colon > 0) {
                out.putIfAbsent(
                        entry.substring(0, colon).trim(),
                        entry.substring(colon + 2).trim());
            }
        }
        return out;
    }

    private static boolean same(String a, String b) {
        return a != null && b != null && a.equalsIgnoreCase(b);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static HttpReply bad(String detail) {
        return HttpReply.problem(ProblemType.BAD_UPSTREAM_REQUEST, detail);
    }

    private static HttpReply notFound(String detail) {
        return HttpReply.problem(ProblemType.UNKNOWN_UPSTREAM_EVENT, detail);
    }
}
