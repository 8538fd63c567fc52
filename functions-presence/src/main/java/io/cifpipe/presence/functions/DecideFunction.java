package io.cifpipe.presence.functions;

import com.fasterxml.jackson.core.type.TypeReference;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.notification.DecisionResult;
import io.cifpipe.presence.upstream.InvocationContext;

import java.util.Map;

/**
 * Hub method {@code decide(decision)}. The return value becomes the Completion {@code result} the client's
 * {@code invoke} resolves with; an exception becomes the Completion {@code error}. Returned as a plain map so
 * any JSON serializer (worker Gson, local host Jackson) writes the same wire names.
 */
public final class DecideFunction {

    @FunctionName("decide")
    public Map<String, Object> decide(
            @SignalRTrigger(name = "invocation", hubName = Hub.NAME, category = "messages", event = Hub.METHOD_DECIDE,
                    parameterNames = {"decision"})
            String invocation,
            ExecutionContext context) {
        DecisionResult result = PresenceRuntime.get().decisions().decide(InvocationContext.parse(invocation));
        return Json.mapper().convertValue(result, new TypeReference<Map<String, Object>>() {});
    }
}
