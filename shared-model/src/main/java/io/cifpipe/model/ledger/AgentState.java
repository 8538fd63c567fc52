package io.cifpipe.model.ledger;

import io.cifpipe.model.validation.Rules;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the {@code Agents} table: what dispatch needs to know about an agent before offering a call, in one
 * point read (PartitionKey = agentId, the Entra object id and SignalR user id; RowKey = {@value #ROW_KEY}).
 * Presence maintains it; "online" is not stored here — the SignalR service is the authority on that (a
 * {@code HEAD /users/{agentId}} that dispatch makes alongside this read).
 *
 * <p>Every property is optional, so a missing row, or a row written before a property existed, reads as the
 * defaults: {@link Availability#AVAILABLE}, no active calls, capacity {@value #DEFAULT_MAX_CONCURRENT_CALLS}. Writers
 * merge only the properties they own (presence: {@code LastConnectedAt}/{@code LastDisconnectedAt}; issue 20:
 * availability and call counting), so they never overwrite each other.
 *
 * @param agentId            the agent (Entra object id)
 * @param availability       whether the agent takes new calls
 * @param activeCalls        calls the agent is on now (issue 20 maintains it; 0 until then)
 * @param maxConcurrentCalls how many calls the agent may be on at once
 * @param lastConnectedAt    last SignalR connect presence saw, or null
 * @param lastDisconnectedAt last SignalR disconnect presence saw, or null
 */
public record AgentState(String agentId, Availability availability, int activeCalls, int maxConcurrentCalls,
                         Instant lastConnectedAt, Instant lastDisconnectedAt) {
    public static final String ROW_KEY = "state";
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 1;
    public static final String PROP_AVAILABILITY = "Availability";
    public static final String PROP_ACTIVE_CALLS = "ActiveCalls";
    public static final String PROP_MAX_CONCURRENT_CALLS = "MaxConcurrentCalls";
    public static final String PROP_LAST_CONNECTED_AT = "LastConnectedAt";
    public static final String PROP_LAST_DISCONNECTED_AT = "LastDisconnectedAt";

    public AgentState {
        Rules.requireTableKey("agentId", agentId);
        if (availability == null) availability = Availability.AVAILABLE;
        if (activeCalls < 0) throw new IllegalArgumentException("activeCalls must not be negative");
        if (maxConcurrentCalls < 1) throw new IllegalArgumentException("maxConcurrentCalls must be at least 1");
    }

    /** An agent without a row: the defaults. */
    public static AgentState unknown(String agentId) {
        return new AgentState(agentId, Availability.AVAILABLE, 0, DEFAULT_MAX_CONCURRENT_CALLS, null, null);
    }

    /** Available and below capacity (issue 20 decides what dispatch does when not). */
    public boolean canTakeACall() {
        return availability == Availability.AVAILABLE && activeCalls < maxConcurrentCalls;
    }

    public String partitionKey() { return agentId; }

    public String rowKey() { return ROW_KEY; }

    /** The merge presence writes when a connection opens (only its own property). */
    public static Map<String, Object> connectedProperties(Instant at) {
        return Map.of(PROP_LAST_CONNECTED_AT, TableValues.toTable(at));
    }

    /** The merge presence writes when a connection closes (only its own property). */
    public static Map<String, Object> disconnectedProperties(Instant at) {
        return Map.of(PROP_LAST_DISCONNECTED_AT, TableValues.toTable(at));
    }

    /** Every property (without the keys); absent timestamps left out. */
    public Map<String, Object> toProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(PROP_AVAILABILITY, availability.name());
        p.put(PROP_ACTIVE_CALLS, activeCalls);
        p.put(PROP_MAX_CONCURRENT_CALLS, maxConcurrentCalls);
        TableValues.putIfNotNull(p, PROP_LAST_CONNECTED_AT, TableValues.toTable(lastConnectedAt));
        TableValues.putIfNotNull(p, PROP_LAST_DISCONNECTED_AT, TableValues.toTable(lastDisconnectedAt));
        return p;
    }

    /** From what the Tables SDK returns (PartitionKey = agentId); missing properties take their defaults. */
    public static AgentState fromProperties(Map<String, Object> p) {
        String agentId = TableValues.requiredString(p, "PartitionKey");
        Integer active = TableValues.integer(p, PROP_ACTIVE_CALLS);
        Integer max = TableValues.integer(p, PROP_MAX_CONCURRENT_CALLS);
        Availability availability;
        try {
            availability = Availability.parse(TableValues.string(p, PROP_AVAILABILITY));
        } catch (IllegalArgumentException e) {
            availability = Availability.AVAILABLE; // a value a newer writer knows: read as the default, never fail the call
        }
        return new AgentState(agentId, availability,
                active == null ? 0 : Math.max(0, active), max == null || max < 1 ? DEFAULT_MAX_CONCURRENT_CALLS : max,
                TableValues.instant(p, PROP_LAST_CONNECTED_AT), TableValues.instant(p, PROP_LAST_DISCONNECTED_AT));
    }
}
