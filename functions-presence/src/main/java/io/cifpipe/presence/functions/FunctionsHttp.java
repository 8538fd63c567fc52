package io.cifpipe.presence.functions;

import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import io.cifpipe.presence.http.HttpCall;
import io.cifpipe.presence.http.HttpReply;

import java.util.Optional;

/** Adapts the Functions HTTP types to the host-independent {@link HttpCall}/{@link HttpReply}. */
final class FunctionsHttp {
    private FunctionsHttp() {}

    static HttpCall toCall(HttpRequestMessage<Optional<String>> request) {
        return new HttpCall(request.getHttpMethod() == null ? "GET" : request.getHttpMethod().name(),
                request.getHeaders(), request.getQueryParameters(), request.getBody().orElse(null));
    }

    static HttpResponseMessage toResponse(HttpRequestMessage<Optional<String>> request, HttpReply reply) {
        HttpResponseMessage.Builder b = request.createResponseBuilder(HttpStatusType.custom(reply.status()));
        reply.headers().forEach(b::header);
        if (reply.body() != null) {
            b.body(reply.body());
        }
        return b.build();
    }
}
