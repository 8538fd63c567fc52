package io.cifpipe.runtime.tables;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import io.cifpipe.model.ledger.AgentState;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code Agents} table ({@link AgentState}: PartitionKey = agentId, RowKey = {@value AgentState#ROW_KEY}). Dispatch
 * reads it once per offer ({@link #read}, a point read); presence merges what it owns on connect/disconnect. Merges
 * touch only the writer's own properties, so writers need no ETags and never undo each other's fields.
 */
public final class AgentDirectory {
    private final TableClient table;

    public AgentDirectory(TableClient table) {
        this.table = table;
    }

    /** The agent's state; the defaults ({@link AgentState#unknown}) when there is no row. */
    public AgentState read(String agentId) {
        try {
            return AgentState.fromProperties(Entities.properties(table.getEntity(agentId, AgentState.ROW_KEY)));
        } catch (TableServiceException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return AgentState.unknown(agentId);
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
            String availability = v == null ? AgentState.unknown(e.getPartitionKey()).availability().name() : v.toString();
            counts.merge(availability, 1L, Long::sum);
        }
        return counts;
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
}
