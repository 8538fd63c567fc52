package io.cifpipe.presence.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.cifpipe.runtime.http.FunctionsHttp;
import java.util.Optional;

/**
 * SignalR negotiate for the agent panel. Anonymous at the Functions level on purpose: the Entra bearer
 * token is validated in code (a function key would have to ship to browsers). OPTIONS is routed here so
 * CORS preflights get our allow-list answer.
 */
public final class NegotiateFunction {

    @FunctionName("negotiate")
    public HttpResponseMessage negotiate(
            @HttpTrigger(
                            name = "req",
                            route = "negotiate",
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            methods = {HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS})
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return FunctionsHttp.toResponse(
                request, PresenceRuntime.get().negotiate().handle(FunctionsHttp.toCall(request)));
    }
}
