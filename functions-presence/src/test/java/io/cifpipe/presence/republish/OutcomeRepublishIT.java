package io.cifpipe.presence.republish;

import static io.cifpipe.presence.testing.Fixture.decide;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.cifpipe.harness.Topology;
import io.cifpipe.harness.parts.ServiceBusPart;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.presence.testing.Fixture;
import io.cifpipe.presence.upstream.DecisionService;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.servicebus.MessageIds;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.servicebus.QueueSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service Bus fails while an agent decides, the client never retries, and the outcome still reaches call-outcomes
 * exactly once once the republisher's timer runs: the real azure-messaging-servicebus SDK (RuntimeClients, the
 * production retry options) against the Service Bus emulator with duplicate detection on call-outcomes, the real
 * ledger on Azurite.
 */
class OutcomeRepublishIT {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRepublishIT.class);
    static final String AGENT = "agent-oid-it";
    static final String OUTCOMES = "call-outcomes";
    static final String TELEPHONY = "telephony";

    /**
     * One emulator and one app's clients for the class (a test that stops the emulator starts it again on the same
     * port); call-outcomes as infra creates it: duplicate detection 10 min, read here as telephony.
     */
    static ServiceBusPart sb;

    static RuntimeClients clients;
    final Fixture f = new Fixture();

    @BeforeAll
    static void start() {
        sb = ServiceBusPart.inMemory(Topology.bicep());
        sb.start();
        clients = new RuntimeClients(
                Map.of("ServiceBusConnection", sb.emulator().connectionString())::get, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        clients.close();
        sb.close();
    }

    @AfterEach
    void closeFixture() {
        f.close();
    }

    OutcomeRepublisher republisher(OutcomePublisher publisher, Clock clock) {
        return new OutcomeRepublisher(
                new UnpublishedDecisionScan(f.notifications, UnpublishedDecisionScan.Limits.DEFAULT),
                f.ledger,
                publisher,
                clock,
                OutcomeRepublisher.Limits.DEFAULT);
    }

    /**
     * The messages on call-outcomes for {@code n} (all others completed and ignored): receives until {@code expected}
     * arrived (at most 30 s; a cold receiver link takes a moment), then two more seconds so a duplicate would show.
     */
    List<ServiceBusReceivedMessage> received(NotificationRecord n, int expected) {
        List<ServiceBusReceivedMessage> got = new ArrayList<>();
        try (ServiceBusReceiverClient r = new ServiceBusClientBuilder()
                .connectionString(sb.emulator().connectionString())
                .receiver()
                .topicName(OUTCOMES)
                .subscriptionName(TELEPHONY)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .buildClient()) {
            Instant deadline = Instant.now().plusSeconds(30);
            while (got.size() < expected && Instant.now().isBefore(deadline)) {
                receiveInto(r, n, got, Duration.ofSeconds(2));
            }
            receiveInto(r, n, got, Duration.ofSeconds(2));
        }
        return got;
    }

    private static void receiveInto(
            ServiceBusReceiverClient r, NotificationRecord n, List<ServiceBusReceivedMessage> got, Duration wait) {
        for (ServiceBusReceivedMessage m : r.receiveMessages(50, wait)) {
            r.complete(m);
            if (n.notificationId().equals(m.getApplicationProperties().get("notificationId"))) got.add(m);
        }
    }

    static String messageId(NotificationRecord n, OutcomeType t) {
        return MessageIds.outcome(n.notificationId(), t.wireName());
    }

    @Test
    void serviceBusDownDuringDecideAndNoClientRetryTheTimerPublishesDeliveredAndTheDecisionExactlyOnce() {
        OutcomePublisher publisher = clients.outcomes();
        DecisionService decisions =
                new DecisionService(f.ledger, f.claim, f.agents, f.registry, f.signalRClient, publisher, 1, f.clock);
        // An established sender, as in a running app.
        NotificationRecord before = f.ringing(AGENT);
        decisions.decide(decide(AGENT, "tab-a", before.notificationId(), "reject"));
        // Notify overtook dispatch: the decision records DELIVERED too and owes Delivered + Accepted.
        Instant now = f.clock.instant();
        NotificationRecord n =
                f.notification(AGENT, NotificationState.OFFERED, now.minusSeconds(1), now.plusSeconds(60));

        sb.stop();
        Instant t0 = Instant.now();
        assertThatThrownBy(() -> decisions.decide(decide(AGENT, "tab-a", n.notificationId(), "accept")))
                .isInstanceOf(RuntimeException.class);
        LOG.info(
                "decide failed after {} ms with Service Bus down",
                Duration.between(t0, Instant.now()).toMillis());
        assertThat(f.entry(n).state()).isEqualTo(NotificationState.ACCEPTED);
        assertThat(f.entry(n).outcomePending()).isTrue();
        // The client never retries. Service Bus comes back (same endpoint; the app's sender reconnects).
        sb.start();

        // The timer fires (here: every second, bounded) until the grace has passed and the row is republished.
        OutcomeRepublisher republisher = republisher(publisher, Clock.systemUTC());
        Instant deadline = Instant.now().plusSeconds(40);
        int republished = 0;
        while (republished == 0 && Instant.now().isBefore(deadline)) {
            republished = republisher.run().republished();
            if (republished == 0) sleep(Duration.ofSeconds(1));
        }
        assertThat(republished).isEqualTo(1);
        assertThat(f.entry(n).published()).isEqualTo(NotificationState.ACCEPTED);
        // Later runs and a late decide retry change nothing.
        assertThat(republisher.run().republished()).isZero();
        assertThat(decisions
                        .decide(decide(AGENT, "tab-a", n.notificationId(), "accept"))
                        .outcome())
                .isEqualTo(OutcomeType.ACCEPTED);

        List<ServiceBusReceivedMessage> forN = received(n, 2);
        assertThat(forN)
                .extracting(ServiceBusReceivedMessage::getMessageId)
                .containsExactly(messageId(n, OutcomeType.DELIVERED), messageId(n, OutcomeType.ACCEPTED));
        assertThat(forN)
                .extracting(m -> Outcome.fromJson(m.getBody().toBytes()).outcome())
                .containsExactly(OutcomeType.DELIVERED, OutcomeType.ACCEPTED);
        assertThat(Outcome.fromJson(forN.get(1).getBody().toBytes()).connectionId())
                .isEqualTo("tab-a");
    }

    @Test
    void aPublishThatReachedServiceBusBeforeTheFailureIsNotDuplicatedByTheRepublisherOrALateRetry() {
        QueueSender real = clients.topicSender(OUTCOMES);
        AtomicBoolean crashAfterSend = new AtomicBoolean(true);
        // The send succeeds but the invocation dies before the row is marked (e.g. the host recycled).
        OutcomePublisher publisher = new OutcomePublisher(messages -> {
            real.send(messages);
            if (crashAfterSend.getAndSet(false)) throw new IllegalStateException("invocation died after the send");
        });
        DecisionService decisions =
                new DecisionService(f.ledger, f.claim, f.agents, f.registry, f.signalRClient, publisher, 1, f.clock);
        NotificationRecord n = f.ringing(AGENT);
        f.ledger.markPublished(n.callId(), AGENT, NotificationState.DELIVERED);

        assertThatThrownBy(() -> decisions.decide(decide(AGENT, "tab-a", n.notificationId(), "reject")))
                .hasMessageContaining("died after the send");
        assertThat(f.entry(n).outcomePending()).isTrue();

        assertThat(republisher(publisher, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(30)))
                        .run()
                        .republished())
                .isEqualTo(1);
        decisions.decide(decide(AGENT, "tab-a", n.notificationId(), "reject")); // a late retry: row already marked

        List<ServiceBusReceivedMessage> forN = received(n, 1);
        assertThat(forN).singleElement().satisfies(m -> {
            assertThat(m.getMessageId()).isEqualTo(messageId(n, OutcomeType.REJECTED));
            assertThat(Outcome.fromJson(m.getBody().toBytes()).outcome()).isEqualTo(OutcomeType.REJECTED);
        });
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
