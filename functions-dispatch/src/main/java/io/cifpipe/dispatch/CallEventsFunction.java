package io.cifpipe.dispatch;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import java.util.Map;
import java.util.logging.Level;

/**
 * Service Bus trigger on {@code %CallEventsQueue%}. Returning completes the message; any exception abandons it
 * (Service Bus redelivers, then dead-letters after MaxDeliveryCount). Poison messages: {@link PoisonHandler}.
 */
public final class CallEventsFunction {

    @FunctionName("dispatchCallEvent")
    public void run(
            @ServiceBusQueueTrigger(name = "message", queueName = "%CallEventsQueue%", connection = "ServiceBusConnection",
                    dataType = "binary") byte[] body,
            @BindingName("MessageId") String messageId,
            @BindingName("DeliveryCount") Integer deliveryCount,
            @BindingName("ApplicationProperties") Map<String, Object> applicationProperties,
            ExecutionContext context) {
        try {
            DispatchRuntime.get().dispatcher().handle(body, applicationProperties);
        } catch (PoisonMessageException e) {
            // Java cannot dead-letter explicitly: re-send once with the cause attached, then let that copy die.
            if (PoisonHandler.shared().resendWithCause(body, messageId, applicationProperties, e)) {
                context.getLogger().log(Level.WARNING, "poison message " + messageId + ": " + e.getMessage()
                        + " — completed; a copy carrying the cause (" + PoisonHandler.copyId(messageId)
                        + ") goes to the dead-letter queue");
                return;
            }
            context.getLogger().log(Level.WARNING, "poison message " + messageId + " (delivery " + deliveryCount
                    + "): " + e.getMessage() + " — dead-lettered with its cause after MaxDeliveryCount");
            throw e;
        }
    }
}
