package io.cifpipe.emulator.servicebus;

import static io.cifpipe.emulator.servicebus.SettlementTestSupport.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.AbandonOptions;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.azure.messaging.servicebus.models.SubQueue;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The unmodified SDK against topics and subscriptions: fan-out, every settlement, TTL, scheduling, duplicates. */
class TopicSubscriptionTest {
    static ServiceBusEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ServiceBusEmulator.builder()
                .port(0)
                .adminPort(0)
                .queue("plain-queue")
                .topic(
                        TopicOptions.of("fan"),
                        TopicOptions.of("settle"),
                        TopicOptions.of("ttl"),
                        TopicOptions.of("sched"),
                        TopicOptions.of("dedupe").withDuplicateDetectionWindow(Duration.ofMinutes(5)),
                        TopicOptions.of("topic-ttl").withDefaultTtl(Duration.ofMillis(300)),
                        TopicOptions.of("nobody"))
                .subscription("fan", "a")
                .subscription("fan", "b")
                .subscription(SubscriptionOptions.of("settle", "s").withMaxDeliveryCount(2))
                .subscription(SubscriptionOptions.of("settle", "locks").withLockDuration(Duration.ofSeconds(1)))
                .subscription(SubscriptionOptions.of("ttl", "dl")
                        .withDefaultTtl(Duration.ofMillis(300))
                        .withDeadLetterOnExpiration(true))
                .subscription(SubscriptionOptions.of("ttl", "keep"))
                .subscription(SubscriptionOptions.of("topic-ttl", "dl").withDeadLetterOnExpiration(true))
                .subscription("sched", "s")
                .subscription("dedupe", "s")
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

    static ServiceBusReceiverClient receiver(String topic, String sub) {
        return client().receiver().topicName(topic).subscriptionName(sub).buildClient();
    }

    @Test
    void everySubscriptionGetsItsOwnCopyWithTheTopicsSequenceNumber() {
        try (ServiceBusSenderClient sender = client().sender().topicName("fan").buildClient();
                ServiceBusReceiverClient a = receiver("fan", "a");
                ServiceBusReceiverClient b = client().receiver()
                        .topicName("fan")
                        .subscriptionName("b")
                        .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                        .buildClient()) {
            ServiceBusMessage one = new ServiceBusMessage("one").setMessageId("m1");
            one.getApplicationProperties().put("k", "v");
            sender.sendMessages(List.of(one, new ServiceBusMessage("two")));
            ServiceBusReceivedMessage a1 = receiveOne(a);
            ServiceBusReceivedMessage b1 = receiveOne(b);
            assertThat(a1.getBody().toString()).isEqualTo("one");
            assertThat(b1.getBody().toString()).isEqualTo("one");
            assertThat(a1.getSequenceNumber()).isEqualTo(b1.getSequenceNumber());
            assertThat(a1.getApplicationProperties()).containsEntry("k", "v");
            assertThat(a1.getLockToken()).isNotNull();
            // Completing in one subscription leaves the other's copy alone.
            a.complete(a1);
            assertThat(receiveOne(b).getBody().toString()).isEqualTo("two");
            ServiceBusReceivedMessage a2 = receiveOne(a);
            assertThat(a2.getBody().toString()).isEqualTo("two");
            a.complete(a2);
            assertThat(emulator.subscriptionStats("fan", "a").total()).isZero();
            assertThat(emulator.subscriptionStats("fan", "b").total()).isZero();
        }
    }

