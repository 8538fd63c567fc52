package io.cifpipe.model.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.cifpipe.model.agent.AgentStatus;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.outcome.UnavailableReason;
import io.cifpipe.model.validation.Rules;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One row of the {@code Agents} table: everything dispatch needs to know about an agent before offering a call, in one
 * point read (PartitionKey = agentId, the Entra object id and SignalR user id; RowKey = {@value #ROW_KEY}).
 * "Online" is not stored here — the SignalR service is the authority on that (a {@code HEAD /users/{agentId}} that
 * dispatch makes alongside this read).
 *
 * <p>Every property is optional, so a missing row, or a row written before a property existed, reads as the
 * defaults: {@link Availability#AVAILABLE}, no active calls, the app's {@code AgentCapacity}, no missed calls.
 * Presence merges {@code LastConnectedAt}/{@code LastDisconnectedAt} without an ETag; every other change
 * (availability, calls, missed-call counter) is a read-modify-write with the row's ETag (REPLACE of the whole row, so a
 * concurrent merge makes it retry rather than be lost) — several dispatch and presence instances change the same row.
 *
 * <p>Capacity is separate from availability: an agent on a call keeps her availability; {@link #unavailableReason}
 * answers "can she take a new call" from both. A ringing, undecided popup does not count.
 *
 * @param agentId            the agent (Entra object id)
 * @param availability       whether the agent takes new calls
 * @param availabilityReason why availability or active calls last changed (null: never changed)
 * @param availabilitySince  when the current availability value started (null: never set)
 * @param activeCalls        calls the agent accepted and that have not ended: callId → accepted at
 * @param capacity           per-agent capacity override (property {@code MaxConcurrentCalls}); null: the app setting
 * @param missedInARow       consecutive missed calls since the last Accept/Reject/setAvailability
 * @param lastConnectedAt    last SignalR connect presence saw, or null
 * @param lastDisconnectedAt last SignalR disconnect presence saw, or null
 */
public record AgentState(
        String agentId,
        Availability availability,
        AvailabilityReason availabilityReason,
        Instant availabilitySince,
        Map<String, Instant> activeCalls,
        Integer capacity,
        int missedInARow,
        Instant lastConnectedAt,
        Instant lastDisconnectedAt) {
    public static final String ROW_KEY = "state";
    public static final int DEFAULT_CAPACITY = 1;
    public static final String PROP_AVAILABILITY = "Availability";
    public static final String PROP_AVAILABILITY_REASON = "AvailabilityReason";
    public static final String PROP_AVAILABILITY_SINCE = "AvailabilitySince";
    /** Count of {@link #PROP_ACTIVE_CALL_IDS} (readable in the portal / Storage Explorer). */
    public static final String PROP_ACTIVE_CALLS = "ActiveCalls";
    /** JSON object callId → accepted-at (ISO-8601). */
    public static final String PROP_ACTIVE_CALL_IDS = "ActiveCallIds";
    /** Start of the oldest active call; absent without calls. The max-call-duration sweep filters on it. */
    public static final String PROP_OLDEST_CALL_STARTED_AT = "OldestCallStartedAt";

    public static final String PROP_MAX_CONCURRENT_CALLS = "MaxConcurrentCalls";
    public static final String PROP_MISSED_IN_A_ROW = "MissedInARow";
    public static final String PROP_LAST_CONNECTED_AT = "LastConnectedAt";
    public static final String PROP_LAST_DISCONNECTED_AT = "LastDisconnectedAt";

    public AgentState {
        Rules.requireTableKey("agentId", agentId);
        if (availability == null) availability = Availability.AVAILABLE;
        activeCalls = activeCalls == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(activeCalls));
        if (capacity != null && capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
        if (missedInARow < 0) throw new IllegalArgumentException("missedInARow must not be negative");
    }

    /** An agent without a row: the defaults. */
    public static AgentState unknown(String agentId) {
        return new AgentState(agentId, Availability.AVAILABLE, null, null, Map.of(), null, 0, null, null);
    }

    public int activeCallCount() {
        return activeCalls.size();
    }

    /** The capacity that applies: the row's override, else {@code defaultCapacity} (setting {@code AgentCapacity}). */
    public int capacity(int defaultCapacity) {
        return capacity != null ? capacity : defaultCapacity;
    }

    /**
     * Why a new offer cannot go to this agent, or empty when she can take it: her availability first (busy,
     * do-not-disturb, away), then capacity (at-capacity).
     */
    public Optional<UnavailableReason> unavailableReason(int defaultCapacity) {
        Optional<UnavailableReason> byAvailability = UnavailableReason.of(availability);
        if (byAvailability.isPresent()) {
            return byAvailability;
        }
        return activeCallCount() >= capacity(defaultCapacity)
                ? Optional.of(UnavailableReason.AT_CAPACITY)
                : Optional.empty();
    }

    /** What the client is told ({@code availability} push, {@code getAgentState}). */
    public AgentStatus status(int defaultCapacity) {
        return new AgentStatus(
                availability,
                availabilityReason == null ? AvailabilityReason.AGENT : availabilityReason,
                availabilitySince,
                activeCallCount(),
                capacity(defaultCapacity));
    }

    /** The availability set to {@code next}; {@code since} moves only when the value changes. Resets missed calls if by the agent. */
    public AgentState withAvailability(Availability next, AvailabilityReason reason, Instant at) {
        Instant since = next == availability && availabilitySince != null ? availabilitySince : at;
        int missed = reason == AvailabilityReason.AGENT ? 0 : missedInARow;
        return new AgentState(
                agentId, next, reason, since, activeCalls, capacity, missed, lastConnectedAt, lastDisconnectedAt);
    }

    /** First sign-in: availability {@code Available} (or what is stored) gets its start time and reason. */
    public AgentState withSinceIfUnset(Instant at) {
        return availabilitySince != null
                ? this
                : new AgentState(
                        agentId,
                        availability,
                        availabilityReason == null ? AvailabilityReason.AGENT : availabilityReason,
                        at,
                        activeCalls,
                        capacity,
                        missedInARow,
                        lastConnectedAt,
                        lastDisconnectedAt);
    }

    /** An Accept: the call counts toward capacity until it ends (idempotent per callId); the missed counter resets. */
    public AgentState withCallStarted(String callId, Instant at) {
        Map<String, Instant> calls = new TreeMap<>(activeCalls);
        calls.putIfAbsent(Objects.requireNonNull(callId), at);
        return new AgentState(
                agentId,
                availability,
                calls.size() != activeCalls.size() ? AvailabilityReason.CALL_STARTED : availabilityReason,
                availabilitySince,
                calls,
                capacity,
                0,
                lastConnectedAt,
                lastDisconnectedAt);
    }

    /** The call no longer counts (call.ended or the max-call-duration timeout); unchanged if it was not active. */
    public AgentState withCallEnded(String callId, AvailabilityReason reason) {
        if (!activeCalls.containsKey(callId)) {
            return this;
        }
        Map<String, Instant> calls = new TreeMap<>(activeCalls);
        calls.remove(callId);
        return new AgentState(
                agentId,
                availability,
                reason,
                availabilitySince,
                calls,
                capacity,
                missedInARow,
                lastConnectedAt,
                lastDisconnectedAt);
    }

    /** Calls accepted before {@code cutoff} (candidates for the max-call-duration release). */
    public List<String> callsStartedBefore(Instant cutoff) {
        return activeCalls.entrySet().stream()
                .filter(e -> e.getValue().isBefore(cutoff))
                .map(Map.Entry::getKey)
                .toList();
    }

    public Optional<Instant> oldestCallStartedAt() {
        return activeCalls.values().stream().min(Instant::compareTo);
    }

    /**
     * A popup rang out: one more consecutive miss; at {@code threshold} misses an {@code Available} agent is set
     * {@code Away} with reason {@code missed-calls} (another availability is left as the agent chose it).
     */
    public AgentState withMissedCall(int threshold, Instant at) {
        int missed = missedInARow + 1;
        AgentState counted = new AgentState(
                agentId,
                availability,
                availabilityReason,
                availabilitySince,
                activeCalls,
                capacity,
                missed,
                lastConnectedAt,
                lastDisconnectedAt);
        if (missed >= threshold && availability == Availability.AVAILABLE) {
            return counted.withAvailability(Availability.AWAY, AvailabilityReason.MISSED_CALLS, at);
        }
        return counted;
    }

    /** Accept or Reject: the consecutive-miss counter starts again. */
    public AgentState withMissedReset() {
        return missedInARow == 0
                ? this
                : new AgentState(
                        agentId,
                        availability,
                        availabilityReason,
                        availabilitySince,
                        activeCalls,
                        capacity,
                        0,
                        lastConnectedAt,
                        lastDisconnectedAt);
    }

    public String partitionKey() {
        return agentId;
    }

    public String rowKey() {
        return ROW_KEY;
    }

    /** The merge presence writes when a connection opens (only its own property). */
    public static Map<String, Object> connectedProperties(Instant at) {
        return Map.of(PROP_LAST_CONNECTED_AT, TableValues.toTable(at));
    }

    /** The merge presence writes when a connection closes (only its own property). */
    public static Map<String, Object> disconnectedProperties(Instant at) {
        return Map.of(PROP_LAST_DISCONNECTED_AT, TableValues.toTable(at));
    }

    /** Every property (without the keys); absent values left out (a REPLACE then removes them). */
    public Map<String, Object> toProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(PROP_AVAILABILITY, availability.name());
        TableValues.putIfNotNull(
                p, PROP_AVAILABILITY_REASON, availabilityReason == null ? null : availabilityReason.wireName());
        TableValues.putIfNotNull(p, PROP_AVAILABILITY_SINCE, TableValues.toTable(availabilitySince));
        p.put(PROP_ACTIVE_CALLS, activeCalls.size());
        if (!activeCalls.isEmpty()) {
            Map<String, String> ids = new TreeMap<>();
            activeCalls.forEach((k, v) -> ids.put(k, v.toString()));
            p.put(PROP_ACTIVE_CALL_IDS, writeJson(ids));
        }
        TableValues.putIfNotNull(
                p,
                PROP_OLDEST_CALL_STARTED_AT,
                TableValues.toTable(oldestCallStartedAt().orElse(null)));
        TableValues.putIfNotNull(p, PROP_MAX_CONCURRENT_CALLS, capacity);
        p.put(PROP_MISSED_IN_A_ROW, missedInARow);
        TableValues.putIfNotNull(p, PROP_LAST_CONNECTED_AT, TableValues.toTable(lastConnectedAt));
        TableValues.putIfNotNull(p, PROP_LAST_DISCONNECTED_AT, TableValues.toTable(lastDisconnectedAt));
        return p;
    }

    /** From what the Tables SDK returns (PartitionKey = agentId); missing or unreadable properties take their defaults. */
    public static AgentState fromProperties(Map<String, Object> p) {
        String agentId = TableValues.requiredString(p, "PartitionKey");
        Integer max = TableValues.integer(p, PROP_MAX_CONCURRENT_CALLS);
        Integer missed = TableValues.integer(p, PROP_MISSED_IN_A_ROW);
        Availability availability;
        try {
            availability = Availability.parse(TableValues.string(p, PROP_AVAILABILITY));
        } catch (IllegalArgumentException e) {
            availability =
                    Availability.AVAILABLE; // a value a newer writer knows: read as the default, never fail the call
        }
        AvailabilityReason reason = AvailabilityReason.fromWireName(TableValues.string(p, PROP_AVAILABILITY_REASON))
                .orElse(null);
        return new AgentState(
                agentId,
                availability,
                reason,
                TableValues.instant(p, PROP_AVAILABILITY_SINCE),
                readCalls(TableValues.string(p, PROP_ACTIVE_CALL_IDS)),
                max == null || max < 1 ? null : max,
                missed == null ? 0 : Math.max(0, missed),
                TableValues.instant(p, PROP_LAST_CONNECTED_AT),
                TableValues.instant(p, PROP_LAST_DISCONNECTED_AT));
    }

    private static String writeJson(Map<String, String> m) {
        try {
            return Json.mapper().writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Instant> readCalls(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> raw =
                    Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
            Map<String, Instant> out = new TreeMap<>();
            raw.forEach((k, v) -> out.put(k, Instant.parse(v)));
            return out;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "property " + PROP_ACTIVE_CALL_IDS + " is not a JSON object of callId → time", e);
        }
    }
}
