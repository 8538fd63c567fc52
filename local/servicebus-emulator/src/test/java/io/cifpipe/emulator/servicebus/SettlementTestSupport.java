package io.cifpipe.emulator.servicebus;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import java.time.Duration;

/** Shared polling helpers for the SDK integration tests (bounded in time, no fixed sleeps). */
final class SettlementTestSupport {
    private SettlementTestSupport() {}

    static ServiceBusReceivedMessage receiveOne(ServiceBusReceiverClient receiver) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (ServiceBusReceivedMessage m : receiver.receiveMessages(1, Duration.ofSeconds(2))) {
                return m;
            }
        }
        throw new AssertionError("no message within 20 s");
    }
}
