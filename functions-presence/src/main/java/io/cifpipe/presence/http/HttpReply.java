package io.cifpipe.presence.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.validation.ProblemDetails;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A host-independent HTTP answer produced by the services; the @FunctionName classes copy it onto the
 * Functions response builder. Keeps the services testable without the Functions runtime.
 */
public record HttpReply(int status, Map<String, String> headers, String body) {

    public HttpReply {
        headers = Map.copyOf(headers);
    }

    public static HttpReply json(int status, Object value) {
        try {
            return new HttpReply(status, Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                    Json.mapper().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply body is not serialisable", e);
        }
    }

    /** RFC 9457 problem+json; {@code type} is a stable URN clients may switch on. */
    public static HttpReply problem(int status, String type, String title, String detail) {
        ProblemDetails p = new ProblemDetails(type, title, status, detail, null, java.util.List.of());
        return new HttpReply(status, Map.of("Content-Type", ProblemDetails.MEDIA_TYPE, "Cache-Control", "no-store"),
                p.toJson());
    }

    public static HttpReply empty(int status) {
        return new HttpReply(status, Map.of(), null);
    }

    /** A copy with {@code extra} headers added (replacing same-named ones). */
    public HttpReply withHeaders(Map<String, String> extra) {
        if (extra.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new LinkedHashMap<>(headers);
        merged.putAll(extra);
        return new HttpReply(status, merged, body);
    }

    public HttpReply withHeader(String name, String value) {
        return withHeaders(Map.of(name, value));
    }
}
