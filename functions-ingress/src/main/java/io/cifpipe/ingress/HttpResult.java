package io.cifpipe.ingress;

import io.cifpipe.model.json.Json;
import io.cifpipe.model.validation.ProblemDetails;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer independent of the Functions API, so services are tested without a host. */
public record HttpResult(int status, Map<String, String> headers, byte[] body) {
    public HttpResult {
        headers = Map.copyOf(headers);
    }

    public static HttpResult problem(ProblemDetails problem, Map<String, String> extraHeaders) {
        Map<String, String> h = new LinkedHashMap<>(extraHeaders);
        h.put("Content-Type", ProblemDetails.MEDIA_TYPE);
        return new HttpResult(problem.status(), h, problem.toJson().getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResult json(int status, Object body, Map<String, String> extraHeaders) {
        Map<String, String> h = new LinkedHashMap<>(extraHeaders);
        h.put("Content-Type", "application/json");
        try {
            return new HttpResult(status, h, Json.mapper().writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("response bodies are always serialisable", e);
        }
    }

    public String bodyText() { return new String(body, StandardCharsets.UTF_8); }
}
