package io.cifpipe.model.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableRecordsTest {
    private static final Instant T0 = Instant.parse("2025-01-31T09:30:00.125Z");

    private static Notification notification() {
        return new Notification(
                NotificationId.of("call-1", "agent-1"),
                "call-1",
                "agent-1",
                "+4930123",
                "Erika",
                "+4980012",
                "Support",
                Map.of("tier", "Gold", "quote", "\"x\""),
                T0,
                T0.plusSeconds(30),
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    /** What the Tables SDK hands back: our properties plus keys, Timestamp and the ETag. */
    private static Map<String, Object> asReturnedBySdk(String pk, String rk, Map<String, Object> props) {
        Map<String, Object> m = new HashMap<>(props);
        m.put("PartitionKey", pk);
        m.put("RowKey", rk);
        m.put("Timestamp", OffsetDateTime.now(ZoneOffset.UTC));
        m.put("odata.etag", "W/\"datetime'2025-01-31T09%3A30%3A00.1Z'\"");
        return m;
    }

    @Test
    void notificationRecordIsKeyedByCallThenAgentAndRoundTrips() {
        NotificationRecord r = NotificationRecord.offered(notification(), "evt-1");
        assertThat(r.partitionKey()).isEqualTo("call-1");
        assertThat(r.rowKey()).isEqualTo("agent-1");
        assertThat(r.notificationId()).isEqualTo("n1~call-1~agent-1");
        assertThat(r.state()).isEqualTo(NotificationState.OFFERED);

        NotificationRecord delivered = r.moveTo(NotificationState.DELIVERED, T0.plusMillis(40), "conn-1", null)
                .withAttempts(2);
        Map<String, Object> props = delivered.toProperties();
        assertThat(props)
                .doesNotContainKeys("PartitionKey", "RowKey")
                .containsEntry("State", "DELIVERED")
                .containsEntry("NotificationId", "n1~call-1~agent-1")
                .containsEntry("DeliveredAt", T0.plusMillis(40).atOffset(ZoneOffset.UTC))
                .containsEntry("Attempts", 2);
        assertThat(props.values())
                .allMatch(v -> v instanceof String || v instanceof Integer || v instanceof OffsetDateTime);

        NotificationRecord back = NotificationRecord.fromProperties(asReturnedBySdk("call-1", "agent-1", props));
        assertThat(back).isEqualTo(delivered);
        assertThat(back.toNotification()).isEqualTo(notification());
    }

    @Test
    void transitionsFollowTheStateMachineAndStampTimes() {
        NotificationRecord r = NotificationRecord.offered(notification(), "evt-1");
        assertThatThrownBy(() -> r.moveTo(NotificationState.ACCEPTED, T0, "c", null))
                .isInstanceOf(IllegalTransitionException.class);
        NotificationRecord accepted = r.moveTo(NotificationState.DELIVERED, T0.plusMillis(50), "c1", null)
                .moveTo(NotificationState.ACCEPTED, T0.plusSeconds(4), "c2", "ok");
        assertThat(accepted.isOpen()).isFalse();
        assertThat(accepted.enteredAt(NotificationState.DELIVERED)).isEqualTo(T0.plusMillis(50));
        assertThatThrownBy(() -> accepted.moveTo(NotificationState.REJECTED, T0.plusSeconds(5), "c1", null))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("terminal");

        Outcome o = accepted.toOutcome();
        assertThat(o)
                .isEqualTo(new Outcome(
                        "n1~call-1~agent-1",
                        "call-1",
                        "agent-1",
                        OutcomeType.ACCEPTED,
                        T0.plusSeconds(4),
                        "c2",
                        "ok",
                        4000L));
        assertThatThrownBy(r::toOutcome).isInstanceOf(IllegalStateException.class);
        // An earlier state's outcome (Delivered owed after the decision): its own time, no reason, no connection —
        // the same message as the one built while the row was DELIVERED (whoever publishes it, it must be identical).
        assertThat(accepted.outcomeOf(NotificationState.DELIVERED))
                .isEqualTo(new Outcome(
                        "n1~call-1~agent-1",
                        "call-1",
                        "agent-1",
                        OutcomeType.DELIVERED,
                        T0.plusMillis(50),
                        null,
                        null,
                        50L));
        NotificationRecord stillDelivered = r.moveTo(NotificationState.DELIVERED, T0.plusMillis(50), "c1", null);
        assertThat(stillDelivered.toOutcome()).isEqualTo(accepted.outcomeOf(NotificationState.DELIVERED));
        assertThatThrownBy(() -> accepted.outcomeOf(NotificationState.REJECTED))
                .isInstanceOf(IllegalStateException.class);
        assertThat(r.isPastExpiry(T0.plusSeconds(29))).isFalse();
        assertThat(r.isPastExpiry(T0.plusSeconds(30))).isTrue();
    }

    @Test
    void fromPropertiesAcceptsOtherDateRepresentations() {
        Map<String, Object> props = new HashMap<>(
                NotificationRecord.offered(notification(), "evt-1").toProperties());
        props.put("OfferedAt", T0.toString());
        props.put("ExpiresAt", java.util.Date.from(T0.plusSeconds(30)));
        NotificationRecord r = NotificationRecord.fromProperties("call-1", "agent-1", props);
        assertThat(r.offeredAt()).isEqualTo(T0);
        assertThat(r.expiresAt()).isEqualTo(T0.plusSeconds(30));
        props.remove("OfferedAt");
        assertThatThrownBy(() -> NotificationRecord.fromProperties("call-1", "agent-1", props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OfferedAt");
    }

    @Test
    void connectionRecordRoundTripsAndSanitisesUserAgent() {
        ConnectionRecord c = ConnectionRecord.connected(
                "agent-1", "Hk3dQyY0a1b2-_", "cifhub", T0, "Mozilla/5.0\r\nX-Evil: 1" + "x".repeat(500));
        assertThat(c.userAgent()).doesNotContain("\r", "\n").hasSize(ConnectionRecord.MAX_USER_AGENT_LENGTH);
        assertThat(c.lastSeenAt()).isEqualTo(T0);
        ConnectionRecord seen = c.seenAt(T0.plusSeconds(60));
        Map<String, Object> props = seen.toProperties();
        assertThat(props).containsOnlyKeys("Hub", "ConnectedAt", "LastSeenAt", "UserAgent");
        assertThat(ConnectionRecord.fromProperties(asReturnedBySdk("agent-1", "Hk3dQyY0a1b2-_", props)))
                .isEqualTo(seen);
        assertThat(seen.isStale(T0.plusSeconds(60 + 600), Duration.ofMinutes(10)))
                .isFalse();
        assertThat(seen.isStale(T0.plusSeconds(60 + 601), Duration.ofMinutes(10)))
                .isTrue();
        assertThatThrownBy(() -> ConnectionRecord.connected("agent/1", "c", "cifhub", T0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
