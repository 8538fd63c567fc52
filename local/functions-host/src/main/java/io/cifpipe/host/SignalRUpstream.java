package io.cifpipe.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.host.signalr.SignalRSignature;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SignalR extension's upstream webhook ({@code POST /runtime/webhooks/signalr}): checks content
 * type, routing headers, the {@code X-ASRS-Signature}, finds the {@code signalRTrigger} function for
 * (hub, category, event) case-insensitively, passes the InvocationContext JSON (PascalCase, as the
 * extension gives non-.NET workers) and answers with a hub-protocol Completion for invocations with an id.
 * Status codes follow the extension's SignalRTriggerDispatcher and executors.
 */
final class SignalRUpstream {
    private static final Logger LOG = LoggerFactory.getLogger(SignalRUpstream.class);
    static final char RECORD_SEPARATOR = 0x1E;

    /** A function bound to one (hub, category, event). */
    record Target(FunctionInvoker invoker, List<String> accessKeys, List<String> parameterNames) { }

    /** What to send back: status, content type (may be null) and body. */
    record Reply(int status, String contentType, String body) {
        static Reply of(int status, String message) { return new Reply(status, "text/plain; charset=utf-8", message); }
    }

    private final Map<String, Target> targets = new LinkedHashMap<>();

    /** Registers a function with a {@code signalRTrigger} binding; throws if its connection setting is missing. */
    void register(FunctionInvoker invoker, Settings settings) {
        Binding b = invoker.definition().trigger();
        String hub = b.attr("hubName").filter(s -> !s.isEmpty()).orElseThrow(() ->
                new IllegalStateException("signalRTrigger needs hubName"));
        String category = b.attr("category").filter(s -> !s.isEmpty()).orElseThrow(() ->
                new IllegalStateException("signalRTrigger needs category"));
        String event = b.attr("event").filter(s -> !s.isEmpty()).orElseThrow(() ->
                new IllegalStateException("signalRTrigger needs event"));
        String setting = b.attr("connectionStringSetting", "AzureSignalRConnectionString");
        String cs = settings.get(setting).filter(s -> !s.isBlank()).orElseThrow(() ->
                new IllegalStateException("SignalR connection setting '" + setting + "' is not set"));
        Target t = new Target(invoker, List.of(SignalRSignature.accessKey(cs)), b.list("parameterNames"));
        String key = key(hub, category, event);
        if (targets.putIfAbsent(key, t) != null) {
            throw new IllegalStateException("another function already handles SignalR " + key);
        }
    }

    boolean isEmpty() { return targets.isEmpty(); }

    private static String key(String hub, String category, String event) {
        return (hub + "/" + category + "/" + event).toLowerCase(Locale.ROOT);
    }

    /** Runs on a worker thread: the function is invoked synchronously. */
    Reply handle(HttpServerRequest request, Buffer body) {
        String contentType = request.getHeader("Content-Type");
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (mediaType.equals("application/x-msgpack")) {
            return Reply.of(415, "MessagePack upstream payloads are not supported by this local host; use the JSON protocol");
        }
        if (!mediaType.equals("application/json")) return Reply.of(415, "Content-Type must be application/json");
        String hub = request.getHeader("X-ASRS-Hub");
        String category = request.getHeader("X-ASRS-Category");
        String event = request.getHeader("X-ASRS-Event");
        String connectionId = request.getHeader("X-ASRS-Connection-Id");
        if (blank(hub) || blank(category) || blank(event)) {
            return Reply.of(400, "X-ASRS-Hub, X-ASRS-Category and X-ASRS-Event are required");
        }
        Target target = targets.get(key(hub, category, event));
        if (target == null) return Reply.of(404, "no function for hub '" + hub + "' " + category + "/" + event);
        if (!SignalRSignature.valid(request.getHeader("X-ASRS-Signature"), connectionId, target.accessKeys())) {
            return Reply.of(401, "X-ASRS-Signature does not match");
        }
        JsonNode message;
        try {
            message = parse(body);
        } catch (IllegalArgumentException e) {
            return Reply.of(400, e.getMessage());
        }
        try {
            return dispatch(request, message, target, hub, category, event, connectionId);
        } catch (RuntimeException e) {
            LOG.error("SignalR upstream {}/{}/{} failed: {}", hub, category, event, e.toString());
            return Reply.of(500, e.getMessage());
        }
    }

