package io.cifpipe.runtime.servicebus;

import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.util.List;

/**
 * Sends messages to one queue, all-or-nothing. The seam between our services and the Service Bus SDK: production
 * uses {@link #of(ServiceBusSenderClient)}, unit tests capture the {@link ServiceBusMessage}s.
 */
@FunctionalInterface
public interface QueueSender {
    /**
     * Sends {@code messages} as one atomic batch.
     *
     * @throws MessageBatchTooLargeException when they do not fit in one Service Bus batch
     * @throws ServiceBusException           when Service Bus fails (see {@link ServiceBusException#isTransient()})
     */
    void send(List<ServiceBusMessage> messages);

    static QueueSender of(ServiceBusSenderClient client) {
        return messages -> {
            if (messages.isEmpty()) {
                return;
            }
            ServiceBusMessageBatch batch = client.createMessageBatch();
            for (ServiceBusMessage m : messages) {
                if (!batch.tryAddMessage(m)) {
                    throw new MessageBatchTooLargeException(messages.size(), batch.getMaxSizeInBytes());
                }
            }
            client.sendMessages(batch);
        };
    }
}
