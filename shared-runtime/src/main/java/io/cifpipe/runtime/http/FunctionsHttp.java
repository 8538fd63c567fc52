package io.cifpipe.runtime.http;

import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import java.util.Map;
import java.util.Optional;

/** Adapts the Functions HTTP types to the host-independent {@link HttpCall}/{@link HttpReply}; used by every app. */
public final class FunctionsHttp {
    private FunctionsHttp() {}

    public static HttpCall toCall(HttpRequestMessage<Optional<String>> request) {
        return new HttpCall(
                request.getHttpMethod() == null
                        ? "GET"
                        : request.getHttpMethod().name(),
                request.getHeaders(),
                request.getQueryParameters(),
                request.getBody().orElse(null));
    }

    public static HttpResponseMessage toResponse(HttpRequestMessage<?> request, HttpReply reply) {
        HttpResponseMessage.Builder b = request.createResponseBuilder(HttpStatusType.custom(reply.status()));
        reply.headers().forEach(b::header);
        if (reply.body() != null) {
            b.body(reply.body());
        }
        return b.build();
    }

    /** A request header, case-insensitively (the Functions host lower-cases names; other hosts may not). */
    public static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String v = headers.get(name);
        if (v != null) {
            return v;
        }
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}
