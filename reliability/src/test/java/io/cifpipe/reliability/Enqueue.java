package io.cifpipe.reliability;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.cifpipe.harness.Stack;
import java.time.Duration;

/** Puts one call event on the stack's {@code call-events} queue, as a telephony system with Service Bus access does. */
final class Enqueue {
    private Enqueue() {}

    static void callEvent(Stack stack, String messageId, String event) {
        ServiceBusMessage m = new ServiceBusMessage(Events.bytes(event));
        m.setMessageId(messageId);
        m.setContentType("application/cloudevents+json");
        m.setTimeToLive(Duration.ofSeconds(90));
        try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                .connectionString(stack.serviceBus().connectionString())
                .sender()
                .queueName("call-events")
                .buildClient()) {
            sender.sendMessage(m);
        }
    }
}
