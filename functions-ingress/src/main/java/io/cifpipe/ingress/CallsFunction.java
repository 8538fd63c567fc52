package io.cifpipe.ingress;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Map;
import java.util.Optional;

/** HTTP adapter for {@link IngressService}: {@code POST /api/calls}, {@code GET /api/calls/{callId}}. */
public final class CallsFunction {

    @FunctionName("postCalls")
    public HttpResponseMessage post(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "calls", dataType = "binary") HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        Map<String, String> headers = request.getHeaders();
        HttpResult result = IngressRuntime.get().service().post(request.getBody().orElse(new byte[0]),
                header(headers, "content-type"), header(headers, "authorization"), header(headers, "traceparent"));
        return respond(request, result);
    }

    @FunctionName("getCall")
    public HttpResponseMessage get(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION,
                    route = "calls/{callId}") HttpRequestMessage<Optional<String>> request,
            @BindingName("callId") String callId,
            ExecutionContext context) {
        return respond(request, IngressRuntime.get().service().status(callId));
    }

    /** The host lower-cases header names; look up case-insensitively anyway. */
    static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String v = headers.get(name);
        if (v != null) {
            return v;
        }
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    static HttpResponseMessage respond(HttpRequestMessage<?> request, HttpResult result) {
        HttpResponseMessage.Builder b = java.util.Arrays.stream(HttpStatus.values())
                .filter(s -> s.value() == result.status()).findFirst()
                .map(request::createResponseBuilder)
                .orElseGet(() -> request.createResponseBuilder(HttpStatusType.custom(result.status())));
        result.headers().forEach(b::header);
        return b.body(result.body()).build();
    }
}
