package io.cifpipe.model.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.outcome.UnavailableReason;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentStateTest {
    private static final Instant T = Instant.parse("2025-01-31T09:30:00Z");

    @Test
    void aMissingRowOrMissingPropertiesReadAsTheDefaults() {
        AgentState s = AgentState.fromProperties(Map.of("PartitionKey", "agent-1", "RowKey", "state"));
        assertThat(s).isEqualTo(AgentState.unknown("agent-1"));
        assertThat(s.availability()).isEqualTo(Availability.AVAILABLE);
        assertThat(s.activeCallCount()).isZero();
        assertThat(s.capacity(3)).isEqualTo(3);
        assertThat(s.unavailableReason(1)).isEmpty();
    }

    @Test
    void roundTripsThroughTableProperties() {
        AgentState busy = AgentState.unknown("agent-2")
                .withAvailability(Availability.BUSY, AvailabilityReason.AGENT, T)
                .withCallStarted("call-1", T.plusSeconds(5));
        Map<String, Object> p = new HashMap<>(busy.toProperties());
        p.put("PartitionKey", "agent-2");
        assertThat(AgentState.fromProperties(p)).isEqualTo(busy);
        assertThat(p)
                .containsEntry("ActiveCalls", 1)
                .containsEntry("Availability", "BUSY")
                .containsEntry("OldestCallStartedAt", OffsetDateTime.ofInstant(T.plusSeconds(5), ZoneOffset.UTC));
        assertThat(AgentState.connectedProperties(T))
                .containsExactly(Map.entry("LastConnectedAt", OffsetDateTime.ofInstant(T, ZoneOffset.UTC)));
    }

    @Test
    void availabilityComesBeforeCapacityAndAnUndecidedPopupDoesNotCount() {
        AgentState a = AgentState.unknown("a");
        assertThat(a.withAvailability(Availability.BUSY, AvailabilityReason.AGENT, T)
                        .unavailableReason(1))
                .contains(UnavailableReason.BUSY);
        assertThat(a.withAvailability(Availability.DO_NOT_DISTURB, AvailabilityReason.AGENT, T)
                        .unavailableReason(1))
                .contains(UnavailableReason.DO_NOT_DISTURB);
        assertThat(a.withAvailability(Availability.AWAY, AvailabilityReason.AGENT, T)
                        .withCallStarted("c", T)
                        .unavailableReason(1))
                .contains(UnavailableReason.AWAY);
        AgentState onACall = a.withCallStarted("c1", T);
        assertThat(onACall.unavailableReason(1)).contains(UnavailableReason.AT_CAPACITY);
        assertThat(onACall.unavailableReason(2)).isEmpty();
        assertThat(onACall.availability())
                .as("capacity is separate from availability")
                .isEqualTo(Availability.AVAILABLE);
        assertThat(onACall.status(1).reason()).isEqualTo(AvailabilityReason.CALL_STARTED);
    }

    @Test
    void callsAreCountedOncePerCallIdAndReleasedByCallId() {
        AgentState s = AgentState.unknown("a").withCallStarted("c1", T).withCallStarted("c1", T.plusSeconds(9));
        assertThat(s.activeCallCount()).isEqualTo(1);
        assertThat(s.activeCalls()).containsEntry("c1", T);
        assertThat(s.withCallEnded("other", AvailabilityReason.CALL_ENDED)).isSameAs(s);
        AgentState ended = s.withCallEnded("c1", AvailabilityReason.CALL_ENDED);
        assertThat(ended.activeCallCount()).isZero();
        assertThat(ended.availabilityReason()).isEqualTo(AvailabilityReason.CALL_ENDED);
        assertThat(ended.toProperties()).doesNotContainKeys("ActiveCallIds", "OldestCallStartedAt");
        assertThat(s.withCallStarted("c2", T.plus(Duration.ofHours(5))).callsStartedBefore(T.plus(Duration.ofHours(4))))
                .containsExactly("c1");
    }

    @Test
    void consecutiveMissesSetAnAvailableAgentAwayAndAcceptRejectOrSetAvailabilityReset() {
        AgentState s = AgentState.unknown("a").withAvailability(Availability.AVAILABLE, AvailabilityReason.AGENT, T);
        AgentState once = s.withMissedCall(2, T.plusSeconds(30));
        assertThat(once.availability()).isEqualTo(Availability.AVAILABLE);
        assertThat(once.missedInARow()).isEqualTo(1);
        AgentState twice = once.withMissedCall(2, T.plusSeconds(60));
        assertThat(twice.availability()).isEqualTo(Availability.AWAY);
        assertThat(twice.availabilityReason()).isEqualTo(AvailabilityReason.MISSED_CALLS);
        assertThat(twice.availabilitySince()).isEqualTo(T.plusSeconds(60));
        assertThat(once.withMissedReset().withMissedCall(2, T).availability()).isEqualTo(Availability.AVAILABLE);
        assertThat(once.withCallStarted("c", T).missedInARow()).isZero();
        assertThat(once.withAvailability(Availability.AVAILABLE, AvailabilityReason.AGENT, T.plusSeconds(90))
                        .missedInARow())
                .isZero();
        assertThat(once.withAvailability(Availability.AVAILABLE, AvailabilityReason.AGENT, T.plusSeconds(90))
                        .availabilitySince())
                .as("same value: since unchanged")
                .isEqualTo(T);
        AgentState busy = s.withAvailability(Availability.BUSY, AvailabilityReason.AGENT, T);
        assertThat(busy.withMissedCall(1, T).availability())
                .as("only Available is set Away")
                .isEqualTo(Availability.BUSY);
    }

    @Test
    void unknownValuesFromNewerWritersReadAsDefaultsAndBadValuesAreRefused() {
        assertThat(AgentState.fromProperties(Map.of("PartitionKey", "a", "Availability", "IN_A_MEETING"))
                        .availability())
                .isEqualTo(Availability.AVAILABLE);
        assertThat(Availability.parse("do_not_disturb")).isEqualTo(Availability.DO_NOT_DISTURB);
        assertThat(Availability.fromWireName("DoNotDisturb")).contains(Availability.DO_NOT_DISTURB);
        assertThat(Availability.fromWireName("busy")).isEmpty();
        assertThatThrownBy(() -> new AgentState("a", Availability.AVAILABLE, null, null, Map.of(), 0, 0, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentState.unknown("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
