package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/**
 * A plain (non-Azure) AMQP client, as a benchmark would use against any broker: works only in anonymous-access mode,
 * and is refused with amqp:unauthorized-access otherwise.
 */
class PlainAmqpClientTest {
    private static final int MESSAGES = 2000;

    @Test
    void plainClientSendsAndReceivesEveryMessageOnceWithAnonymousAccess() throws Exception {
        try (ServiceBusEmulator emulator = ServiceBusEmulator.builder()
                .port(0)
                .queue("bench")
                .anonymousAccess(true)
                .build()
                .start()) {
            Vertx vertx = Vertx.vertx();
            try {
                Set<String> received = new HashSet<>();
                AtomicInteger accepted = new AtomicInteger();
                CompletableFuture<Long> done = new CompletableFuture<>();
                long start = System.nanoTime();
                vertx.runOnContext(v -> ProtonClient.create(vertx)
                        .connect(new ProtonClientOptions(), "127.0.0.1", emulator.port(), res -> {
                            ProtonConnection connection = res.result();
                            connection
                                    .openHandler(o -> {
                                        ProtonReceiver receiver = connection.createReceiver("bench");
                                        receiver.setPrefetch(500)
                                                .handler((delivery, message) -> {
                                                    received.add(String.valueOf(message.getMessageId()));
                                                    if (received.size() == MESSAGES) {
                                                        done.complete(System.nanoTime() - start);
                                                    }
                                                })
                                                .open();
                                        ProtonSender sender = connection.createSender("bench");
                                        byte[] body = new byte[1024];
                                        AtomicInteger next = new AtomicInteger();
                                        // Credit-respecting sender, as a benchmark client would be.
                                        io.vertx.core.Handler<ProtonSender> pump = s -> {
                                            while (!s.sendQueueFull() && next.get() < MESSAGES) {
                                                Message m = Proton.message();
                                                m.setMessageId("m" + next.getAndIncrement());
                                                m.setBody(new Data(new Binary(body)));
                                                s.send(m, d -> accepted.incrementAndGet());
                                            }
                                        };
                                        sender.sendQueueDrainHandler(pump);
                                        sender.open();
                                    })
                                    .open();
                        }));
                long nanos = done.get(60, TimeUnit.SECONDS);
                System.out.printf(
                        "plain AMQP: %d x 1 KiB sent+received+accepted in %d ms (%.0f msg/s)%n",
                        MESSAGES, nanos / 1_000_000, MESSAGES / (nanos / 1e9));
                assertThat(received).hasSize(MESSAGES);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (emulator.queueStats("bench").total() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(emulator.queueStats("bench").total()).isZero();
                assertThat(accepted.get()).isEqualTo(MESSAGES);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void plainClientIsRefusedWithoutAToken() throws Exception {
        try (ServiceBusEmulator emulator =
                ServiceBusEmulator.builder().port(0).queue("bench").build().start()) {
            Vertx vertx = Vertx.vertx();
            try {
                CompletableFuture<String> refused = new CompletableFuture<>();
                vertx.runOnContext(v -> ProtonClient.create(vertx)
                        .connect(new ProtonClientOptions(), "127.0.0.1", emulator.port(), res -> res.result()
                                .openHandler(o -> {
                                    ProtonSender sender = res.result().createSender("bench");
                                    sender.closeHandler(c -> refused.complete(String.valueOf(
                                            sender.getRemoteCondition().getCondition())));
                                    sender.open();
                                })
                                .open()));
                assertThat(refused.get(10, TimeUnit.SECONDS)).isEqualTo("amqp:unauthorized-access");
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
