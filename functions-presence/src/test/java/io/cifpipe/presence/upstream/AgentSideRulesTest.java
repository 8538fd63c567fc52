package io.cifpipe.presence.upstream;

import static io.cifpipe.presence.testing.Fixture.decide;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.Names;
import io.cifpipe.model.agent.MissedCall;
import io.cifpipe.model.ledger.Availability;
import io.cifpipe.model.ledger.AvailabilityReason;
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

/** Issue 20 in presence: availability hub methods, ring-group accepts, capacity, overflow, reject reasons (Azurite). */
class AgentSideRulesTest {
    static final String A = "agent-a";
    static final String B = "agent-b";

    final Fixture f = new Fixture();
    final DecisionService decisions =
            new DecisionService(f.ledger, f.claim, f.agents, f.registry, f.signalRClient, f.outcomes, 1, f.clock);
    final AgentStateService states = new AgentStateService(f.agents, f.signalRClient, 1, f.clock);

    @AfterEach
    void close() {
        f.close();
    }

    static InvocationContext call(String user, String method, Object... args) {
        return InvocationContext.parse(
                Fixture.invocation("messages", method, user, "tab-" + user, List.of(args), Map.of()));
    }

    @Test
    void setAvailabilityIsStoredPushedToEveryConnectionAndValidated() {
        var r = states.setAvailability(call(A, Names.METHOD_SET_AVAILABILITY, Map.of("availability", "DoNotDisturb")));
        assertThat(Fixture.json(r).toString()).isEqualTo("{\"status\":\"recorded\",\"availability\":\"DoNotDisturb\"}");
        assertThat(f.agents.read(A).availability()).isEqualTo(Availability.DO_NOT_DISTURB);
        assertThat(f.signalR.sentToUser(A)).singleElement().satisfies(s -> {
            assertThat(s.target()).isEqualTo("availability");
            assertThat(s.arguments().get(0).get("availability").asText()).isEqualTo("DoNotDisturb");
            assertThat(s.arguments().get(0).get("reason").asText()).isEqualTo("agent");
            assertThat(s.arguments().get(0).get("capacity").asInt()).isEqualTo(1);
        });
        assertThatThrownBy(() ->
                        states.setAvailability(call(A, Names.METHOD_SET_AVAILABILITY, Map.of("availability", "Lunch"))))
                .isInstanceOf(DecisionRefusedException.class)
                .hasMessageStartingWith("invalid:")
                .hasMessageContaining("/availability");
        assertThatThrownBy(() -> states.setAvailability(call(A, Names.METHOD_SET_AVAILABILITY)))
                .isInstanceOf(DecisionRefusedException.class)
                .hasMessageStartingWith("invalid:");
        assertThatThrownBy(() -> states.getAgentState(call(A, Names.METHOD_GET_AGENT_STATE, "x")))
                .isInstanceOf(DecisionRefusedException.class)
                .hasMessageStartingWith("invalid:");
    }

    @Test
    void aFirstSignInIsAvailableAndTheStateAndMissedCallsSurviveInTheTable() {
        var first = states.getAgentState(call(A, Names.METHOD_GET_AGENT_STATE));
        assertThat(first.availability()).isEqualTo(Availability.AVAILABLE);
        assertThat(first.reason()).isEqualTo(AvailabilityReason.AGENT);
        assertThat(first.since()).isNotNull();
        assertThat(first.missedCalls()).isEmpty();
        Instant t = Instant.parse("2025-01-31T09:30:00Z");
        NotificationRecord r = f.ringing(A);
        f.agents.recordMissedCall(A, MissedCall.of(r, t));
        f.agents.recordMissedCall(A, MissedCall.of(f.ringing(A), t.plusSeconds(60)));
        var again = new AgentStateService(f.agents, f.signalRClient, 1, f.clock)
                .getAgentState(call(A, Names.METHOD_GET_AGENT_STATE));
        assertThat(again.since()).isEqualTo(first.since());
        assertThat(again.missedCalls()).hasSize(2);
        assertThat(again.missedCalls().get(1).callId()).isEqualTo(r.callId());
        assertThat(Fixture.json(states.getMissedCalls(call(A, Names.METHOD_GET_MISSED_CALLS)))
                        .get("missedCalls")
                        .get(0)
                        .get("caller")
                        .asText())
                .isEqualTo("Ada Caller");
        assertThat(Fixture.json(again).fieldNames())
                .toIterable()
                .containsExactly("availability", "reason", "since", "activeCalls", "capacity", "missedCalls");
    }

