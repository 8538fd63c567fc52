package io.cifpipe.runtime.servicebus;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.OffsetDateTime;

/** Schedules a message onto one queue for later delivery (Service Bus {@code schedule-message}). Seam for tests. */
@FunctionalInterface
public interface MessageScheduler {
    void schedule(ServiceBusMessage message, OffsetDateTime at);

    static MessageScheduler of(ServiceBusSenderClient client) {
        return (message, at) -> client.scheduleMessage(message, at);
    }
}
