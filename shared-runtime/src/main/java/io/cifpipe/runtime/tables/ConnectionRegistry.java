package io.cifpipe.runtime.tables;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import io.cifpipe.model.ledger.ConnectionRecord;
import java.time.Instant;
import java.util.List;

/**
 * The {@code Connections} table: one row per live SignalR connection, PartitionKey = user id (the agent's Entra
 * object id), RowKey = connection id. Reads for one agent are a single-partition query.
 */
public final class ConnectionRegistry {
    private final TableClient table;

    public ConnectionRegistry(TableClient table) {
        this.table = table;
    }

    /** Inserts or replaces the row (connected, or a heartbeat refreshing lastSeenAt). */
    public void upsert(ConnectionRecord record) {
        table.upsertEntity(Entities.toEntity(record.userId(), record.connectionId(), record.toProperties()));
    }

    /** Deletes the row; a row already gone is fine (disconnect and prune may race). */
    public void remove(String userId, String connectionId) {
        try {
            table.deleteEntity(userId, connectionId);
        } catch (TableServiceException e) {
            if (e.getResponse().getStatusCode() != 404) {
                throw e;
            }
        }
    }

    public List<ConnectionRecord> listForUser(String userId) {
        var options = new ListEntitiesOptions().setFilter("PartitionKey eq " + Entities.quote(userId));
        return table.listEntities(options, null, Context.NONE).stream()
                .map(ConnectionRegistry::fromEntity)
                .toList();
    }

    /** Rows whose lastSeenAt is older than {@code cutoff} (candidates for the stale sweep; a cross-partition scan). */
    public List<ConnectionRecord> listStale(Instant cutoff) {
        var options = new ListEntitiesOptions().setFilter("LastSeenAt lt " + Entities.dateTime(cutoff));
        return table.listEntities(options, null, Context.NONE).stream()
                .map(ConnectionRegistry::fromEntity)
                .toList();
    }

    private static ConnectionRecord fromEntity(TableEntity e) {
        return ConnectionRecord.fromProperties(Entities.properties(e));
    }
}
