package io.cifpipe.emulator.servicebus;

import static io.cifpipe.emulator.servicebus.SettlementTestSupport.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SettlementTest {
    static ServiceBusEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ServiceBusEmulator.builder()
                .port(0)
                .adminPort(0)
                .queue(
                        QueueOptions.of("abandon"),
                        QueueOptions.of("defer"),
                        QueueOptions.of("dlq"),
                        QueueOptions.of("proc-auto"),
                        QueueOptions.of("proc-manual").withLockDuration(Duration.ofSeconds(5)),
                        QueueOptions.of("peek"),
                        QueueOptions.of("sched"),
                        QueueOptions.of("proc-slow").withLockDuration(Duration.ofSeconds(4)))
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
    void abandonWithPropertiesRedeliversWithHigherDeliveryCount() {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("abandon").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("abandon").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("a"));
            ServiceBusReceivedMessage first = receiveOne(receiver);
            assertThat(first.getDeliveryCount()).isZero();
            receiver.abandon(first, new AbandonOptions().setPropertiesToModify(Map.of("attempt", "1")));
            ServiceBusReceivedMessage second = receiveOne(receiver);
            assertThat(second.getSequenceNumber()).isEqualTo(first.getSequenceNumber());
            assertThat(second.getDeliveryCount()).isEqualTo(1);
            assertThat(second.getApplicationProperties()).containsEntry("attempt", "1");
            assertThat(second.getLockToken()).isNotEqualTo(first.getLockToken());
            receiver.complete(second);
        }
    }

    @Test
    void deferredMessageIsReceivedBySequenceNumber() {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("defer").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("defer").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("later"));
            ServiceBusReceivedMessage m = receiveOne(receiver);
            receiver.defer(m);
            assertThat(emulator.queueStats("defer").deferred()).isEqualTo(1);
            ServiceBusReceivedMessage deferred = receiver.receiveDeferredMessage(m.getSequenceNumber());
            assertThat(deferred.getBody().toString()).isEqualTo("later");
            assertThat(deferred.getState().toString()).isEqualTo("DEFERRED");
            receiver.complete(deferred);
            assertThat(emulator.queueStats("defer").total()).isZero();
        }
    }

    @Test
    void deadLetteredMessageAppearsInTheDeadLetterSubQueueWithReason() {
        try (ServiceBusSenderClient sender = client().sender().queueName("dlq").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("dlq").buildClient();
                ServiceBusReceiverClient dlq = client().receiver()
                        .queueName("dlq")
                        .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("poison").setMessageId("p1"));
            ServiceBusReceivedMessage m = receiveOne(receiver);
            receiver.deadLetter(
                    m,
                    new DeadLetterOptions()
                            .setDeadLetterReason("BadPayload")
                            .setDeadLetterErrorDescription("field x missing"));
            assertThat(emulator.queueStats("dlq").deadLetter()).isEqualTo(1);
            ServiceBusReceivedMessage dead = receiveOne(dlq);
            assertThat(dead.getMessageId()).isEqualTo("p1");
            assertThat(dead.getDeadLetterReason()).isEqualTo("BadPayload");
            assertThat(dead.getDeadLetterErrorDescription()).isEqualTo("field x missing");
            assertThat(dead.getDeadLetterSource()).isEqualTo("dlq");
            dlq.complete(dead);
            assertThat(emulator.queueStats("dlq").deadLetter()).isZero();
        }
    }

    @Test
    void processorAutoCompletes() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(5);
        List<String> bodies = new CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        ServiceBusProcessorClient processor = client().processor()
                .queueName("proc-auto")
                .processMessage(ctx -> {
                    bodies.add(ctx.getMessage().getBody().toString());
                    done.countDown();
                })
                .processError((ServiceBusErrorContext ctx) -> errors.add(ctx.getException()))
                .buildProcessorClient();
        try (ServiceBusSenderClient sender =
                client().sender().queueName("proc-auto").buildClient()) {
            processor.start();
            for (int i = 0; i < 5; i++) {
                sender.sendMessage(new ServiceBusMessage("p" + i));
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            awaitTotal("proc-auto", 0);
        } finally {
            processor.close();
        }
        assertThat(bodies).containsExactlyInAnyOrder("p0", "p1", "p2", "p3", "p4");
        assertThat(errors).isEmpty();
    }

    @Test
    void processorManualSettlementAbandonsThenCompletes() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        List<Long> deliveryCounts = new CopyOnWriteArrayList<>();
        ServiceBusProcessorClient processor = client().processor()
                .queueName("proc-manual")
                .disableAutoComplete()
                .processMessage(ctx -> {
                    deliveryCounts.add(ctx.getMessage().getDeliveryCount());
                    if (ctx.getMessage().getDeliveryCount() == 0) {
                        ctx.abandon();
                    } else {
                        ctx.complete();
                        done.countDown();
                    }
                })
                .processError(ctx -> {})
                .buildProcessorClient();
        try (ServiceBusSenderClient sender =
                client().sender().queueName("proc-manual").buildClient()) {
            processor.start();
            sender.sendMessage(new ServiceBusMessage("manual"));
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            awaitTotal("proc-manual", 0);
        } finally {
            processor.close();
        }
        assertThat(deliveryCounts).containsExactly(0L, 1L);
    }

    @Test
    void processorRenewsTheLockWhileASlowHandlerRuns() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        List<Long> deliveryCounts = new CopyOnWriteArrayList<>();
        ServiceBusProcessorClient processor = client().processor()
                .queueName("proc-slow")
                .processMessage(ctx -> {
                    deliveryCounts.add(ctx.getMessage().getDeliveryCount());
                    try {
                        Thread.sleep(5000); // longer than the 4 s lock: only auto lock renewal keeps it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.countDown();
                })
                .processError(ctx -> {})
                .buildProcessorClient();
        try (ServiceBusSenderClient sender =
                client().sender().queueName("proc-slow").buildClient()) {
            processor.start();
            sender.sendMessage(new ServiceBusMessage("slow"));
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            awaitTotal("proc-slow", 0);
        } finally {
            processor.close();
        }
        assertThat(deliveryCounts).containsExactly(0L);
    }

    @Test
    void peekShowsMessagesWithoutLockingThem() {
        try (ServiceBusSenderClient sender = client().sender().queueName("peek").buildClient();
                ServiceBusReceiverClient receiver =
                        client().receiver().queueName("peek").buildClient()) {
            sender.sendMessages(List.of(
                    new ServiceBusMessage("one"), new ServiceBusMessage("two"), new ServiceBusMessage("three")));
            List<String> peeked = new ArrayList<>();
            receiver.peekMessages(10).forEach(m -> peeked.add(m.getBody().toString()));
            assertThat(peeked).containsExactly("one", "two", "three");
            ServiceBusReceivedMessage next = receiver.peekMessage();
            assertThat(next).isNull();
            assertThat(receiver.peekMessage(1).getBody().toString()).isEqualTo("one");
            assertThat(emulator.queueStats("peek").locked()).isZero();
        }
    }

    @Test
    void scheduledMessagesArriveAtTheirTimeAndCanBeCancelled() {
        try (ServiceBusSenderClient sender =
                        client().sender().queueName("sched").buildClient();
                ServiceBusReceiverClient receiver = client().receiver()
                        .queueName("sched")
                        .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                        .buildClient()) {
            OffsetDateTime soon = OffsetDateTime.now().plusSeconds(2);
            long keep = sender.scheduleMessage(new ServiceBusMessage("keep"), soon);
            long cancel = sender.scheduleMessage(
                    new ServiceBusMessage("cancel"), OffsetDateTime.now().plusHours(1));
            assertThat(emulator.queueStats("sched").scheduled()).isGreaterThanOrEqualTo(1);
            sender.cancelScheduledMessage(cancel);
            ServiceBusReceivedMessage m = receiveOne(receiver);
            // Timing-safe "not early" check: it can only be received once its time has come.
            assertThat(OffsetDateTime.now()).isAfterOrEqualTo(soon.minusNanos(1_000_000));
            assertThat(m.getSequenceNumber()).isEqualTo(keep);
            assertThat(m.getBody().toString()).isEqualTo("keep");
            assertThat(m.getScheduledEnqueueTime()).isNotNull();
            OffsetDateTime later = OffsetDateTime.now().plusSeconds(1);
            sender.sendMessage(new ServiceBusMessage("via-property").setScheduledEnqueueTime(later));
            assertThat(receiveOne(receiver).getBody().toString()).isEqualTo("via-property");
            assertThat(OffsetDateTime.now()).isAfterOrEqualTo(later.minusNanos(1_000_000));
            assertThat(emulator.queueStats("sched").total()).isZero(); // the cancelled one is gone too
        }
    }

    static void awaitTotal(String queue, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (emulator.queueStats(queue).total() != expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(emulator.queueStats(queue).total()).isEqualTo(expected);
    }
}
