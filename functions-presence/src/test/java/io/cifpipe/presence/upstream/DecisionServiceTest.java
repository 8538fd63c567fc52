package io.cifpipe.presence.upstream;

import static io.cifpipe.presence.testing.Fixture.decide;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.Names;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.DecisionResult;
import io.cifpipe.model.notification.DecisionStatus;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.presence.testing.Fixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** decide against the real ledger on Azurite (ETags), the real SignalR REST client, captured outcomes. */
class DecisionServiceTest {
    static final String AGENT = "agent-oid-1";
    static final String OTHER = "agent-oid-2";

    final Fixture f = new Fixture();
    final DecisionService service =
            new DecisionService(f.ledger, f.claim, f.agents, f.registry, f.signalRClient, f.outcomes, 1, f.clock);

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void acceptIsRecordedPublishedAndOtherTabsAreTold() {
        NotificationRecord n = f.ringing(AGENT);
        f.connect(AGENT, "tab-a");
        f.connect(AGENT, "tab-b");
        f.connect(OTHER, "other-agent-tab");

        DecisionResult result = service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));

        assertThat(result)
                .isEqualTo(new DecisionResult(n.notificationId(), DecisionStatus.RECORDED, OutcomeType.ACCEPTED));
        var entry = f.entry(n);
        assertThat(entry.state()).isEqualTo(NotificationState.ACCEPTED);
        assertThat(entry.record().connectionId()).isEqualTo("tab-a");
        assertThat(entry.published()).isEqualTo(NotificationState.ACCEPTED);
        List<Outcome> published = f.sender.outcomesFor(n.notificationId());
        assertThat(published).hasSize(1);
        Outcome o = published.get(0);
        assertThat(o.outcome()).isEqualTo(OutcomeType.ACCEPTED);
        assertThat(o.connectionId()).isEqualTo("tab-a");
        assertThat(o.latencyMs()).isBetween(1_500L, 60_000L); // offered 2 s before the decision
        assertThat(f.sender.messages.get(0).getApplicationProperties())
                .containsEntry(Names.PROP_TRACEPARENT, n.traceparent());

        assertThat(f.signalR.sentTo("tab-b")).singleElement().satisfies(s -> {
            assertThat(s.target()).isEqualTo(Names.TARGET_DECIDED);
            assertThat(s.arguments().get(0).get("notificationId").asText()).isEqualTo(n.notificationId());
            assertThat(s.arguments().get(0).get("outcome").asText()).isEqualTo("Accepted");
        });
        assertThat(f.signalR.sentTo("tab-a")).isEmpty();
        assertThat(f.signalR.sentTo("other-agent-tab")).isEmpty();
    }

    @Test
    void rejectCarriesTheReason() {
        NotificationRecord n = f.ringing(AGENT);
        DecisionResult r = service.decide(
                Fixture.InvocationsFor.decideWithReason(AGENT, "tab-a", n.notificationId(), "reject", "busy"));
        assertThat(r.status()).isEqualTo(DecisionStatus.RECORDED);
        assertThat(r.outcome()).isEqualTo(OutcomeType.REJECTED);
        assertThat(f.sender.outcomesFor(n.notificationId())).singleElement().satisfies(o -> assertThat(o.reason())
                .isEqualTo("busy"));
    }

    @Test
    void decisionFromAnotherUsersConnectionIsRefusedAndNothingRecorded() {
        NotificationRecord n = f.ringing(AGENT);
        f.connect(OTHER, "intruder");

        assertThatThrownBy(() -> service.decide(decide(OTHER, "intruder", n.notificationId(), "accept")))
                .isInstanceOfSatisfying(DecisionRefusedException.class, e -> assertThat(e.code())
                        .isEqualTo("not-yours"));
        assertThatThrownBy(() -> service.decide(decide(null, "anonymous", n.notificationId(), "accept")))
                .isInstanceOf(DecisionRefusedException.class);

        assertThat(f.entry(n).state()).isEqualTo(NotificationState.DELIVERED);
        assertThat(f.sender.messages).isEmpty();
        assertThat(f.signalR.sent).isEmpty();
    }

    @Test
    void secondDecisionGetsAlreadyDecided() {
        NotificationRecord n = f.ringing(AGENT);
        service.decide(decide(AGENT, "tab-a", n.notificationId(), "reject"));

        DecisionResult second = service.decide(decide(AGENT, "tab-b", n.notificationId(), "accept"));

        assertThat(second)
                .isEqualTo(
                        new DecisionResult(n.notificationId(), DecisionStatus.ALREADY_DECIDED, OutcomeType.REJECTED));
        assertThat(f.entry(n).state()).isEqualTo(NotificationState.REJECTED);
        assertThat(f.sender.outcomesFor(n.notificationId()))
                .extracting(Outcome::outcome)
                .containsExactly(OutcomeType.REJECTED);
    }

    @Test
    void sameTabRetryingTheSameDecisionIsIdempotent() {
        NotificationRecord n = f.ringing(AGENT);
        service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));
        DecisionResult retry = service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));
        assertThat(retry.status()).isEqualTo(DecisionStatus.RECORDED);
        assertThat(f.sender.outcomesFor(n.notificationId())).hasSize(1);
    }

    @Test
    void decisionAfterTheRingWindowIsRefusedAsExpired() {
        Instant now = f.clock.instant();
        NotificationRecord n =
                f.notification(AGENT, NotificationState.DELIVERED, now.minusSeconds(40), now.minusSeconds(1));

        DecisionResult r = service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));

        assertThat(r.status()).isEqualTo(DecisionStatus.EXPIRED);
        assertThat(f.entry(n).state()).isEqualTo(NotificationState.DELIVERED); // the expiry sweep owns EXPIRED
        assertThat(f.sender.messages).isEmpty();
    }

    @Test
    void decisionOnWithdrawnNotificationIsRefusedAsExpired() {
        NotificationRecord n = f.ringing(AGENT);
        f.ledger.moveTo(n.callId(), AGENT, NotificationState.WITHDRAWN, f.clock.instant(), null, "call.answered");
        DecisionResult r = service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));
        assertThat(r).isEqualTo(new DecisionResult(n.notificationId(), DecisionStatus.EXPIRED, OutcomeType.WITHDRAWN));
    }

    @Test
    void unknownNotificationOfTheCallerIsUnknown() {
        DecisionResult r = service.decide(decide(
                AGENT, "tab-a", io.cifpipe.model.notification.NotificationId.of("no-such-call", AGENT), "accept"));
        assertThat(r.status()).isEqualTo(DecisionStatus.UNKNOWN);
    }

    @Test
    void decisionBeforeDispatchRecordedDeliveryAlsoRecordsDelivered() {
        Instant now = f.clock.instant();
        NotificationRecord n =
                f.notification(AGENT, NotificationState.OFFERED, now.minusSeconds(1), now.plusSeconds(30));

        DecisionResult r = service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));

        assertThat(r.status()).isEqualTo(DecisionStatus.RECORDED);
        assertThat(f.entry(n).record().enteredAt(NotificationState.DELIVERED)).isNotNull();
        assertThat(f.sender.outcomesFor(n.notificationId()))
                .extracting(Outcome::outcome)
                .containsExactly(OutcomeType.DELIVERED, OutcomeType.ACCEPTED);
    }

    @Test
    void malformedArgumentsAreRefusedWithAClearError() {
        NotificationRecord n = f.ringing(AGENT);
        assertThatThrownBy(() -> service.decide(InvocationContext.parse(Fixture.decideInvocation(
                        AGENT, "tab-a", Map.of("notificationId", n.notificationId(), "decision", "maybe")))))
                .isInstanceOf(DecisionRefusedException.class)
                .hasMessageContaining("invalid")
                .hasMessageContaining("/decision");
        assertThatThrownBy(() -> service.decide(InvocationContext.parse(
                        Fixture.invocation("messages", "decide", AGENT, "tab-a", List.of(), Map.of()))))
                .isInstanceOf(DecisionRefusedException.class)
                .hasMessageContaining("exactly one argument");
        assertThat(f.entry(n).state()).isEqualTo(NotificationState.DELIVERED);
    }

    @Test
    void publishOutageFailsTheInvocationAndTheRetryCompletesThePublish() {
        NotificationRecord n = f.ringing(AGENT);
        f.sender.failNext.set(1);

        assertThatThrownBy(() -> service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept")))
                .hasMessageContaining("Service Bus");
        assertThat(f.entry(n).state()).isEqualTo(NotificationState.ACCEPTED);
        assertThat(f.entry(n).outcomePending()).isTrue();

        DecisionResult retry = service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));
        assertThat(retry.status()).isEqualTo(DecisionStatus.RECORDED);
        assertThat(f.sender.outcomesFor(n.notificationId()))
                .extracting(Outcome::outcome)
                .containsExactly(OutcomeType.ACCEPTED);
        assertThat(f.entry(n).outcomePending()).isFalse();
    }

    /** Two tabs of one agent decide at the same instant, many times over: exactly one wins each time. */
    @Test
    void twoTabsDecidingAtOnceExactlyOneWins() throws Exception {
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < rounds; i++) {
                NotificationRecord n = f.ringing(AGENT);
                CountDownLatch go = new CountDownLatch(1);
                Future<DecisionResult> a = pool.submit(() -> {
                    go.await();
                    return service.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));
                });
                Future<DecisionResult> b = pool.submit(() -> {
                    go.await();
                    return service.decide(decide(AGENT, "tab-b", n.notificationId(), "reject"));
                });
                go.countDown();
                List<DecisionResult> results =
                        new ArrayList<>(List.of(a.get(20, TimeUnit.SECONDS), b.get(20, TimeUnit.SECONDS)));

                assertThat(results)
                        .extracting(DecisionResult::status)
                        .containsExactlyInAnyOrder(DecisionStatus.RECORDED, DecisionStatus.ALREADY_DECIDED);
                OutcomeType winner = results.stream()
                        .filter(r -> r.status() == DecisionStatus.RECORDED)
                        .findFirst()
                        .orElseThrow()
                        .outcome();
                assertThat(results).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(winner));
                assertThat(f.entry(n).state().outcome()).contains(winner);
                assertThat(f.sender.outcomesFor(n.notificationId()))
                        .extracting(Outcome::outcome)
                        .containsExactly(winner);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
