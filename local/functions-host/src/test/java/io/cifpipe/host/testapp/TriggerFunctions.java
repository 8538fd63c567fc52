package io.cifpipe.host.testapp;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FixedDelayRetry;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import java.util.LinkedHashMap;
import java.util.Map;

/** Timer and Service Bus functions of the host's test app, and one unsupported SignalR trigger. */
public final class TriggerFunctions {

    @FunctionName("startupTimer")
    public void startupTimer(
            @TimerTrigger(name = "timer", schedule = "0 0 0 1 1 *") String timerInfo, ExecutionContext context) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kind", "timer");
        e.put("info", timerInfo);
        Recorder.record(e);
    }

    @FunctionName("flakyTimer")
    @FixedDelayRetry(maxRetryCount = 2, delayInterval = "00:00:00")
    public void flakyTimer(
            @TimerTrigger(name = "timer", schedule = "0 0 0 1 1 *") String timerInfo, ExecutionContext context) {
        int attempt = context.getRetryContext().getRetrycount();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kind", "flaky");
        e.put("retry", attempt);
        e.put("max", context.getRetryContext().getMaxretrycount());
        e.put(
                "previous",
                context.getRetryContext().getException() == null
                        ? null
                        : context.getRetryContext().getException().getMessage());
        Recorder.record(e);
        if (attempt < 2) throw new IllegalStateException("attempt " + attempt + " fails");
    }

    @FunctionName("consume")
    public void consume(
            @ServiceBusQueueTrigger(name = "message", queueName = "%InQueue%", connection = "SbConn") String message,
            @BindingName("MessageId") String messageId,
            @BindingName("DeliveryCount") int deliveryCount,
            @BindingName("SequenceNumber") long sequenceNumber,
            @BindingName("EnqueuedTimeUtc") String enqueued,
            @BindingName("CorrelationId") String correlationId,
            @BindingName("ContentType") String contentType,
            @BindingName("Subject") String subject,
            @BindingName("ApplicationProperties") Map<String, Object> properties,
            @BindingName("UserProperties") String propertiesJson,
            ExecutionContext context) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kind", "message");
        e.put("body", message);
        e.put("MessageId", messageId);
        e.put("DeliveryCount", deliveryCount);
        e.put("SequenceNumber", sequenceNumber);
        e.put("EnqueuedTimeUtc", enqueued);
        e.put("CorrelationId", correlationId);
        e.put("ContentType", contentType);
        e.put("Subject", subject);
        e.put("ApplicationProperties", properties);
        e.put("UserPropertiesJson", propertiesJson);
        Recorder.record(e);
        if (message.contains("poison")) throw new IllegalArgumentException("poison message " + messageId);
    }

    /** Azure runs no SignalR trigger for Java: the host must report this function in error, not serve it. */
    @FunctionName("onConnected")
    public void onConnected(
            @SignalRTrigger(name = "invocation", hubName = "%HubName%", category = "connections", event = "connected")
                    String invocation,
            ExecutionContext context) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kind", "connected");
        e.put("invocation", invocation);
        Recorder.record(e);
        if (invocation.contains("\"UserId\":\"blocked\"")) throw new IllegalStateException("user blocked");
    }
}
