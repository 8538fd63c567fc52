package io.cifpipe.presence.upstream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SignalR trigger value a non-.NET worker receives: the extension's InvocationContext serialized with
 * PascalCase keys. {@code UserId} is set by SignalR Service from the validated client access token (which
 * negotiate minted from the Entra token's oid), so it is the only trusted user id here; {@code Headers},
 * {@code Query} and {@code Claims} are informational (Headers/Query are partly client-controlled).
 */
public record InvocationContext(
        @JsonProperty("Arguments") List<JsonNode> arguments,
        @JsonProperty("Error") String error,
        @JsonProperty("Category") String category,
        @JsonProperty("Event") String event,
        @JsonProperty("Hub") String hub,
        @JsonProperty("ConnectionId") String connectionId,
        @JsonProperty("UserId") String userId,
        @JsonProperty("Headers") Map<String, String> headers,
        @JsonProperty("Query") Map<String, String> query,
        @JsonProperty("Claims") Map<String, String> claims) {

    public InvocationContext {
        arguments = arguments == null ? List.of() : List.copyOf(arguments);
        headers = caseInsensitive(headers);
        query = query == null ? Map.of() : Map.copyOf(query);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
    }

    /** Parses the trigger value; throws {@link IllegalArgumentException} for malformed input. */
    public static InvocationContext parse(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("empty SignalR invocation context");
        }
        try {
            InvocationContext ctx = Json.strictMapper().readValue(json, InvocationContext.class);
            if (ctx.connectionId() == null || ctx.connectionId().isBlank()) {
                throw new IllegalArgumentException("SignalR invocation context has no ConnectionId");
            }
            return ctx;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed SignalR invocation context: " + e.getOriginalMessage(), e);
        }
    }

    /** A request header of the client's connect request (case-insensitive), or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The user agent the client reported: browser JS sends X-SignalR-User-Agent, Node/Java User-Agent. */
    public String userAgent() {
        String ua = header("X-SignalR-User-Agent");
        return ua != null ? ua : header("User-Agent");
    }

    public boolean hasUser() {
        return userId != null && !userId.isBlank();
    }

    private static Map<String, String> caseInsensitive(Map<String, String> in) {
        TreeMap<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (in != null) {
            in.forEach((k, v) -> {
                if (k != null) {
                    m.put(k.toLowerCase(Locale.ROOT), v);
                }
            });
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
