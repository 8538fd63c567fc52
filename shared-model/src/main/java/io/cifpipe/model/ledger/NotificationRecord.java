package io.cifpipe.model.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.validation.Rules;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the {@code Notifications} ledger table.
 *
 * <p><b>Partitioning:</b> PartitionKey = {@code callId}, RowKey = {@code agentId}. Everything about one call
 * (all agents offered it) lives in one partition, so withdrawing a call on {@code call.answered} /
 * {@code call.ended} is a single-partition query ({@code PartitionKey eq '<callId>'}), and a ledger update
 * for one call is never contended by other calls. The notification id ({@link NotificationId}) encodes
 * both keys, so a decision carrying only the notification id is a point read
 * ({@link NotificationId#parse} → (PartitionKey, RowKey)). The cross-partition queries — pending offers of
 * an agent on reconnect ({@code RowKey eq '<agentId>'}) and the expiry sweep ({@code ExpiresAt lt …}) — are
 * rare/background and filter on indexed RowKey or a small open set.
 *
 * <p>Concurrency: callers write with the entity ETag (first write wins) and re-read on 412; the record itself
 * is immutable and {@link #moveTo} enforces the {@link NotificationState} machine.
 *
 * <p>Property types are those Azure Tables stores natively: String, Integer, OffsetDateTime (UTC).
 * The customer context map is stored as a JSON string (Tables has no map type).
 */
public record NotificationRecord(
        String callId,
        String agentId,
        NotificationState state,
        String eventId,
        String callerNumber,
        String callerName,
        String calledNumber,
        String queue,
        Map<String, String> customerContext,
        String traceparent,
        Instant offeredAt,
        Instant expiresAt,
        Map<NotificationState, Instant> stateTimes,
        int attempts,
        String connectionId,
        String reason) {
    public static final String PROP_PARTITION_KEY = "PartitionKey";
    public static final String PROP_ROW_KEY = "RowKey";
    public static final String PROP_NOTIFICATION_ID = "NotificationId";
    public static final String PROP_STATE = "State";
    public static final String PROP_EVENT_ID = "EventId";
    public static final String PROP_CALLER_NUMBER = "CallerNumber";
    public static final String PROP_CALLER_NAME = "CallerName";
    public static final String PROP_CALLED_NUMBER = "CalledNumber";
    public static final String PROP_QUEUE = "Queue";
    public static final String PROP_CUSTOMER_CONTEXT = "CustomerContext";
    public static final String PROP_TRACEPARENT = "Traceparent";
    public static final String PROP_EXPIRES_AT = "ExpiresAt";
    public static final String PROP_ATTEMPTS = "Attempts";
    public static final String PROP_CONNECTION_ID = "ConnectionId";
    public static final String PROP_REASON = "Reason";

    public NotificationRecord {
        Rules.requireTableKey("callId", callId);
        Rules.requireTableKey("agentId", agentId);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(offeredAt, "offeredAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        customerContext =
                customerContext == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(customerContext));
        EnumMap<NotificationState, Instant> times = new EnumMap<>(NotificationState.class);
        if (stateTimes != null) times.putAll(stateTimes);
        times.putIfAbsent(NotificationState.OFFERED, offeredAt);
        stateTimes = Collections.unmodifiableMap(times);
    }

    /** The new ledger row for a notification (state OFFERED). */
    public static NotificationRecord offered(Notification n, String eventId) {
        return new NotificationRecord(
                n.callId(),
                n.agentId(),
                NotificationState.OFFERED,
                eventId,
                n.callerNumber(),
                n.callerName(),
                n.calledNumber(),
                n.queue(),
                n.customerContext(),
                n.traceparent(),
                n.offeredAt(),
                n.expiresAt(),
                Map.of(NotificationState.OFFERED, n.offeredAt()),
                0,
                null,
                null);
    }

    public String partitionKey() {
        return callId;
    }

    public String rowKey() {
        return agentId;
    }

    public String notificationId() {
        return NotificationId.of(callId, agentId);
    }

    public boolean isOpen() {
        return !state.isTerminal();
    }

    /** When {@code s} was entered, or null. */
    public Instant enteredAt(NotificationState s) {
        return stateTimes.get(s);
    }

    /**
     * The record after a legal transition, stamped with the time; {@code connectionId}/{@code reason} replace the
     * current ones when non-null. Throws {@link IllegalTransitionException} for an illegal one.
     */
    public NotificationRecord moveTo(NotificationState next, Instant at, String newConnectionId, String newReason) {
        state.moveTo(next);
        Objects.requireNonNull(at, "at");
        EnumMap<NotificationState, Instant> times = new EnumMap<>(stateTimes);
        times.put(next, at);
        return new NotificationRecord(
                callId,
                agentId,
                next,
                eventId,
                callerNumber,
                callerName,
                calledNumber,
                queue,
                customerContext,
                traceparent,
                offeredAt,
                expiresAt,
                times,
                attempts,
                newConnectionId != null ? newConnectionId : connectionId,
                newReason != null ? newReason : reason);
    }

    public NotificationRecord withAttempts(int newAttempts) {
        return new NotificationRecord(
                callId,
                agentId,
                state,
                eventId,
                callerNumber,
                callerName,
                calledNumber,
                queue,
                customerContext,
                traceparent,
                offeredAt,
                expiresAt,
                stateTimes,
                newAttempts,
                connectionId,
                reason);
    }

    public boolean isPastExpiry(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** The message to (re)send to the agent. */
    public Notification toNotification() {
        return new Notification(
                notificationId(),
                callId,
                agentId,
                callerNumber,
                callerName,
                calledNumber,
                queue,
                customerContext,
                offeredAt,
                expiresAt,
                traceparent);
    }

    /** The outcome message for the current state; throws if the state has none (OFFERED). */
    public Outcome toOutcome() {
        return outcomeOf(state);
    }

    /**
     * The outcome message for having entered {@code passed}, which may be an earlier state than the current one:
     * a decision on a row whose {@code Delivered} was never published also owes that one. The reason belongs to the
     * current state only. Throws if {@code passed} has no outcome (OFFERED) or was never entered.
     */
    public Outcome outcomeOf(NotificationState passed) {
        var type = passed.outcome().orElseThrow(() -> new IllegalStateException("state " + passed + " has no outcome"));
        Instant at = stateTimes.get(passed);
        if (at == null) {
            throw new IllegalStateException(notificationId() + " never entered " + passed);
        }
        long latency = Math.max(0, Duration.between(offeredAt, at).toMillis());
        // Delivered must read the same whoever builds it, before or after a decision (dispatch, presence and the
        // republisher may each publish it; duplicate detection and consumers rely on identical repeats). It goes to
        // the agent — SignalR fans it out to every tab — so it names no connection.
        boolean current = passed == state;
        return new Outcome(
                notificationId(),
                callId,
                agentId,
                type,
                at,
                current && passed != NotificationState.DELIVERED ? connectionId : null,
                current ? reason : null,
                latency);
    }

    /** Entity properties without PartitionKey/RowKey (use {@link #partitionKey()} / {@link #rowKey()}). */
    public Map<String, Object> toProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(PROP_NOTIFICATION_ID, notificationId());
        p.put(PROP_STATE, state.name());
        TableValues.putIfNotNull(p, PROP_EVENT_ID, eventId);
        TableValues.putIfNotNull(p, PROP_CALLER_NUMBER, callerNumber);
        TableValues.putIfNotNull(p, PROP_CALLER_NAME, callerName);
        TableValues.putIfNotNull(p, PROP_CALLED_NUMBER, calledNumber);
        TableValues.putIfNotNull(p, PROP_QUEUE, queue);
        if (!customerContext.isEmpty()) p.put(PROP_CUSTOMER_CONTEXT, writeContext(customerContext));
        TableValues.putIfNotNull(p, PROP_TRACEPARENT, traceparent);
        p.put(PROP_EXPIRES_AT, TableValues.toTable(expiresAt));
        for (var e : stateTimes.entrySet()) p.put(e.getKey().timestampProperty(), TableValues.toTable(e.getValue()));
        p.put(PROP_ATTEMPTS, attempts);
        TableValues.putIfNotNull(p, PROP_CONNECTION_ID, connectionId);
        TableValues.putIfNotNull(p, PROP_REASON, reason);
        return p;
    }

    /** From an entity's properties that include PartitionKey and RowKey (as the Tables SDK returns them). */
    public static NotificationRecord fromProperties(Map<String, Object> p) {
        return fromProperties(
                TableValues.requiredString(p, PROP_PARTITION_KEY), TableValues.requiredString(p, PROP_ROW_KEY), p);
    }

    /** From keys plus properties; unknown properties (Timestamp, odata.etag …) are ignored. */
    public static NotificationRecord fromProperties(String partitionKey, String rowKey, Map<String, Object> p) {
        EnumMap<NotificationState, Instant> times = new EnumMap<>(NotificationState.class);
        for (NotificationState s : NotificationState.values()) {
            Instant at = TableValues.instant(p, s.timestampProperty());
            if (at != null) times.put(s, at);
        }
        Instant offeredAt = times.get(NotificationState.OFFERED);
        if (offeredAt == null) throw new IllegalArgumentException("property OfferedAt is missing");
        Integer attempts = TableValues.integer(p, PROP_ATTEMPTS);
        return new NotificationRecord(
                partitionKey,
                rowKey,
                NotificationState.valueOf(TableValues.requiredString(p, PROP_STATE)),
                TableValues.string(p, PROP_EVENT_ID),
                TableValues.string(p, PROP_CALLER_NUMBER),
                TableValues.string(p, PROP_CALLER_NAME),
                TableValues.string(p, PROP_CALLED_NUMBER),
                TableValues.string(p, PROP_QUEUE),
                readContext(TableValues.string(p, PROP_CUSTOMER_CONTEXT)),
                TableValues.string(p, PROP_TRACEPARENT),
                offeredAt,
                TableValues.instant(p, PROP_EXPIRES_AT),
                times,
                attempts == null ? 0 : attempts,
                TableValues.string(p, PROP_CONNECTION_ID),
                TableValues.string(p, PROP_REASON));
    }

    private static String writeContext(Map<String, String> ctx) {
        try {
            return Json.mapper().writeValueAsString(ctx);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> readContext(String json) {
        if (json == null || json.isEmpty()) return Map.of();
        try {
            return Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("property CustomerContext is not a JSON object of strings", e);
        }
    }
}
