package io.cifpipe.emulator.servicebus;

import static io.cifpipe.emulator.servicebus.SettlementTestSupport.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.azure.messaging.servicebus.models.SubQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a journal, a restart loses no accepted message and keeps states (deferred, scheduled, dead-lettered). */
class JournalRestartTest {

    private static ServiceBusEmulator emulator(Path journal, int port) {
        return ServiceBusEmulator.builder()
                .port(port)
                .journal(journal)
                .queue("durable")
                .build()
                .start();
    }

    @Test
    void restartKeepsEveryAcceptedMessageAndItsState(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("journal");
        long deferredSeq;
        long scheduledSeq;
        long lastSeq;
        int port;
        try (ServiceBusEmulator first = emulator(journal, 0)) {
            port = first.port();
            ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(first.connectionString());
            try (ServiceBusSenderClient sender =
                            client.sender().queueName("durable").buildClient();
                    ServiceBusReceiverClient receiver =
                            client.receiver().queueName("durable").buildClient()) {
                List<ServiceBusMessage> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(new ServiceBusMessage("m" + i).setMessageId("id-" + i));
                }
                sender.sendMessages(batch);
                scheduledSeq = sender.scheduleMessage(
                        new ServiceBusMessage("scheduled"), OffsetDateTime.now().plusHours(1));
                ServiceBusReceivedMessage completeMe = receiveOne(receiver);
                receiver.complete(completeMe);
                ServiceBusReceivedMessage deferMe = receiveOne(receiver);
                receiver.defer(deferMe);
                deferredSeq = deferMe.getSequenceNumber();
                ServiceBusReceivedMessage deadMe = receiveOne(receiver);
                receiver.deadLetter(deadMe, new DeadLetterOptions().setDeadLetterReason("Testing"));
                lastSeq = scheduledSeq;
            }
            QueueStats before = first.queueStats("durable");
            assertThat(before.total()).isEqualTo(19); // 20 sent + 1 scheduled - 1 completed - 1 dead-lettered
            assertThat(before.deferred()).isEqualTo(1);
            assertThat(before.scheduled()).isEqualTo(1);
            assertThat(before.deadLetter()).isEqualTo(1);
        }
        assertThat(Files.size(journal.resolve("journal.log"))).isPositive();

        try (ServiceBusEmulator second = emulator(journal, 0)) {
            QueueStats after = second.queueStats("durable");
            assertThat(after.total()).isEqualTo(19);
            assertThat(after.deferred()).isEqualTo(1);
            assertThat(after.scheduled()).isEqualTo(1);
            assertThat(after.deadLetter()).isEqualTo(1);
            ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(second.connectionString());
            try (ServiceBusSenderClient sender =
                            client.sender().queueName("durable").buildClient();
                    ServiceBusReceiverClient receiver =
                            client.receiver().queueName("durable").buildClient();
                    ServiceBusReceiverClient dlq = client.receiver()
                            .queueName("durable")
                            .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                            .buildClient()) {
                Set<String> bodies = new HashSet<>();
                for (int i = 0; i < 17; i++) { // 20 sent - completed - deferred - dead-lettered
                    ServiceBusReceivedMessage m = receiveOne(receiver);
                    bodies.add(m.getBody().toString());
                    receiver.complete(m);
                }
                assertThat(bodies).hasSize(17);
                ServiceBusReceivedMessage deferred = receiver.receiveDeferredMessage(deferredSeq);
                receiver.complete(deferred);
                ServiceBusReceivedMessage dead = receiveOne(dlq);
                assertThat(dead.getDeadLetterReason()).isEqualTo("Testing");
                dlq.complete(dead);
                sender.cancelScheduledMessage(scheduledSeq);
                long newSeq = sender.scheduleMessage(
                        new ServiceBusMessage("new"), OffsetDateTime.now().plusHours(1));
                assertThat(newSeq).isGreaterThan(lastSeq);
            }
            assertThat(second.queueStats("durable").total()).isEqualTo(1);
        }
        assertThat(port).isPositive();
    }
}
