package io.cifpipe.model.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentStateTest {
    private static final Instant T = Instant.parse("2025-01-31T09:30:00Z");

    @Test
    void missingPropertiesReadAsTheDefaults() {
        AgentState s = AgentState.fromProperties(Map.of("PartitionKey", "agent-1", "RowKey", "state"));
        assertThat(s).isEqualTo(AgentState.unknown("agent-1"));
        assertThat(s.availability()).isEqualTo(Availability.AVAILABLE);
        assertThat(s.activeCalls()).isZero();
        assertThat(s.maxConcurrentCalls()).isEqualTo(1);
        assertThat(s.canTakeACall()).isTrue();
    }

    @Test
    void roundTripsAndAnswersAvailableWithCapacity() {
        AgentState busy = new AgentState("agent-2", Availability.BUSY, 0, 2, T, null);
        Map<String, Object> p = new HashMap<>(busy.toProperties());
        p.put("PartitionKey", "agent-2");
        assertThat(AgentState.fromProperties(p)).isEqualTo(busy);
        assertThat(busy.canTakeACall()).isFalse();
        assertThat(new AgentState("agent-2", Availability.AVAILABLE, 2, 2, null, null).canTakeACall()).isFalse();
        assertThat(new AgentState("agent-2", Availability.AVAILABLE, 1, 2, null, null).canTakeACall()).isTrue();
        assertThat(AgentState.connectedProperties(T)).containsExactly(Map.entry("LastConnectedAt", OffsetDateTime.ofInstant(T, ZoneOffset.UTC)));
    }

    @Test
    void aNewerWritersAvailabilityReadsAsTheDefaultAndBadCountsAreRefused() {
        assertThat(AgentState.fromProperties(Map.of("PartitionKey", "a", "Availability", "IN_A_MEETING")).availability())
                .isEqualTo(Availability.AVAILABLE);
        assertThat(Availability.parse("do_not_disturb")).isEqualTo(Availability.DO_NOT_DISTURB);
        assertThatThrownBy(() -> new AgentState("a", Availability.AVAILABLE, -1, 1, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AgentState("a/b", Availability.AVAILABLE, 0, 1, null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
