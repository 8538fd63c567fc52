package io.cifpipe.presence.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.presence.upstream.InvocationContext;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Real registry + ledger on Azurite, real SignalR REST client against {@link FakeSignalRService}, captured outcomes. */
public final class Fixture implements AutoCloseable {
    public final Clock clock = Clock.systemUTC();
    public final ConnectionRegistry registry = new ConnectionRegistry(TestTables.fresh("conn"));
    public final com.azure.data.tables.TableClient notifications = TestTables.fresh("notif");
    public final NotificationLedger ledger = new NotificationLedger(notifications, clock);
    public final io.cifpipe.runtime.tables.RingGroupClaim claim =
            new io.cifpipe.runtime.tables.RingGroupClaim(notifications);
    public final io.cifpipe.runtime.tables.AgentDirectory agents =
            new io.cifpipe.runtime.tables.AgentDirectory(TestTables.fresh("agents"));
    public final FakeSignalRService signalR = new FakeSignalRService();
    public final SignalRRestClient signalRClient = signalR.client();
    public final CapturingQueueSender sender = new CapturingQueueSender();
    public final OutcomePublisher outcomes = new OutcomePublisher(sender);

    /** A ledger row for a new call to {@code agentId}, in {@code state} (OFFERED or DELIVERED), ringing until {@code expiresAt}. */
    public NotificationRecord notification(
            String agentId, NotificationState state, Instant offeredAt, Instant expiresAt) {
        return notification("call-" + UUID.randomUUID(), agentId, state, offeredAt, expiresAt);
    }

    /** A ringing notification of {@code callId} (several agents of one call: a ring group). */
    public NotificationRecord ringing(String callId, String agentId) {
        Instant now = clock.instant();
        return notification(callId, agentId, NotificationState.DELIVERED, now.minusSeconds(2), now.plusSeconds(30));
    }

    public NotificationRecord notification(
            String callId, String agentId, NotificationState state, Instant offeredAt, Instant expiresAt) {
        Notification n = new Notification(
                NotificationId.of(callId, agentId),
                callId,
                agentId,
                "+4930123456",
                "Ada Caller",
                "+4930999",
                "support",
                Map.of("crm", "account-1"),
                offeredAt,
                expiresAt,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        NotificationRecord r = NotificationRecord.offered(n, "evt-" + callId);
        ledger.createIfAbsent(r);
        if (state == NotificationState.DELIVERED) {
            ledger.moveTo(
                    callId, agentId, NotificationState.DELIVERED, offeredAt.plusMillis(20), "conn-dispatch", null);
        }
        return ledger.get(callId, agentId).orElseThrow().record();
    }

    /** A ringing notification, delivered, offered 2 s ago, 30 s left. */
    public NotificationRecord ringing(String agentId) {
        Instant now = clock.instant();
        return notification(agentId, NotificationState.DELIVERED, now.minusSeconds(2), now.plusSeconds(30));
    }

    public LedgerEntry entry(NotificationRecord r) {
        return ledger.get(r.callId(), r.agentId()).orElseThrow();
    }

    /** Registers a live connection (as the connected trigger would) and tells the fake service it exists. */
    public ConnectionRecord connect(String userId, String connectionId) {
        ConnectionRecord row =
                ConnectionRecord.connected(userId, connectionId, "cifhub", clock.instant(), "test-agent");
        registry.upsert(row);
        signalR.live.add(connectionId);
        signalR.owners.put(connectionId, userId);
        return row;
    }

    /** The trigger value the SignalR extension would hand a Java function, for a {@code decide} invocation. */
    public static String decideInvocation(String userId, String connectionId, Object argument) {
        return invocation("messages", "decide", userId, connectionId, List.of(argument), Map.of());
    }

    public static String invocation(
            String category,
            String event,
            String userId,
            String connectionId,
            List<?> arguments,
            Map<String, String> headers) {
        Map<String, Object> ctx = new java.util.LinkedHashMap<>();
        ctx.put("Arguments", arguments);
        ctx.put("Category", category);
        ctx.put("Event", event);
        ctx.put("Hub", "cifhub");
        ctx.put("ConnectionId", connectionId);
        if (userId != null) {
            ctx.put("UserId", userId);
        }
        ctx.put("Headers", headers);
        ctx.put("Query", Map.of("hub", "cifhub"));
        ctx.put("Claims", userId == null ? Map.of() : Map.of("nameid", userId, "asrs.s.uid", userId));
        try {
            return Json.mapper().writeValueAsString(ctx);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static InvocationContext decide(String userId, String connectionId, String notificationId, String decision) {
        return InvocationContext.parse(
                decideInvocation(userId, connectionId, Map.of("notificationId", notificationId, "decision", decision)));
    }

    public static JsonNode json(Object o) {
        return Json.mapper().valueToTree(o);
    }

    public static Duration since(Instant t) {
        return Duration.between(t, Instant.now());
    }

    @Override
    public void close() {
        signalR.close();
    }

    /** Invocation builders for less common shapes. */
    public static final class InvocationsFor {
        private InvocationsFor() {}

        public static InvocationContext decideWithReason(
                String userId, String connectionId, String notificationId, String decision, String reason) {
            return InvocationContext.parse(decideInvocation(
                    userId,
                    connectionId,
                    Map.of("notificationId", notificationId, "decision", decision, "reason", reason)));
        }
    }
}
