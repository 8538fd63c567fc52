package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SendReceiveTest {
    static ServiceBusEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ServiceBusEmulator.builder()
                .port(0)
                .queue(QueueOptions.of("single"), QueueOptions.of("batch"), QueueOptions.of("rad"))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private ServiceBusClientBuilder client() {
        return new ServiceBusClientBuilder().connectionString(emulator.connectionString());
    }

    @Test
    void sendsAndReceivesInPeekLockWithSystemProperties() {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("single").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("single").buildClient()) {
            ServiceBusMessage message = new ServiceBusMessage("hello")
                    .setMessageId("m-1")
                    .setSubject("greeting")
                    .setContentType("text/plain")
                    .setCorrelationId("corr");
            message.getApplicationProperties().put("callId", "c-42");
            message.setTimeToLive(Duration.ofMinutes(5));
            sender.sendMessage(message);

            List<ServiceBusReceivedMessage> received = new ArrayList<>();
            receiver.receiveMessages(1, Duration.ofSeconds(10)).forEach(received::add);
            assertThat(received).hasSize(1);
            ServiceBusReceivedMessage m = received.get(0);
            assertThat(m.getBody().toString()).isEqualTo("hello");
            assertThat(m.getMessageId()).isEqualTo("m-1");
            assertThat(m.getSubject()).isEqualTo("greeting");
            assertThat(m.getContentType()).isEqualTo("text/plain");
            assertThat(m.getCorrelationId()).isEqualTo("corr");
            assertThat(m.getApplicationProperties()).containsEntry("callId", "c-42");
            assertThat(m.getSequenceNumber()).isPositive();
            assertThat(m.getEnqueuedTime()).isNotNull();
            assertThat(m.getLockedUntil()).isAfter(m.getEnqueuedTime());
            assertThat(m.getLockToken()).isNotBlank().isNotEqualTo("00000000-0000-0000-0000-000000000000");
            assertThat(m.getDeliveryCount()).isZero();
            assertThat(m.getTimeToLive()).isEqualTo(Duration.ofMinutes(5));
            receiver.complete(m);
        }
        assertThat(emulator.queueStats("single").total()).isZero();
    }

    @Test
    void sendsABatchAndReceivesEveryMessageInOrder() {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("batch").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("batch").buildClient()) {
            ServiceBusMessageBatch batch = sender.createMessageBatch();
            for (int i = 0; i < 25; i++) {
                assertThat(batch.tryAddMessage(
                                new ServiceBusMessage(BinaryData.fromString("b" + i)).setMessageId("id" + i)))
                        .isTrue();
            }
            sender.sendMessages(batch);
            List<String> bodies = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (bodies.size() < 25 && System.nanoTime() < deadline) {
                for (ServiceBusReceivedMessage m : receiver.receiveMessages(25, Duration.ofSeconds(2))) {
                    bodies.add(m.getBody().toString());
                    receiver.complete(m);
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                expected.add("b" + i);
            }
            assertThat(bodies).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void largeMessagesSpanningManyFramesArriveIntact() {
        byte[] body = new byte[200 * 1024];
        new java.util.Random(7).nextBytes(body);
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("single").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("single").buildClient()) {
            sender.sendMessage(new ServiceBusMessage(body));
            ServiceBusReceivedMessage m = SettlementTestSupport.receiveOne(receiver);
            assertThat(m.getBody().toBytes()).isEqualTo(body);
            receiver.complete(m);
        }
    }

    @Test
    void receiveAndDeleteRemovesOnDelivery() {
        try (ServiceBusSenderClient sender = client().sender().queueName("rad").buildClient();
                ServiceBusReceiverClient receiver = client().receiver()
                        .queueName("rad")
                        .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                        .buildClient()) {
            sender.sendMessages(List.of(new ServiceBusMessage("x"), new ServiceBusMessage("y")));
            List<String> bodies = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (bodies.size() < 2 && System.nanoTime() < deadline) {
                receiver.receiveMessages(2, Duration.ofSeconds(2))
                        .forEach(m -> bodies.add(m.getBody().toString()));
            }
            assertThat(bodies).containsExactly("x", "y");
        }
        assertThat(emulator.queueStats("rad").total()).isZero();
    }
}
