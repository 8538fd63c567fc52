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

/** Seed-compatible {@code userclient}: confirm/refresh the caller's own connection (bearer token checked in code). */
public final class UserClientFunction {

    @FunctionName("userclient")
    public HttpResponseMessage userClient(
            @HttpTrigger(
                            name = "req",
                            route = "userclient",
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            methods = {HttpMethod.POST, HttpMethod.OPTIONS})
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return FunctionsHttp.toResponse(
                request, PresenceRuntime.get().userClient().handle(FunctionsHttp.toCall(request)));
    }
}