    @Test
    void setAvailabilityResetsTheMissedCallCounter() {
        f.agents.update(A, s -> s.withMissedCall(5, f.clock.instant()));
        states.setAvailability(call(A, Names.METHOD_SET_AVAILABILITY, Map.of("availability", "Available")));
        assertThat(f.agents.read(A).missedInARow()).isZero();
    }

    @Test
    void acceptCountsTheCallTowardCapacityAndWithdrawsTheOtherAgentsOfTheRingGroup() {
        NotificationRecord a = f.ringing("call-rg", A);
        NotificationRecord b = f.ringing("call-rg", B);
        f.agents.update(A, s -> s.withMissedCall(5, f.clock.instant()));

        DecisionResult won = decisions.decide(decide(A, "tab-a", a.notificationId(), "accept"));

        assertThat(won.status()).isEqualTo(DecisionStatus.RECORDED);
        assertThat(f.agents.read(A).activeCalls()).containsKey("call-rg");
        assertThat(f.agents.read(A).missedInARow()).isZero();
        assertThat(f.signalR.sentToUser(A)).anySatisfy(s -> {
            assertThat(s.target()).isEqualTo("availability");
            assertThat(s.arguments().get(0).get("reason").asText()).isEqualTo("call-started");
            assertThat(s.arguments().get(0).get("activeCalls").asInt()).isEqualTo(1);
        });
        assertThat(f.entry(b).state()).isEqualTo(NotificationState.WITHDRAWN);
        assertThat(f.sender.outcomesFor(b.notificationId()))
                .extracting(Outcome::outcome, Outcome::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(OutcomeType.DELIVERED, null),
                        org.assertj.core.groups.Tuple.tuple(OutcomeType.WITHDRAWN, "taken"));
        assertThat(f.signalR.sentToUser(B)).singleElement().satisfies(s -> {
            assertThat(s.target()).isEqualTo("withdraw");
            assertThat(s.arguments().get(0).get("reason").asText()).isEqualTo("taken");
        });
        DecisionResult late = decisions.decide(decide(B, "tab-b", b.notificationId(), "accept"));
        assertThat(late)
                .isEqualTo(new DecisionResult(b.notificationId(), DecisionStatus.ALREADY_TAKEN, OutcomeType.WITHDRAWN));
        // the winner's repeat is still recorded (same connection), and counts the call once
        assertThat(decisions
                        .decide(decide(A, "tab-a", a.notificationId(), "accept"))
                        .status())
                .isEqualTo(DecisionStatus.RECORDED);
        assertThat(f.agents.read(A).activeCallCount()).isEqualTo(1);
    }

    @Test
    void anAcceptAfterCallEndedDoesNotLeaveTheAgentBusy() {
        NotificationRecord a = f.ringing("call-ended-early", A);
        f.ledger.recordEnded("call-ended-early", null, f.clock.instant());
        decisions.decide(decide(A, "tab-a", a.notificationId(), "accept"));
        assertThat(f.agents.read(A).activeCallCount()).isZero();
    }

