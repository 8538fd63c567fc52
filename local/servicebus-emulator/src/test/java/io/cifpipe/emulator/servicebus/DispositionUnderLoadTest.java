package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusReceiverAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.impl.ProtonDeliveryImpl;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * What the SDK relies on when it settles in PEEK_LOCK: the broker sends no more transfers than the link
 * credit, answers every unsettled disposition with a settled disposition of the same outcome type (promptly, one per
 * delivery, even when many arrive in one read), and under sustained load every {@code complete()} completes.
 */
class DispositionUnderLoadTest {

    @Test
    void transfersStayWithinCreditAndEachDispositionIsAnsweredSettledWithTheSameOutcome() throws Exception {
        try (ServiceBusEmulator emulator = ServiceBusEmulator.builder()
                .port(0)
                .queue("credit")
                .anonymousAccess(true)
                .build()
                .start()) {
            try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                    .connectionString(emulator.connectionString())
                    .sender()
                    .queueName("credit")
                    .buildClient()) {
                ServiceBusMessageBatch batch = sender.createMessageBatch();
                for (int i = 0; i < 40; i++) {
                    assertThat(batch.tryAddMessage(new ServiceBusMessage("m" + i)))
                            .isTrue();
                }
                sender.sendMessages(batch);
            }
            Vertx vertx = Vertx.vertx();
            try {
                List<ProtonDelivery> deliveries = new CopyOnWriteArrayList<>();
                Map<ProtonDelivery, DeliveryState> answers = new ConcurrentHashMap<>();
                AtomicReference<ProtonReceiver> link = new AtomicReference<>();
                vertx.runOnContext(v -> ProtonClient.create(vertx).connect("127.0.0.1", emulator.port(), res -> {
                    ProtonConnection connection = res.result();
                    connection
                            .openHandler(o -> {
                                ProtonReceiver receiver = connection.createReceiver("credit");
                                receiver.setPrefetch(0).setAutoAccept(false).handler((delivery, message) -> {
                                    // The answer to our disposition arrives as an update of this delivery.
                                    ((ProtonDeliveryImpl) delivery).handler(d -> {
                                        if (d.remotelySettled()) {
                                            answers.put(d, d.getRemoteState());
                                        }
                                    });
                                    deliveries.add(delivery);
                                });
                                receiver.openHandler(r -> {
                                            link.set(receiver);
                                            receiver.flow(10);
                                        })
                                        .open();
                            })
                            .open();
                }));
                await(() -> deliveries.size() == 10, "10 deliveries for 10 credits");
                // Everything the broker dispatched for those 10 credits is locked now: exactly 10, the rest waits.
                QueueStats stats = emulator.queueStats("credit");
                assertThat(stats.locked()).isEqualTo(10);
                assertThat(stats.active()).isEqualTo(40);

                // One read carrying all ten unsettled dispositions, mixed outcomes (the SDK's
                // complete/abandon/dead-letter).
                vertx.runOnContext(v -> {
                    for (int i = 0; i < 10; i++) {
                        DeliveryState state = i < 6 ? Accepted.getInstance() : i < 8 ? new Modified() : new Rejected();
                        deliveries.get(i).disposition(state, false);
                    }
                });
                await(() -> answers.size() == 10, "a settled answer for each of the 10 dispositions");
                for (int i = 0; i < 10; i++) {
                    Class<?> expected = i < 6 ? Accepted.class : i < 8 ? Modified.class : Rejected.class;
                    assertThat(answers.get(deliveries.get(i))).isInstanceOf(expected);
                }
                // 6 completed, 2 abandoned (back in the queue), 2 dead-lettered.
                QueueStats after = emulator.queueStats("credit");
                assertThat(after.total()).isEqualTo(32);
                assertThat(after.deadLetter()).isEqualTo(2);
                assertThat(after.locked()).isZero();

                vertx.runOnContext(v -> link.get().flow(5));
                await(() -> deliveries.size() == 15, "5 more deliveries for 5 more credits");
                assertThat(emulator.queueStats("credit").locked()).isEqualTo(5);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void everySdkCompleteSucceedsUnderSustainedLoad() throws Exception {
        int messages = 1000;
        try (ServiceBusEmulator emulator =
                ServiceBusEmulator.builder().port(0).queue("load").build().start()) {
            ServiceBusClientBuilder builder =
                    new ServiceBusClientBuilder().connectionString(emulator.connectionString());
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicReference<Throwable> firstError = new AtomicReference<>();
            // Prefetch below the SDK's 256-message delivery buffer: with more, a slow consumer makes the SDK itself
            // close
            // the link (FAIL_OVERFLOW), which is the SDK's sizing, not the broker's behaviour.
            try (ServiceBusReceiverAsyncClient receiver = builder.receiver()
                            .queueName("load")
                            .prefetchCount(200)
                            .disableAutoComplete()
                            .buildAsyncClient();
                    ServiceBusSenderClient sender =
                            builder.sender().queueName("load").buildClient()) {
                Disposable subscription = receiver.receiveMessages()
                        .flatMap(
                                m -> receiver.complete(m)
                                        .doOnSuccess(v -> completed.incrementAndGet())
                                        .onErrorResume(e -> {
                                            failed.incrementAndGet();
                                            firstError.compareAndSet(null, e);
                                            return Mono.empty();
                                        }),
                                64)
                        .subscribe();
                try {
                    byte[] body = new byte[1024];
                    int sent = 0;
                    while (sent < messages) {
                        ServiceBusMessageBatch batch = sender.createMessageBatch();
                        while (sent < messages
                                && batch.tryAddMessage(new ServiceBusMessage(BinaryData.fromBytes(body)))) {
                            sent++;
                        }
                        sender.sendMessages(batch);
                    }
                    await(() -> completed.get() + failed.get() >= messages, messages + " completes");
                } finally {
                    subscription.dispose();
                }
            }
            assertThat(firstError.get()).isNull();
            assertThat(completed.get()).isEqualTo(messages);
            assertThat(emulator.queueStats("load").total()).isZero();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