    private Reply dispatch(HttpServerRequest request, JsonNode message, Target target, String hub, String category,
                           String event, String connectionId) {
        ObjectNode context = HostJson.MAPPER.createObjectNode();
        context.putNull("Arguments");
        context.putNull("Error");
        context.put("Category", category);
        context.put("Event", event);
        context.put("Hub", hub);
        context.put("ConnectionId", connectionId);
        context.put("UserId", request.getHeader("X-ASRS-User-Id"));
        context.set("Headers", HostJson.MAPPER.valueToTree(headers(request.headers())));
        context.set("Query", HostJson.MAPPER.valueToTree(query(request.getHeader("X-ASRS-Client-Query"))));
        context.set("Claims", HostJson.MAPPER.valueToTree(claims(request.getHeader("X-ASRS-User-Claims"))));

        boolean isMessage = category.equalsIgnoreCase("messages");
        String invocationId = null;
        if (isMessage) {
            if (field(message, "type").asInt(-1) != 1) return Reply.of(400, "messages upstream body must be a hub Invocation");
            String targetName = field(message, "target").asText("");
            if (!targetName.equalsIgnoreCase(event)) {
                return Reply.of(500, "invocation target '" + targetName + "' does not match X-ASRS-Event '" + event + "'");
            }
            JsonNode args = field(message, "arguments");
            context.set("Arguments", args.isArray() ? args : HostJson.MAPPER.createArrayNode());
            JsonNode id = field(message, "invocationId");
            invocationId = id.isMissingNode() || id.isNull() ? null : id.asText();
        } else {
            JsonNode error = field(message, "error");
            if (!error.isMissingNode() && !error.isNull()) context.put("Error", error.asText());
        }

        Map<String, Object> metadata = new LinkedHashMap<>();
        context.fields().forEachRemaining(e -> metadata.put(e.getKey(), HostJson.MAPPER.convertValue(e.getValue(), Object.class)));
        JsonNode args = context.get("Arguments");
        if (!target.parameterNames().isEmpty()) {
            int count = args.isArray() ? args.size() : 0;
            if (count != target.parameterNames().size()) {
                return Reply.of(500, "parameterNames expects " + target.parameterNames().size() + " arguments, got " + count);
            }
            for (int i = 0; i < count; i++) {
                metadata.put(target.parameterNames().get(i), HostJson.MAPPER.convertValue(args.get(i), Object.class));
            }
        }

        String traceparent = request.getHeader("traceparent");
        try {
            FunctionInvoker.Result result = target.invoker().invoke(
                    new FunctionInvoker.Invocation(context.toString(), metadata, traceparent));
            if (invocationId == null) return new Reply(200, null, "");
            ObjectNode completion = completion(invocationId);
            completion.set("result", HostJson.MAPPER.valueToTree(result.returnValue()));
            return new Reply(200, "application/json", completion + String.valueOf(RECORD_SEPARATOR));
        } catch (FunctionInvoker.FunctionException e) {
            LOG.error("function '{}' invocation {} failed (SignalR {}/{})", e.functionName(), e.invocationId(), category,
                    event, e.getCause());
            if (category.equalsIgnoreCase("connections")) {
                return event.equalsIgnoreCase("connected") ? Reply.of(403, "connected function failed") : new Reply(200, null, "");
            }
            if (invocationId == null) return new Reply(200, null, "");
            ObjectNode completion = completion(invocationId);
            Throwable cause = e.getCause();
            completion.put("error", cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName());
            return new Reply(200, "application/json", completion + String.valueOf(RECORD_SEPARATOR));
        }
    }

    private static ObjectNode completion(String invocationId) {
        ObjectNode c = HostJson.MAPPER.createObjectNode();
        c.put("type", 3);
        c.put("invocationId", invocationId);
        return c;
    }

    private static JsonNode parse(Buffer body) {
        String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
        int rs = text.indexOf(RECORD_SEPARATOR);
        if (rs >= 0) text = text.substring(0, rs);
        if (text.isBlank()) return HostJson.MAPPER.createObjectNode();
        try {
            return HostJson.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("upstream body is not JSON: " + e.getMessage());
        }
    }

    /** The extension reads hub-protocol fields case-insensitively (the emulator writes "Type"/"Error"). */
    private static JsonNode field(JsonNode node, String name) {
        var it = node.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static Map<String, String> headers(MultiMap headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : headers.names()) out.put(name, String.join(",", headers.getAll(name)));
        return out;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) return out;
        String q = raw.startsWith("?") ? raw.substring(1) : raw;
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** {@code X-ASRS-User-Claims}: "type: value" entries, comma-joined; the first value per type wins. */
    static Map<String, String> claims(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) return out;
        for (String entry : raw.split(",")) {
            int colon = entry.indexOf(": ");
            if (colon <= 0) continue;
            out.putIfAbsent(entry.substring(0, colon).trim(), entry.substring(colon + 2).trim());
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    List<String> routes() {
        return new ArrayList<>(targets.keySet());
    }
}
