package io.cifpipe.model.ledger;

import io.cifpipe.model.validation.Rules;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the {@code Connections} table: PartitionKey = userId (the agent's Entra object id, the SignalR
 * user id), RowKey = SignalR connectionId. "All live connections of an agent" is one partition query.
 * Property types: String and OffsetDateTime (UTC).
 */
public record ConnectionRecord(
        String userId, String connectionId, String hub, Instant connectedAt, Instant lastSeenAt, String userAgent) {
    public static final int MAX_USER_AGENT_LENGTH = 256;
    public static final String PROP_PARTITION_KEY = "PartitionKey";
    public static final String PROP_ROW_KEY = "RowKey";
    public static final String PROP_HUB = "Hub";
    public static final String PROP_CONNECTED_AT = "ConnectedAt";
    public static final String PROP_LAST_SEEN_AT = "LastSeenAt";
    public static final String PROP_USER_AGENT = "UserAgent";

    public ConnectionRecord {
        Rules.requireTableKey("userId", userId);
        Rules.requireTableKey("connectionId", connectionId);
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(connectedAt, "connectedAt");
        if (lastSeenAt == null) lastSeenAt = connectedAt;
        userAgent = sanitize(userAgent);
    }

    /** A fresh connection (lastSeenAt = connectedAt). */
    public static ConnectionRecord connected(
            String userId, String connectionId, String hub, Instant at, String userAgent) {
        return new ConnectionRecord(userId, connectionId, hub, at, at, userAgent);
    }

    public ConnectionRecord seenAt(Instant at) {
        return new ConnectionRecord(userId, connectionId, hub, connectedAt, at, userAgent);
    }

    public boolean isStale(Instant now, java.time.Duration maxIdle) {
        return lastSeenAt.plus(maxIdle).isBefore(now);
    }

    public String partitionKey() {
        return userId;
    }

    public String rowKey() {
        return connectionId;
    }

    /** Entity properties without PartitionKey/RowKey. */
    public Map<String, Object> toProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(PROP_HUB, hub);
        p.put(PROP_CONNECTED_AT, TableValues.toTable(connectedAt));
        p.put(PROP_LAST_SEEN_AT, TableValues.toTable(lastSeenAt));
        TableValues.putIfNotNull(p, PROP_USER_AGENT, userAgent);
        return p;
    }

    /** From properties that include PartitionKey and RowKey (as the Tables SDK returns them). */
    public static ConnectionRecord fromProperties(Map<String, Object> p) {
        return fromProperties(
                TableValues.requiredString(p, PROP_PARTITION_KEY), TableValues.requiredString(p, PROP_ROW_KEY), p);
    }

    public static ConnectionRecord fromProperties(String partitionKey, String rowKey, Map<String, Object> p) {
        return new ConnectionRecord(
                partitionKey,
                rowKey,
                TableValues.requiredString(p, PROP_HUB),
                TableValues.instant(p, PROP_CONNECTED_AT),
                TableValues.instant(p, PROP_LAST_SEEN_AT),
                TableValues.string(p, PROP_USER_AGENT));
    }

    /** User-Agent comes from the client: bound it and drop control characters before storing. */
    private static String sanitize(String ua) {
        if (ua == null) return null;
        StringBuilder sb = new StringBuilder(Math.min(ua.length(), MAX_USER_AGENT_LENGTH));
        for (int i = 0; i < ua.length() && sb.length() < MAX_USER_AGENT_LENGTH; i++) {
            char c = ua.charAt(i);
            if (!Character.isISOControl(c)) sb.append(c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
