package io.cifpipe.emulator.servicebus;

import static io.cifpipe.emulator.servicebus.SettlementTestSupport.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.SubQueue;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delivery count, lock expiry/renewal, TTL and duplicate detection through the real SDK. */
class MessageLifecycleTest {
    static ServiceBusEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ServiceBusEmulator.builder()
                .port(0)
                .queue(
                        QueueOptions.of("maxdc").withMaxDeliveryCount(3),
                        QueueOptions.of("locks").withLockDuration(Duration.ofSeconds(1)),
                        QueueOptions.of("renew").withLockDuration(Duration.ofSeconds(3)),
                        QueueOptions.of("ttl").withDeadLetterOnExpiration(true),
                        QueueOptions.of("ttl-drop").withDefaultTtl(Duration.ofMillis(300)),
                        QueueOptions.of("dedupe").withDuplicateDetectionWindow(Duration.ofMinutes(1)))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static ServiceBusClientBuilder client() {
        return new ServiceBusClientBuilder().connectionString(emulator.connectionString());
    }

    @Test
    void maxDeliveryCountMovesTheMessageToTheDeadLetterQueue() {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("maxdc").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("maxdc").buildClient();
                ServiceBusReceiverClient dlq = client().receiver()
                        .queueName("maxdc")
                        .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("poison"));
            for (int i = 0; i < 3; i++) {
                ServiceBusReceivedMessage m = receiveOne(receiver);
                assertThat(m.getDeliveryCount()).isEqualTo(i);
                receiver.abandon(m);
            }
            assertThat(emulator.queueStats("maxdc").total()).isZero();
            ServiceBusReceivedMessage dead = receiveOne(dlq);
            assertThat(dead.getBody().toString()).isEqualTo("poison");
            assertThat(dead.getDeadLetterReason()).isEqualTo("MaxDeliveryCountExceeded");
            assertThat(dead.getDeadLetterErrorDescription()).contains("3 delivery attempts");
            assertThat(dead.getDeadLetterSource()).isEqualTo("maxdc");
            dlq.complete(dead);
        }
    }

    @Test
    void expiredLockRedeliversWithHigherCountAndLateCompleteFailsWithLockLost() {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("locks").buildClient();
                ServiceBusReceiverClient receiver = client().receiver()
                        .queueName("locks")
                        .maxAutoLockRenewDuration(Duration.ZERO)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("slow"));
            ServiceBusReceivedMessage first = receiveOne(receiver);
            assertThat(first.getLockedUntil()).isBefore(OffsetDateTime.now().plusSeconds(3));
            ServiceBusReceivedMessage second = receiveOne(receiver); // arrives once the 1 s lock has expired
            assertThat(second.getSequenceNumber()).isEqualTo(first.getSequenceNumber());
            assertThat(second.getDeliveryCount()).isEqualTo(1);
            assertThatThrownBy(() -> receiver.complete(first))
                    .isInstanceOfSatisfying(ServiceBusException.class, e -> assertThat(e.getReason())
                            .isEqualTo(ServiceBusFailureReason.MESSAGE_LOCK_LOST));
            receiver.complete(second);
            assertThat(emulator.queueStats("locks").total()).isZero();
        }
    }

    @Test
    void renewLockKeepsTheMessageLocked() throws InterruptedException {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("renew").buildClient();
                ServiceBusReceiverClient receiver = client().receiver()
                        .queueName("renew")
                        .maxAutoLockRenewDuration(Duration.ZERO)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("renew me"));
            ServiceBusReceivedMessage m = receiveOne(receiver);
            OffsetDateTime before = m.getLockedUntil();
            for (int i = 0; i < 3; i++) {
                Thread.sleep(1500); // lock is 3 s: without renewals it would expire during this loop
                OffsetDateTime renewed = receiver.renewMessageLock(m);
                assertThat(renewed).isAfter(before);
            }
            assertThat(receiver.receiveMessages(1, Duration.ofMillis(300))).isEmpty();
            receiver.complete(m);
            assertThat(emulator.queueStats("renew").total()).isZero();
        }
    }

    @Test
    void expiredMessagesAreDeadLetteredWithTtlExpiredException() {
        try (ServiceBusSenderClient sender = client().sender().queueName("ttl").buildClient();
                ServiceBusReceiverClient dlq = client().receiver()
                        .queueName("ttl")
                        .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("short-lived").setTimeToLive(Duration.ofMillis(200)));
            ServiceBusReceivedMessage dead = receiveOne(dlq);
            assertThat(dead.getBody().toString()).isEqualTo("short-lived");
            assertThat(dead.getDeadLetterReason()).isEqualTo("TTLExpiredException");
            assertThat(dead.getDeadLetterSource()).isEqualTo("ttl");
            dlq.complete(dead);
        }
    }

    @Test
    void defaultTtlDropsExpiredMessagesWithoutDeadLetteringWhenNotConfigured() throws InterruptedException {
        try (ServiceBusSenderClient sender =
                client().sender().queueName("ttl-drop").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("gone soon"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (emulator.queueStats("ttl-drop").total() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(emulator.queueStats("ttl-drop").total()).isZero();
        assertThat(emulator.queueStats("ttl-drop").deadLetter()).isZero();
    }

    @Test
    void duplicateMessageIdsWithinTheWindowAreDropped() {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("dedupe").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("dedupe").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("first").setMessageId("same"));
            sender.sendMessage(new ServiceBusMessage("second").setMessageId("same"));
            sender.sendMessage(new ServiceBusMessage("other").setMessageId("different"));
            assertThat(emulator.queueStats("dedupe").total()).isEqualTo(2);
            List<String> bodies = new ArrayList<>();
            bodies.add(receiveOne(receiver).getBody().toString());
            bodies.add(receiveOne(receiver).getBody().toString());
            assertThat(bodies).containsExactly("first", "other");
        }
    }
}
