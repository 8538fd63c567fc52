package io.cifpipe.presence.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import io.cifpipe.presence.upstream.InvocationContext;

/**
 * SignalR upstream connection events. The host checks the upstream signature ({@code X-ASRS-Signature})
 * before we run. A failing {@code connected} makes the service refuse the connection (HTTP 403 upstream).
 */
public final class ConnectionEventsFunction {

    @FunctionName("connected")
    public void connected(
            @SignalRTrigger(name = "invocation", hubName = Hub.NAME, category = "connections", event = "connected")
            String invocation,
            ExecutionContext context) {
        PresenceRuntime.get().connections().connected(InvocationContext.parse(invocation));
    }

    @FunctionName("disconnected")
    public void disconnected(
            @SignalRTrigger(name = "invocation", hubName = Hub.NAME, category = "connections", event = "disconnected")
            String invocation,
            ExecutionContext context) {
        PresenceRuntime.get().connections().disconnected(InvocationContext.parse(invocation));
    }
}
