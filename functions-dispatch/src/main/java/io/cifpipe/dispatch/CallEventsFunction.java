package io.cifpipe.dispatch;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
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
                LOG.warn("poison message {}: {} — completed; a copy carrying the cause ({}) goes to the dead-letter queue",
                        messageId, e.getMessage(), PoisonHandler.copyId(messageId));
                return;
            }
            LOG.warn("poison message {} (delivery {}): {} — dead-lettered with its cause after MaxDeliveryCount",
                    messageId, deliveryCount, e.getMessage());
            throw e;
        }
    }
}
