package io.cifpipe.ingress;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.cifpipe.runtime.http.FunctionsHttp;
import io.cifpipe.runtime.http.HttpReply;
import java.util.Map;
import java.util.Optional;

/** HTTP adapter for {@link IngressService}: {@code POST /api/calls}, {@code GET /api/calls/{callId}}. */
public final class CallsFunction {

    @FunctionName("postCalls")
    public HttpResponseMessage post(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            authLevel = AuthorizationLevel.FUNCTION,
                            route = "calls",
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        Map<String, String> headers = request.getHeaders();
        HttpReply result = IngressRuntime.get()
                .service()
                .post(
                        request.getBody().orElse(new byte[0]),
                        FunctionsHttp.header(headers, "content-type"),
                        FunctionsHttp.header(headers, "authorization"),
                        FunctionsHttp.header(headers, "traceparent"));
        return FunctionsHttp.toResponse(request, result);
    }

    @FunctionName("getCall")
    public HttpResponseMessage get(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.FUNCTION,
                            route = "calls/{callId}")
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("callId") String callId,
            ExecutionContext context) {
        return FunctionsHttp.toResponse(request, IngressRuntime.get().service().status(callId));
    }
}