    @Test
    void processorOnASubscriptionSeesEveryMessage() throws InterruptedException {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch latch = new CountDownLatch(5);
        ServiceBusProcessorClient processor = client().processor()
                .topicName("fan")
                .subscriptionName("a")
                .processMessage(ctx -> {
                    seen.add(ctx.getMessage().getBody().toString());
                    latch.countDown();
                })
                .processError(ctx -> {})
                .buildProcessorClient();
        processor.start();
        try (ServiceBusSenderClient sender = client().sender().topicName("fan").buildClient();
                ServiceBusReceiverClient b = client().receiver()
                        .topicName("fan")
                        .subscriptionName("b")
                        .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                        .buildClient()) {
            for (int i = 0; i < 5; i++) {
                sender.sendMessage(new ServiceBusMessage("p" + i));
            }
            assertThat(latch.await(20, TimeUnit.SECONDS)).isTrue();
            List<String> other = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                other.add(receiveOne(b).getBody().toString());
            }
            assertThat(other).containsExactly("p0", "p1", "p2", "p3", "p4");
        } finally {
            processor.close();
        }
        assertThat(seen).containsExactly("p0", "p1", "p2", "p3", "p4");
    }

    @Test
    void abandonDeferDeadLetterAndMaxDeliveryCountWorkPerSubscription() {
        try (ServiceBusSenderClient sender =
                        client().sender().topicName("settle").buildClient();
                ServiceBusReceiverClient s = receiver("settle", "s");
                ServiceBusReceiverClient dlq = client().receiver()
                        .topicName("settle")
                        .subscriptionName("s")
                        .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                        .buildClient();
                ServiceBusReceiverClient locks = client().receiver()
                        .topicName("settle")
                        .subscriptionName("locks")
                        .maxAutoLockRenewDuration(Duration.ZERO)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("poison"));
            // abandon twice with maxDeliveryCount 2: dead-lettered into the subscription's DLQ
            ServiceBusReceivedMessage first = receiveOne(s);
            s.abandon(first, new AbandonOptions().setPropertiesToModify(Map.of("try", 1)));
            ServiceBusReceivedMessage second = receiveOne(s);
            assertThat(second.getDeliveryCount()).isEqualTo(1);
            assertThat(second.getApplicationProperties()).containsEntry("try", 1);
            s.abandon(second);
            ServiceBusReceivedMessage dead = receiveOne(dlq);
            assertThat(dead.getDeadLetterReason()).isEqualTo("MaxDeliveryCountExceeded");
            assertThat(dead.getDeadLetterSource()).isEqualTo("settle/subscriptions/s");
            dlq.complete(dead);

            sender.sendMessage(new ServiceBusMessage("defer me"));
            ServiceBusReceivedMessage deferMe = receiveOne(s);
            s.defer(deferMe);
            assertThat(emulator.subscriptionStats("settle", "s").deferred()).isEqualTo(1);
            ServiceBusReceivedMessage deferred = s.receiveDeferredMessage(deferMe.getSequenceNumber());
            assertThat(deferred.getBody().toString()).isEqualTo("defer me");
            s.deadLetter(
                    deferred, new DeadLetterOptions().setDeadLetterReason("Bad").setDeadLetterErrorDescription("why"));
            ServiceBusReceivedMessage dead2 = receiveOne(dlq);
            assertThat(dead2.getDeadLetterReason()).isEqualTo("Bad");
            assertThat(dead2.getDeadLetterErrorDescription()).isEqualTo("why");
            dlq.complete(dead2);

            // The other subscription's copies were untouched by all that; its 1 s lock expires and redelivers.
            ServiceBusReceivedMessage l1 = receiveOne(locks);
            assertThat(l1.getBody().toString()).isEqualTo("poison");
            ServiceBusReceivedMessage again = receiveOne(locks);
            if (again.getSequenceNumber() != l1.getSequenceNumber()) {
                locks.complete(again); // "defer me" was ahead of the redelivery
                again = receiveOne(locks);
            } else {
                locks.complete(receiveOne(locks));
            }
            assertThat(again.getSequenceNumber()).isEqualTo(l1.getSequenceNumber());
            assertThat(again.getDeliveryCount()).isGreaterThan(l1.getDeliveryCount()); // the 1 s lock may lapse twice
            assertThatThrownBy(() -> locks.complete(l1))
                    .isInstanceOfSatisfying(ServiceBusException.class, e -> assertThat(e.getReason())
                            .isEqualTo(ServiceBusFailureReason.MESSAGE_LOCK_LOST));
            locks.complete(again);
            assertThat(emulator.subscriptionStats("settle", "s").total()).isZero();
            assertThat(emulator.subscriptionStats("settle", "s").deadLetter()).isZero();
            assertThat(emulator.subscriptionStats("settle", "locks").total()).isZero();
        }
    }

    @Test
    void peekAndRenewLockWorkOnASubscription() {
        try (ServiceBusSenderClient sender = client().sender().topicName("fan").buildClient();
                ServiceBusReceiverClient a = receiver("fan", "a");
                ServiceBusReceiverClient b = client().receiver()
                        .topicName("fan")
                        .subscriptionName("b")
                        .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("peek me"));
            ServiceBusReceivedMessage peeked = a.peekMessage();
            assertThat(peeked.getBody().toString()).isEqualTo("peek me");
            ServiceBusReceivedMessage m = receiveOne(a);
            OffsetDateTime renewed = a.renewMessageLock(m);
            assertThat(renewed).isAfterOrEqualTo(m.getLockedUntil());
            a.complete(m);
            receiveOne(b);
        }
    }

    @Test
    void subscriptionTtlDeadLettersItsOwnCopyOnly() {
        try (ServiceBusSenderClient sender = client().sender().topicName("ttl").buildClient();
                ServiceBusReceiverClient dlq = client().receiver()
                        .topicName("ttl")
                        .subscriptionName("dl")
                        .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                        .buildClient();
                ServiceBusReceiverClient keep = receiver("ttl", "keep")) {
            sender.sendMessage(new ServiceBusMessage("short"));
            ServiceBusReceivedMessage dead = receiveOne(dlq);
            assertThat(dead.getDeadLetterReason()).isEqualTo("TTLExpiredException");
            dlq.complete(dead);
            ServiceBusReceivedMessage kept = receiveOne(keep);
            assertThat(kept.getBody().toString()).isEqualTo("short");
            keep.complete(kept);
        }
    }

    @Test
    void topicDefaultTtlAppliesToSubscriptions() {
        try (ServiceBusSenderClient sender =
                        client().sender().topicName("topic-ttl").buildClient();
                ServiceBusReceiverClient dlq = client().receiver()
                        .topicName("topic-ttl")
                        .subscriptionName("dl")
                        .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("expires"));
            ServiceBusReceivedMessage dead = receiveOne(dlq);
            assertThat(dead.getDeadLetterReason()).isEqualTo("TTLExpiredException");
            assertThat(dead.getTimeToLive()).isEqualTo(Duration.ofMillis(300));
            dlq.complete(dead);
        }
    }

    @Test
    void scheduledMessagesWaitOnTheTopicAndCanBeCancelled() throws InterruptedException {
        try (ServiceBusSenderClient sender =
                        client().sender().topicName("sched").buildClient();
                ServiceBusReceiverClient s = receiver("sched", "s")) {
            long cancelled = sender.scheduleMessage(
                    new ServiceBusMessage("never"), OffsetDateTime.now().plusHours(1));
            long soon = sender.scheduleMessage(
                    new ServiceBusMessage("soon"), OffsetDateTime.now().plusSeconds(1));
            sender.sendMessage(new ServiceBusMessage("now")
                    .setScheduledEnqueueTime(OffsetDateTime.now().plusSeconds(1)));
            TopicStats stats = emulator.topicStats().stream()
                    .filter(t -> t.name().equals("sched"))
                    .findFirst()
                    .orElseThrow();
            assertThat(stats.scheduled()).isEqualTo(3);
            assertThat(emulator.subscriptionStats("sched", "s").total()).isZero();
            sender.cancelScheduledMessage(cancelled);
            List<String> bodies = new ArrayList<>();
            ServiceBusReceivedMessage first = receiveOne(s);
            assertThat(first.getSequenceNumber()).isEqualTo(soon);
            bodies.add(first.getBody().toString());
            bodies.add(receiveOne(s).getBody().toString());
            assertThat(bodies).containsExactlyInAnyOrder("soon", "now");
            assertThat(s.receiveMessages(1, Duration.ofMillis(500))).isEmpty();
            assertThat(emulator.topicStats().stream()
                            .filter(t -> t.name().equals("sched"))
                            .findFirst()
                            .orElseThrow()
                            .scheduled())
                    .isZero();
        }
    }

    @Test
    void duplicateDetectionHappensOnTheTopic() {
        try (ServiceBusSenderClient sender =
                        client().sender().topicName("dedupe").buildClient();
                ServiceBusReceiverClient s = receiver("dedupe", "s")) {
            sender.sendMessage(new ServiceBusMessage("first").setMessageId("same"));
            sender.sendMessage(new ServiceBusMessage("second").setMessageId("same"));
            sender.sendMessage(new ServiceBusMessage("other").setMessageId("different"));
            assertThat(emulator.subscriptionStats("dedupe", "s").total()).isEqualTo(2);
            ServiceBusReceivedMessage one = receiveOne(s);
            ServiceBusReceivedMessage two = receiveOne(s);
            assertThat(List.of(one.getBody().toString(), two.getBody().toString()))
                    .containsExactly("first", "other");
            s.complete(one);
            s.complete(two);
        }
    }

    @Test
    void aTopicWithoutSubscriptionsAcceptsAndDropsMessages() {
        try (ServiceBusSenderClient sender =
                client().sender().topicName("nobody").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("into the void"));
        }
        assertThat(emulator.topicStats().stream()
                        .filter(t -> t.name().equals("nobody"))
                        .findFirst()
                        .orElseThrow()
                        .subscriptions())
                .isEmpty();
    }

    @Test
    void wrongAddressesGetTheServiceErrors() {
        // Receiving from a topic, sending to a subscription, unknown subscriptions.
        try (ServiceBusReceiverClient topicReceiver =
                client().receiver().queueName("fan").buildClient()) {
            assertThatThrownBy(() -> topicReceiver.receiveMessages(1, Duration.ofSeconds(5)).stream()
                            .count())
                    .hasStackTraceContaining("cannot be received from a topic");
        }
        try (ServiceBusSenderClient toSubscription =
                client().sender().queueName("fan/subscriptions/a").buildClient()) {
            assertThatThrownBy(() -> toSubscription.sendMessage(new ServiceBusMessage("x")))
                    .hasStackTraceContaining("cannot be sent to a subscription");
        }
        try (ServiceBusReceiverClient unknown = receiver("fan", "nope")) {
            // The sync receiver wraps the link error; the cause names the missing entity.
            assertThatThrownBy(() -> unknown.receiveMessages(1, Duration.ofSeconds(5)).stream()
                            .count())
                    .hasStackTraceContaining("fan/subscriptions/nope' could not be found");
        }
        try (ServiceBusSenderClient unknownTopic =
                client().sender().topicName("no-such-topic").buildClient()) {
            assertThatThrownBy(() -> unknownTopic.sendMessage(new ServiceBusMessage("x")))
                    .isInstanceOfSatisfying(ServiceBusException.class, e -> assertThat(e.getReason())
                            .isEqualTo(ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND));
        }
        assertThat(emulator.subscriptionStats("fan", "a").total()).isZero();
    }
}
