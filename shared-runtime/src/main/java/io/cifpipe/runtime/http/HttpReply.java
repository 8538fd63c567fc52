package io.cifpipe.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.validation.ProblemDetails;
import io.cifpipe.model.validation.ProblemType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A host-independent HTTP answer produced by the apps' services; {@link FunctionsHttp#toResponse} copies it onto the
 * Functions response builder. Keeps the services testable without the Functions runtime. Every JSON and problem
 * answer carries {@code Cache-Control: no-store}: they are per-request state (tokens, ledger rows, refusals).
 */
public record HttpReply(int status, Map<String, String> headers, String body) {

    public HttpReply {
        headers = Map.copyOf(headers);
    }

    public static HttpReply json(int status, Object value) {
        try {
            return new HttpReply(
                    status,
                    Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                    Json.mapper().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply body is not serialisable", e);
        }
    }

    /** RFC 9457 problem+json with the status of {@code problem}. */
    public static HttpReply problem(ProblemDetails problem) {
        return new HttpReply(
                problem.status(),
                Map.of("Content-Type", ProblemDetails.MEDIA_TYPE, "Cache-Control", "no-store"),
                problem.toJson());
    }

    /** RFC 9457 problem+json of {@code type} (its title and status); {@code detail} explains this occurrence. */
    public static HttpReply problem(ProblemType type, String detail) {
        return problem(type.details(detail));
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

    /** The body as UTF-8 bytes (empty when there is none). */
    public byte[] bodyBytes() {
        return body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    }
}
