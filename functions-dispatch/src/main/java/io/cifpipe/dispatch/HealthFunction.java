package io.cifpipe.dispatch;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/** Anonymous readiness probe: {@code GET /api/health}. */
public final class HealthFunction {
    @FunctionName("health")
    public HttpResponseMessage run(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            route = "health")
                    HttpRequestMessage<Optional<String>> request) {
        return request.createResponseBuilder(HttpStatus.OK).body("ok").build();
    }
}
