package io.cifpipe.harness.check;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import io.cifpipe.model.outcome.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads every outcome currently on {@code call-outcomes} (completing each) for the {@link InvariantChecker}. */
public final class OutcomeDrain {
    private OutcomeDrain() {}

    /**
     * Receives until a receive of up to 100 messages waited {@code idle} and got nothing, or {@code max} passed.
     * Undecodable messages fail the drain: an outcome queue must only hold valid outcomes.
     */
    public static List<Outcome> drain(ServiceBusReceiverClient receiver, Duration idle, Duration max) {
        List<Outcome> outcomes = new ArrayList<>();
        Instant deadline = Instant.now().plus(max);
        while (Instant.now().isBefore(deadline)) {
            int got = 0;
            for (ServiceBusReceivedMessage m : receiver.receiveMessages(100, idle)) {
                outcomes.add(Outcome.fromJson(m.getBody().toBytes()));
                receiver.complete(m);
                got++;
            }
            if (got == 0) {
                break;
            }
        }
        return outcomes;
    }
}
