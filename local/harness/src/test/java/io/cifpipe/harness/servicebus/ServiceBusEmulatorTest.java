package io.cifpipe.harness.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SubscriptionOptions;
import io.cifpipe.emulator.servicebus.TopicOptions;
import io.cifpipe.harness.check.OutcomeDrain;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.event.CallEnded;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallOffered;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.servicebus.MessageIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The real azure-messaging-servicebus SDK through RuntimeClients against the Service Bus emulator. */
@Tag("slow") // 13 s: the emulator behind the SDK with real lock timings: left out of ./dev test --fast
class ServiceBusEmulatorTest {
    static ServiceBusEmulator sb;
    static RuntimeClients clients;

    @BeforeAll
    static void start() {
        sb = ServiceBusEmulator.builder()
                .port(0)
                .queue(QueueOptions.of("call-events").withDuplicateDetectionWindow(Duration.ofMinutes(10)))
                .topic(TopicOptions.of("call-outcomes").withDuplicateDetectionWindow(Duration.ofMinutes(10)))
                .subscription(SubscriptionOptions.of("call-outcomes", OutcomeSubscriptions.TELEPHONY))
                .subscription(SubscriptionOptions.of("call-outcomes", OutcomeSubscriptions.OPERATIONS)
                        .withRule(SubscriptionOptions.Rule.sql(OutcomeSubscriptions.OPERATIONS_FILTER)))
                .subscription(SubscriptionOptions.of("call-outcomes", "audit")) // an integrator's own consumer
                .build()
                .start();
        Map<String, String> env = Map.of("ServiceBusConnection", sb.connectionString());
        clients = new RuntimeClients(env::get, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        clients.close();
        sb.close();
    }

    static ServiceBusReceiverClient receiver(String queue) {
        return new ServiceBusClientBuilder()
                .connectionString(sb.connectionString())
                .receiver()
                .queueName(queue)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .buildClient();
    }

    static ServiceBusReceiverClient subscriptionReceiver(String subscription) {
        return new ServiceBusClientBuilder()
                .connectionString(sb.connectionString())
                .receiver()
                .topicName("call-outcomes")
                .subscriptionName(subscription)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .buildClient();
    }

    static List<ServiceBusReceivedMessage> receiveAll(ServiceBusReceiverClient r, int expected) {
        List<ServiceBusReceivedMessage> got = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(15);
        while (got.size() < expected && Instant.now().isBefore(deadline)) {
            r.receiveMessages(expected - got.size(), Duration.ofSeconds(2)).forEach(m -> {
                got.add(m);
                r.complete(m);
            });
        }
        return got;
    }

    @Test
    void callEventsArriveWithIdTtlAndPropertiesAndDuplicatesAreDropped() {
        var offered = CallEvent.of(
                "sb-evt-1", "/pbx/1", null, new CallOffered("call-1", "agent-1", null, null, null, null, Map.of(), 20));
        var ended = CallEvent.of("sb-evt-2", "/pbx/1", null, new CallEnded("call-1", null, null));
        clients.callEvents().send(List.of(offered, ended));
        clients.callEvents().send(List.of(offered)); // caller retry: duplicate detection drops it

        try (ServiceBusReceiverClient r = receiver("call-events")) {
            List<ServiceBusReceivedMessage> got = receiveAll(r, 2);
            assertThat(r.receiveMessages(1, Duration.ofSeconds(2)).stream().toList())
                    .as("duplicate dropped")
                    .isEmpty();
            assertThat(got).extracting(ServiceBusReceivedMessage::getMessageId).containsExactly("sb-evt-1", "sb-evt-2");
            ServiceBusReceivedMessage first = got.get(0);
            assertThat(first.getTimeToLive()).isEqualTo(Duration.ofSeconds(20).plus(CallEventSender.TTL_GRACE));
            assertThat(first.getApplicationProperties())
                    .containsEntry("type", "call.offered")
                    .containsEntry("callId", "call-1")
                    .containsEntry("agentId", "agent-1");
            assertThat(clients.codec().parseEvent(first.getBody().toBytes())).isEqualTo(offered);
        }
    }

    @Test
    void everyConsumerSeesEveryOutcomeOnceAndOperationsOnlyTerminalOnes() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        Outcome delivered = Outcome.of("call-2", "agent-2", OutcomeType.DELIVERED, at, null, null, 5L);
        Outcome rejected = Outcome.of("call-2", "agent-2", OutcomeType.REJECTED, at, "c1", "busy", 10L);
        Outcome expired = Outcome.of("call-4", "agent-2", OutcomeType.EXPIRED, at, null, null, 30_000L);
        clients.outcomes().publish(delivered, null);
        clients.outcomes().publish(rejected, null);
        clients.outcomes().publish(rejected, null); // republish after a crash: same MessageId, dropped by the topic
        clients.outcomes().publish(expired, null);
        // Two independent consumers (telephony and an integrator's audit store) each get every outcome: no competing.
        for (String consumer : List.of(OutcomeSubscriptions.TELEPHONY, "audit")) {
            try (ServiceBusReceiverClient r = subscriptionReceiver(consumer)) {
                assertThat(OutcomeDrain.drain(r, Duration.ofSeconds(1), Duration.ofSeconds(20)))
                        .as(consumer)
                        .containsExactly(delivered, rejected, expired);
            }
        }
        try (ServiceBusReceiverClient r = subscriptionReceiver(OutcomeSubscriptions.OPERATIONS)) {
            assertThat(OutcomeDrain.drain(r, Duration.ofSeconds(1), Duration.ofSeconds(20)))
                    .containsExactly(rejected, expired);
        }
    }

    @Test
    void scheduledRetryArrivesOnlyAtItsTime() {
        var offered = CallEvent.of("sb-evt-3", "/pbx/1", null, CallOffered.of("call-3", "agent-3"));
        var copy = new CallEventSender(m -> {}, clients.codec()::encode, 30, 300).toMessage(offered);
        copy.setMessageId(MessageIds.retry("sb-evt-3", 1));
        Instant at = Instant.now().plusSeconds(3);
        clients.scheduler("call-events").schedule(copy, OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC));

        try (ServiceBusReceiverClient r = receiver("call-events")) {
            List<ServiceBusReceivedMessage> got = receiveAll(r, 1);
            assertThat(got).hasSize(1);
            assertThat(Instant.now()).isAfterOrEqualTo(at.minusMillis(200));
            assertThat(got.get(0).getMessageId()).isEqualTo(MessageIds.retry("sb-evt-3", 1));
        }
    }
}
