package io.cifpipe.dispatch;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import java.util.Map;
import java.util.logging.Level;

/**
 * Service Bus trigger on {@code %CallEventsQueue%}. Returning completes the message; any exception abandons it
 * (Service Bus redelivers, then dead-letters after MaxDeliveryCount).
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
            context.getLogger().log(Level.SEVERE, "poison message " + messageId + " (delivery " + deliveryCount
                    + "): " + e.getMessage() + " — it will be dead-lettered after MaxDeliveryCount");
            throw e;
        }
    }
}
