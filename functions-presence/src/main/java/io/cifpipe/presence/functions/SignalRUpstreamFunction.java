package io.cifpipe.presence.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.cifpipe.runtime.http.FunctionsHttp;
import java.util.Optional;

/**
 * SignalR Service upstream (connected, disconnected, hub method {@code decide}) as a plain HTTP trigger: Azure runs no
 * SignalR trigger for Java, and the upstream is a documented HTTP protocol. The SignalR upstream URL template is
 * {@code https://<presence>/api/signalr/{hub}/{category}/{event}}. Anonymous at the Functions level because no
 * function key belongs in that URL: {@link io.cifpipe.presence.upstream.UpstreamHandler} authenticates every request
 * (signature and/or SignalR's managed-identity token) before anything else.
 */
public final class SignalRUpstreamFunction {

    @FunctionName("signalrUpstream")
    public HttpResponseMessage upstream(
            @HttpTrigger(
                            name = "req",
                            route = Hub.UPSTREAM_ROUTE,
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            methods = {HttpMethod.POST})
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("hub") String hub,
            @BindingName("category") String category,
            @BindingName("event") String event,
            ExecutionContext context) {
        return FunctionsHttp.toResponse(
                request, PresenceRuntime.get().upstream().handle(FunctionsHttp.toCall(request), hub, category, event));
    }
}
