package io.cifpipe.harness.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.TopicStats;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.testsupport.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The live drain keeps collecting across a broker restart and counts what is not an outcome. */
@Tag("slow") // 13 s: a collector over a real subscription with its waits: left out of ./dev test --fast
class OutcomeCollectorTest {

    static ServiceBusEmulator broker(int port, Path journal) {
        return ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(port)
                .journal(journal)
                .topic("call-outcomes")
                .subscription("call-outcomes", "telephony")
                .build()
                .start();
    }

    static void send(ServiceBusEmulator sb, byte[] body) {
        try (ServiceBusSenderClient s = new ServiceBusClientBuilder()
                .connectionString(sb.connectionString())
                .sender()
                .topicName("call-outcomes")
                .buildClient()) {
            s.sendMessage(new ServiceBusMessage(body));
        }
    }

    static void awaitSettled(ServiceBusEmulator sb) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            TopicStats.SubscriptionStats q = sb.subscriptionStats("call-outcomes", "telephony");
            if (q.active() == 0 && q.locked() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("call-outcomes not drained: " + sb.subscriptionStats("call-outcomes", "telephony"));
    }

    @Test
    void collectsOutcomesAcrossABrokerRestart() throws Exception {
        int port = FreePorts.free();
        Path journal = Files.createTempDirectory("collector-journal");
        ServiceBusEmulator[] sb = {broker(port, journal)};
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Outcome first = Outcome.of("c1", "a1", OutcomeType.UNDELIVERABLE, t, null, null, 0L);
        Outcome second = Outcome.of("c2", "a1", OutcomeType.ACCEPTED, t, null, null, 1L);
        List<String> ids = List.of(NotificationId.of("c1", "a1"), NotificationId.of("c2", "a1"));
        try (OutcomeCollector collector =
                new OutcomeCollector(() -> sb[0].connectionString(), "call-outcomes", "telephony")) {
            send(sb[0], first.toJson());
            send(sb[0], "{\"not\":\"an outcome\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(collector.awaitTerminal(ids.subList(0, 1), Duration.ofSeconds(20), Duration.ZERO))
                    .isTrue();
            awaitSettled(sb[0]); // both completes journaled: a complete lost in the restart would redeliver

            sb[0].close();
            sb[0] = broker(port, journal);
            send(sb[0], second.toJson());

            assertThat(collector.awaitTerminal(ids, Duration.ofSeconds(30), Duration.ZERO))
                    .as("second outcome after the restart")
                    .isTrue();
            assertThat(collector.outcomes()).containsExactly(first, second);
            assertThat(collector.undecodable()).isEqualTo(1);
            assertThat(collector.settled(List.of("n1~other~a1"))).isZero();
        } finally {
            sb[0].close();
        }
    }
}
