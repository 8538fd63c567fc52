package io.cifpipe.runtime.tables;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import io.cifpipe.model.agent.MissedCall;
import io.cifpipe.model.ledger.AgentState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The {@code Agents} table. Partition = agentId; RowKey {@value AgentState#ROW_KEY} is the {@link AgentState} row that
 * dispatch reads once per offer ({@link #read}, a point read); RowKeys {@code missed~<inverted time>~<callId>} are the
 * agent's missed calls (newest first in key order, so {@link #missedCalls} is one partition range query, never on the
 * offer path).
 *
 * <p>Writers: presence merges its connect/disconnect timestamps without an ETag; everything else (availability, active
 * calls, missed-call counter) goes through {@link #update}, a read-modify-write with the row's ETag that REPLACEs the
 * whole row — a concurrent write by another instance (or a presence merge) makes it re-read and re-apply, never lose.
 */
public final class AgentDirectory {
    static final String MISSED_PREFIX = "missed~";
    private static final int MAX_ATTEMPTS = 8;
    private final TableClient table;

    public AgentDirectory(TableClient table) {
        this.table = table;
    }

    /** The result of {@link #update}: the row before and after; {@code changed} false when nothing was written. */
    public record Change(AgentState before, AgentState after, boolean changed) {}

    /** The agent's state; the defaults ({@link AgentState#unknown}) when there is no row. */
    public AgentState read(String agentId) {
        return readEntity(agentId)
                .map(e -> AgentState.fromProperties(Entities.properties(e)))
                .orElseGet(() -> AgentState.unknown(agentId));
    }

    private Optional<TableEntity> readEntity(String agentId) {
        try {
            return Optional.of(table.getEntity(agentId, AgentState.ROW_KEY));
        } catch (TableServiceException e) {
            if (status(e) == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Agents per availability value (rows without one count as the default); one query of the table's state rows,
     * reading only the availability column. For the {@code cifpipe.agents} gauge.
     */
    public Map<String, Long> countByAvailability() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        var options = new com.azure.data.tables.models.ListEntitiesOptions()
                .setFilter("RowKey eq '" + AgentState.ROW_KEY + "'")
                .setSelect(java.util.List.of(AgentState.PROP_AVAILABILITY));
        for (TableEntity e : table.listEntities(options, null, null)) {
            Object v = e.getProperty(AgentState.PROP_AVAILABILITY);
            String availability = v == null
                    ? AgentState.unknown(e.getPartitionKey()).availability().name()
                    : v.toString();
            counts.merge(availability, 1L, Long::sum);
        }
        return counts;
    }

    /**
     * Applies {@code change} (a pure function) to the current row and writes the result with the row's ETag (or creates
     * the row), re-reading on 412/409/404. Returning an equal state writes nothing.
     */
    public Change update(String agentId, UnaryOperator<AgentState> change) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<TableEntity> stored = readEntity(agentId);
            AgentState before = stored.map(e -> AgentState.fromProperties(Entities.properties(e)))
                    .orElseGet(() -> AgentState.unknown(agentId));
            AgentState after = change.apply(before);
            if (after.equals(before) && stored.isPresent()) {
                return new Change(before, before, false);
            }
            TableEntity e = Entities.toEntity(agentId, AgentState.ROW_KEY, after.toProperties());
            try {
                if (stored.isPresent()) {
                    e.addProperty(
                            "odata.etag",
                            NotificationLedger.fixEtag(stored.get().getETag()));
                    table.updateEntityWithResponse(e, TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
                } else {
                    table.createEntityWithResponse(e, null, Context.NONE);
                }
                return new Change(before, after, !after.equals(before));
            } catch (TableServiceException ex) {
                int s = status(ex);
                if (s != 412 && s != 409 && s != 404) {
                    throw ex;
                }
            }
        }
        throw new LedgerConflictException(
                "agent row " + agentId + " kept changing; giving up after " + MAX_ATTEMPTS + " attempts");
    }

    /** Agents with an active call accepted before {@code cutoff} (the max-call-duration sweep; a filtered scan). */
    public List<AgentState> findWithCallsStartedBefore(Instant cutoff) {
        String filter = "RowKey eq " + Entities.quote(AgentState.ROW_KEY) + " and "
                + AgentState.PROP_OLDEST_CALL_STARTED_AT + " lt " + Entities.dateTime(cutoff);
        return table.listEntities(new ListEntitiesOptions().setFilter(filter), null, Context.NONE).stream()
                .map(e -> AgentState.fromProperties(Entities.properties(e)))
                .toList();
    }

    /** Presence: a connection of the agent opened. */
    public void connected(String agentId, Instant at) {
        merge(agentId, AgentState.connectedProperties(at));
    }

    /** Presence: a connection of the agent closed. */
    public void disconnected(String agentId, Instant at) {
        merge(agentId, AgentState.disconnectedProperties(at));
    }

    private void merge(String agentId, Map<String, Object> properties) {
        TableEntity e = Entities.toEntity(agentId, AgentState.ROW_KEY, properties);
        table.upsertEntityWithResponse(e, TableEntityUpdateMode.MERGE, null, Context.NONE);
    }

    /**
     * Adds a missed call (idempotent: the key derives from the call and the time it was missed) and drops the oldest
     * beyond {@link MissedCall#MAX_KEPT}.
     */
    public void recordMissedCall(String agentId, MissedCall m) {
        TableEntity e = new TableEntity(agentId, missedRowKey(m))
                .addProperty("NotificationId", m.notificationId())
                .addProperty("CallId", m.callId())
                .addProperty("MissedAt", m.missedAt().atOffset(java.time.ZoneOffset.UTC));
        if (m.caller() != null) e.addProperty("Caller", m.caller());
        if (m.queue() != null) e.addProperty("Queue", m.queue());
        if (m.callerNumber() != null) e.addProperty("CallerNumber", m.callerNumber());
        table.upsertEntityWithResponse(e, TableEntityUpdateMode.REPLACE, null, Context.NONE);
        List<TableEntity> all = missedEntities(agentId, Integer.MAX_VALUE, List.of("RowKey"));
        for (TableEntity old : all.subList(Math.min(all.size(), MissedCall.MAX_KEPT), all.size())) {
            try {
                table.deleteEntity(agentId, old.getRowKey());
            } catch (TableServiceException ex) {
                if (status(ex) != 404) throw ex;
            }
        }
    }

    /** The agent's missed calls, newest first, at most {@code max}. */
    public List<MissedCall> missedCalls(String agentId, int max) {
        List<MissedCall> out = new ArrayList<>();
        for (TableEntity e : missedEntities(agentId, max, null)) {
            Map<String, Object> p = e.getProperties();
            out.add(new MissedCall(
                    String.valueOf(p.get("NotificationId")),
                    String.valueOf(p.get("CallId")),
                    (String) p.get("Caller"),
                    (String) p.get("Queue"),
                    ((java.time.OffsetDateTime) p.get("MissedAt")).toInstant(),
                    (String) p.get("CallerNumber")));
        }
        return out;
    }

    private List<TableEntity> missedEntities(String agentId, int max, List<String> select) {
        ListEntitiesOptions o = new ListEntitiesOptions()
                .setFilter("PartitionKey eq " + Entities.quote(agentId) + " and RowKey gt "
                        + Entities.quote(MISSED_PREFIX) + " and RowKey lt " + Entities.quote(MISSED_PREFIX + "~"));
        if (select != null) o.setSelect(select);
        return table.listEntities(o, null, Context.NONE).stream().limit(max).toList();
    }

    /** Newest first in RowKey order: the time is inverted and zero-padded. */
    static String missedRowKey(MissedCall m) {
        long inverted = Long.MAX_VALUE - m.missedAt().toEpochMilli();
        return MISSED_PREFIX + String.format("%019d", inverted) + "~" + m.callId();
    }

    private static int status(TableServiceException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }
}
