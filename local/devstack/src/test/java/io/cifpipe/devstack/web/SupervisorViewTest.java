package io.cifpipe.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SupervisorViewTest {
    static final Instant NOW = Instant.parse("2026-12-07T10:30:00Z");

    static Map<String, Object> row(
            String call, String agent, String state, int offeredSecondsAgo, Integer endSecondsAgo, String reason) {
        Map<String, Object> r = new HashMap<>();
        r.put("PartitionKey", call);
        r.put("RowKey", agent);
        r.put("State", state);
        r.put("OfferedAt", NOW.minusSeconds(offeredSecondsAgo).toString());
        r.put("ExpiresAt", NOW.minusSeconds(offeredSecondsAgo).plusSeconds(30).toString());
        r.put("CallerName", "Caller " + call);
        if (endSecondsAgo != null)
            r.put(
                    SupervisorView.stateProperty(state),
                    NOW.minusSeconds(endSecondsAgo).toString());
        if (reason != null) r.put("Reason", reason);
        return r;
    }

    @Test
    void countsPerWindowWithReasonsAndAnswerPercentiles() {
        List<Map<String, Object>> ledger = List.of(
                row("c1", "alice", "ACCEPTED", 120, 116, null), // 4 s to answer
                row("c2", "alice", "ACCEPTED", 300, 290, null), // 10 s
                row("c3", "bob", "REJECTED", 200, 195, "wrong-skill"),
                row("c4", "bob", "EXPIRED", 400, 370, null),
                row("c5", "bob", "UNAVAILABLE", 100, 100, "do-not-disturb"),
                row("c6", "carol", "UNDELIVERABLE", 500, 470, null),
                row("c7", "alice", "ACCEPTED", 3600, 3590, null), // an hour ago: today, not the last 15 min
                row("c8", "bob", "DELIVERED", 12, null, null)); // ringing now
        Map<String, Object> view = SupervisorView.compute(
                List.of(), Map.of(), ledger, Set.of("c2"), Map.of("alice", "Alice Agent"), NOW, ZoneOffset.UTC);
        @SuppressWarnings("unchecked")
        Map<String, Object> recent = (Map<String, Object>) view.get("last15m");
        assertThat(recent)
                .containsEntry("offered", 7L)
                .containsEntry("accepted", 2L)
                .containsEntry("rejected", 1L)
                .containsEntry("missed", 1L)
                .containsEntry("unavailable", 1L)
                .containsEntry("undeliverable", 1L)
                .containsEntry("answerMsP50", 4000L)
                .containsEntry("answerMsP90", 10000L);
        assertThat(recent.get("rejectedByReason")).isEqualTo(Map.of("wrong-skill", 1L));
        assertThat(recent.get("unavailableByReason")).isEqualTo(Map.of("do-not-disturb", 1L));
        @SuppressWarnings("unchecked")
        Map<String, Object> today = (Map<String, Object>) view.get("today");
        assertThat(today).containsEntry("accepted", 3L).containsEntry("offered", 8L);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ringing = (List<Map<String, Object>>) view.get("ringing");
        assertThat(ringing).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("callId", "c8").containsEntry("ringingMs", 12_000L);
        });
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> perMinute = (List<Map<String, Object>>) view.get("perMinute");
        assertThat(perMinute).hasSize(15);
        assertThat(perMinute.stream().mapToLong(m -> (Long) m.get("offered")).sum())
                .isEqualTo(7L);
    }

    @Test
    void agentsWithoutIssue20FieldsReadAsDefaultsAndShowTheirCurrentCall() {
        List<Map<String, Object>> ledger =
                List.of(row("c1", "alice", "ACCEPTED", 120, 116, null), row("c2", "bob", "ACCEPTED", 120, 110, null));
        Map<String, Object> bobRow = Map.of(
                "PartitionKey",
                "bob",
                "Availability",
                "DoNotDisturb",
                "ActiveCalls",
                1,
                "MaxConcurrentCalls",
                2,
                "SomethingNew",
                "ignored");
        Map<String, Object> view = SupervisorView.compute(
                List.of(Map.of("PartitionKey", "alice"), bobRow),
                Map.of("alice", List.of(Map.of("RowKey", "conn-1"))),
                ledger,
                Set.of("c2"),
                Map.of(),
                NOW,
                ZoneOffset.UTC);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> agents = (List<Map<String, Object>>) view.get("agents");
        assertThat(agents).extracting(a -> a.get("agentId")).containsExactly("alice", "bob");
        Map<String, Object> alice = agents.get(0), bob = agents.get(1);
        assertThat(alice)
                .containsEntry("availability", "Available")
                .containsEntry("signedIn", true)
                .containsEntry("connections", 1);
        assertThat(alice.get("activeCalls")).isNull();
        assertThat(alice.get("currentCall"))
                .isNotNull()
                .extracting(c -> ((Map<?, ?>) c).get("callId"))
                .isEqualTo("c1");
        assertThat(bob)
                .containsEntry("availability", "DoNotDisturb")
                .containsEntry("activeCalls", 1)
                .containsEntry("capacity", 2)
                .containsEntry("signedIn", false);
        assertThat(bob.get("currentCall")).as("call c2 is closed").isNull();
    }

    @Test
    void percentileIsNearestRank() {
        assertThat(SupervisorView.percentile(List.of(), 50)).isNull();
        assertThat(SupervisorView.percentile(List.of(5L), 90)).isEqualTo(5L);
        assertThat(SupervisorView.percentile(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 90))
                .isEqualTo(9L);
        assertThat(SupervisorView.percentile(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 50))
                .isEqualTo(5L);
    }
}
