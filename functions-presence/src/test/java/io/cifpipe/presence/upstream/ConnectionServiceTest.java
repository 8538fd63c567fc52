package io.cifpipe.presence.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.Names;
import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.presence.testing.Fixture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** connected/disconnected against the real registry and ledger on Azurite. */
class ConnectionServiceTest {
    static final String AGENT = "agent-oid-7";

    final Fixture f = new Fixture();
    final ConnectionService service = new ConnectionService(
            f.registry, new PendingNotificationRedelivery(f.ledger, f.signalRClient, f.outcomes, f.clock), f.clock);

    @AfterEach
    void close() {
        f.close();
    }

    static InvocationContext event(String event, String userId, String connectionId, Map<String, String> headers) {
        return InvocationContext.parse(
                Fixture.invocation("connections", event, userId, connectionId, List.of(), headers));
    }

    @Test
    void connectedRegistersTheServiceVerifiedUserAndDisconnectedRemovesIt() {
        Instant before = f.clock.instant();
        f.signalR.live.add("c-1");
        service.connected(event(
                "connected",
                AGENT,
                "c-1",
                Map.of(
                        "X-SignalR-User-Agent",
                        "Microsoft SignalR/8.0 (8.0.7; Unknown OS; Browser; Unknown Runtime Version)",
                        "x-ms-client-principal-id",
                        "someone-else")));

        List<ConnectionRecord> rows = f.registry.listForUser(AGENT);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.connectionId()).isEqualTo("c-1");
            assertThat(r.hub()).isEqualTo("cifhub");
            assertThat(r.userAgent()).startsWith("Microsoft SignalR/8.0");
            assertThat(r.connectedAt()).isBetween(before, f.clock.instant());
            assertThat(r.lastSeenAt()).isEqualTo(r.connectedAt());
        });
        assertThat(f.registry.listForUser("someone-else")).isEmpty();

        service.disconnected(event("disconnected", AGENT, "c-1", Map.of()));
        assertThat(f.registry.listForUser(AGENT)).isEmpty();
        // a second disconnect (or one after the sweep removed the row) is harmless
        service.disconnected(event("disconnected", AGENT, "c-1", Map.of()));
    }

    @Test
    void connectionWithoutUserIsRefused() {
        assertThatThrownBy(() -> service.connected(event("connected", null, "anon-1", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no user id");
    }

    @Test
    void pendingNotificationsAreRedeliveredToTheNewConnection() {
        Instant now = f.clock.instant();
        NotificationRecord offered =
                f.notification(AGENT, NotificationState.OFFERED, now.minusSeconds(3), now.plusSeconds(20));
        NotificationRecord delivered =
                f.notification(AGENT, NotificationState.DELIVERED, now.minusSeconds(3), now.plusSeconds(20));
        NotificationRecord expired =
                f.notification(AGENT, NotificationState.DELIVERED, now.minusSeconds(40), now.minusSeconds(5));
        NotificationRecord decided = f.ringing(AGENT);
        f.ledger.moveTo(decided.callId(), AGENT, NotificationState.ACCEPTED, now, "old-tab", null);
        NotificationRecord otherAgent = f.ringing("agent-oid-8");
        f.signalR.live.add("c-new");

        service.connected(event("connected", AGENT, "c-new", Map.of()));

        assertThat(f.signalR.sentTo("c-new"))
                .allSatisfy(s -> assertThat(s.target()).isEqualTo(Names.TARGET_NOTIFY))
                .extracting(s -> s.arguments().get(0).get("notificationId").asText())
                .containsExactlyInAnyOrder(offered.notificationId(), delivered.notificationId());
        assertThat(f.entry(offered).state()).isEqualTo(NotificationState.DELIVERED);
        assertThat(f.entry(offered).deliveredTo()).contains("c-new");
        assertThat(f.entry(delivered).deliveredTo()).contains("c-new");
        // Delivered is published once, for the offer that was not delivered before
        assertThat(f.sender.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.notificationId()).isEqualTo(offered.notificationId());
            assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED);
            // Delivered names no connection (it is per agent and must read the same whoever publishes it); the row
            // records the connection in DeliveredTo (above)
            assertThat(o.connectionId()).isNull();
        });
        assertThat(f.entry(expired).state()).isEqualTo(NotificationState.DELIVERED);
        assertThat(f.sender.outcomesFor(otherAgent.notificationId())).isEmpty();

        // connecting a second tab re-sends what is still ringing, without a second Delivered
        f.signalR.live.add("c-second");
        service.connected(event("connected", AGENT, "c-second", Map.of()));
        assertThat(f.signalR.sentTo("c-second")).hasSize(2);
        assertThat(f.sender.outcomes()).extracting(Outcome::outcome).containsExactly(OutcomeType.DELIVERED);
    }

    @Test
    void redeliveryFailureDoesNotRefuseTheConnection() {
        f.notification(
                AGENT,
                NotificationState.OFFERED,
                f.clock.instant(),
                f.clock.instant().plusSeconds(20));
        f.signalR.broken.add("c-flaky"); // SignalR answers 500 for sends to it

        service.connected(event("connected", AGENT, "c-flaky", Map.of()));

        assertThat(f.registry.listForUser(AGENT))
                .extracting(ConnectionRecord::connectionId)
                .containsExactly("c-flaky");
    }
}
