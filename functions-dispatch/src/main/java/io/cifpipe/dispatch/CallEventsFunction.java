package io.cifpipe.dispatch;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import io.cifpipe.runtime.telemetry.Telemetry;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service Bus trigger on {@code %CallEventsQueue%}. Returning completes the message; any exception abandons it
 * (Service Bus redelivers, then dead-letters after MaxDeliveryCount). Poison messages: {@link PoisonHandler}.
 */
public final class CallEventsFunction {
    private static final Logger LOG = LoggerFactory.getLogger(CallEventsFunction.class);

    @FunctionName("dispatchCallEvent")
    public void run(
            @ServiceBusQueueTrigger(
                            name = "message",
                            queueName = "%CallEventsQueue%",
                            connection = "ServiceBusConnection",
                            dataType = "binary")
                    byte[] body,
            @BindingName("MessageId") String messageId,
            @BindingName("DeliveryCount") Integer deliveryCount,
            @BindingName("EnqueuedTimeUtc") String enqueuedTimeUtc,
            @BindingName("ApplicationProperties") Map<String, Object> applicationProperties,
            ExecutionContext context) {
        DispatchRuntime runtime = DispatchRuntime.get();
        try {
            runtime.dispatcher().handle(body, applicationProperties, instant(enqueuedTimeUtc));
        } catch (PoisonMessageException e) {
            // Java cannot dead-letter explicitly: re-send once with the cause attached, then let that copy die.
            if (PoisonHandler.shared().resendWithCause(body, messageId, applicationProperties, e)) {
                LOG.warn(
                        "poison message {}: {} — completed; a copy carrying the cause ({}) goes to the dead-letter queue",
                        messageId,
                        e.getMessage(),
                        PoisonHandler.copyId(messageId));
                return;
            }
            Telemetry.get().dispatchFailed(true, lastDelivery(deliveryCount, runtime));
            LOG.warn(
                    "poison message {} (delivery {}): {} — dead-lettered with its cause after MaxDeliveryCount",
                    messageId,
                    deliveryCount,
                    e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            Telemetry.get().dispatchFailed(false, lastDelivery(deliveryCount, runtime));
            throw e;
        }
    }

    /** Whether this failed delivery is the one after which Service Bus dead-letters the message. */
    private static boolean lastDelivery(Integer deliveryCount, DispatchRuntime runtime) {
        return deliveryCount != null && deliveryCount >= runtime.maxDeliveryCount();
    }

    /** Trigger metadata time (ISO-8601); null when absent or in a form we do not know (the metric is then skipped). */
    static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
