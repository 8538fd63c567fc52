package io.cifpipe.presence.testing;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.runtime.servicebus.QueueSender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The Service Bus boundary: captures what would be sent to call-outcomes; can fail the next N sends. */
public final class CapturingQueueSender implements QueueSender {
    public final List<ServiceBusMessage> messages = new CopyOnWriteArrayList<>();
    public final AtomicInteger failNext = new AtomicInteger();

    @Override
    public void send(List<ServiceBusMessage> batch) {
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("simulated Service Bus outage");
        }
        messages.addAll(batch);
    }

    public List<Outcome> outcomes() {
        return messages.stream()
                .map(m -> Outcome.fromJson(m.getBody().toBytes()))
                .toList();
    }

    public List<Outcome> outcomesFor(String notificationId) {
        return outcomes().stream()
                .filter(o -> o.notificationId().equals(notificationId))
                .toList();
    }
}