    @Test
    void twoAgentsAcceptingTheSameCallAtOnceYieldExactlyOneAccepted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 25; round++) {
                String callId = "call-race-" + round;
                NotificationRecord a = f.ringing(callId, A);
                NotificationRecord b = f.ringing(callId, B);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<DecisionResult>> results = new ArrayList<>();
                for (NotificationRecord r : List.of(a, b)) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return decisions.decide(
                                decide(r.agentId(), "tab-" + r.agentId(), r.notificationId(), "accept"));
                    }));
                }
                go.countDown();
                List<DecisionStatus> statuses = new ArrayList<>();
                for (Future<DecisionResult> fr : results)
                    statuses.add(fr.get(30, TimeUnit.SECONDS).status());
                assertThat(statuses)
                        .as("round " + round)
                        .containsExactlyInAnyOrder(DecisionStatus.RECORDED, DecisionStatus.ALREADY_TAKEN);
                List<NotificationState> states =
                        List.of(f.entry(a).state(), f.entry(b).state());
                assertThat(states)
                        .as("round " + round)
                        .containsExactlyInAnyOrder(NotificationState.ACCEPTED, NotificationState.WITHDRAWN);
                long accepted = f.sender.outcomesFor(a.notificationId()).stream()
                                .filter(o -> o.outcome() == OutcomeType.ACCEPTED)
                                .count()
                        + f.sender.outcomesFor(b.notificationId()).stream()
                                .filter(o -> o.outcome() == OutcomeType.ACCEPTED)
                                .count();
                assertThat(accepted).as("round " + round).isEqualTo(1);
                // both agents free again for the next round (capacity 1)
                f.agents.update(A, s -> s.withCallEnded(callId, AvailabilityReason.CALL_ENDED));
                f.agents.update(B, s -> s.withCallEnded(callId, AvailabilityReason.CALL_ENDED));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void overflowEndsUnavailableOverflowNeverRejected() {
        NotificationRecord n = f.ringing(A);
        DecisionResult r = decisions.decide(decide(A, "tab-a", n.notificationId(), "overflow"));
        assertThat(r)
                .isEqualTo(new DecisionResult(n.notificationId(), DecisionStatus.RECORDED, OutcomeType.UNAVAILABLE));
        assertThat(f.sender.outcomesFor(n.notificationId())).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(OutcomeType.UNAVAILABLE);
            assertThat(o.reason()).isEqualTo("overflow");
        });
        assertThat(decisions
                        .decide(decide(A, "tab-a", n.notificationId(), "accept"))
                        .status())
                .isEqualTo(DecisionStatus.ALREADY_DECIDED);
    }

    @Test
    void rejectReasonsAreCodesThatReachTheOutcomeAndRejectResetsTheMissedCounter() {
        f.agents.update(A, s -> s.withMissedCall(5, f.clock.instant()));
        NotificationRecord n = f.ringing(A);
        decisions.decide(
                Fixture.InvocationsFor.decideWithReason(A, "tab-a", n.notificationId(), "reject", "wrong-skill"));
        assertThat(f.sender.outcomesFor(n.notificationId())).singleElement().satisfies(o -> assertThat(o.reason())
                .isEqualTo("wrong-skill"));
        assertThat(f.agents.read(A).missedInARow()).isZero();
        NotificationRecord m = f.ringing(A);
        assertThatThrownBy(() -> decisions.decide(Fixture.InvocationsFor.decideWithReason(
                        A, "tab-a", m.notificationId(), "reject", "no, thanks!")))
                .isInstanceOf(DecisionRefusedException.class)
                .hasMessageContaining("/reason");
    }

    @Test
    void aConnectingAgentWhoCannotTakeACallGetsNoNeverShownOfferButStillHerShownPopups() {
        Instant now = f.clock.instant();
        NotificationRecord offered =
                f.notification(A, NotificationState.OFFERED, now.minusSeconds(1), now.plusSeconds(30));
        NotificationRecord shown =
                f.notification(A, NotificationState.DELIVERED, now.minusSeconds(1), now.plusSeconds(30));
        f.connect(A, "tab-new");
        var redelivery = new PendingNotificationRedelivery(f.ledger, f.signalRClient, f.outcomes, f.clock, f.agents, 1);
        f.agents.update(A, s -> s.withAvailability(Availability.AWAY, AvailabilityReason.AGENT, now));

        assertThat(redelivery.redeliver(A, "tab-new")).isEqualTo(1);
        assertThat(f.signalR.sentTo("tab-new")).singleElement().satisfies(s -> assertThat(
                        s.arguments().get(0).get("notificationId").asText())
                .isEqualTo(shown.notificationId()));
        assertThat(f.entry(offered).state())
                .as("left for dispatch's retry to end Unavailable")
                .isEqualTo(NotificationState.OFFERED);

        f.agents.update(A, s -> s.withAvailability(Availability.AVAILABLE, AvailabilityReason.AGENT, now));
        assertThat(redelivery.redeliver(A, "tab-new")).isEqualTo(2);
        assertThat(f.entry(offered).state()).isEqualTo(NotificationState.DELIVERED);
    }
}
