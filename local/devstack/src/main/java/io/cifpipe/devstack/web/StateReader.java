package io.cifpipe.devstack.web;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.cifpipe.model.Setting;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only views of the stack's state for the pages, through the same SDKs the apps use
 * (azure-data-tables against Azurite). Blocking:
 * call from a worker thread.
 */
public final class StateReader implements AutoCloseable {
    private final TableServiceClient tables;

    public StateReader(String tablesConnection) {
        this.tables = new TableServiceClientBuilder()
                .connectionString(tablesConnection)
                .buildClient();
    }

    /** Live connections grouped by agent (PartitionKey = user id). */
    public Map<String, List<Map<String, Object>>> connectionsByAgent() {
        TableClient t =
                tables.getTableClient(Setting.CONNECTIONS_TABLE.defaultValue().orElseThrow());
        Map<String, List<Map<String, Object>>> byAgent = new TreeMap<>();
        for (TableEntity e : t.listEntities(new ListEntitiesOptions().setTop(1000), null, null)) {
            byAgent.computeIfAbsent(e.getPartitionKey(), k -> new ArrayList<>()).add(plain(e));
        }
        return byAgent;
    }

    /**
     * The most recent notification rows (by Timestamp, newest first), every property as stored. The ledger's own
     * bookkeeping rows (tombstones {@code ~closed…}, call guards {@code ~call}) are left out: ids cannot contain
     * {@code ~} and it sorts after every id character, so {@code RowKey lt '~'} selects the notifications only.
     */
    public List<Map<String, Object>> ledger(int limit) {
        TableClient t =
                tables.getTableClient(Setting.NOTIFICATIONS_TABLE.defaultValue().orElseThrow());
        List<TableEntity> all = new ArrayList<>();
        for (TableEntity e :
                t.listEntities(new ListEntitiesOptions().setTop(1000).setFilter("RowKey lt '~'"), null, null)) {
            all.add(e);
            if (all.size() >= 5000) {
                break; // bounded: the dashboard shows recent rows, not an export
            }
        }
        all.sort(Comparator.comparing(
                        TableEntity::getTimestamp, Comparator.nullsLast(Comparator.<OffsetDateTime>naturalOrder()))
                .reversed());
        return all.stream().limit(limit).map(StateReader::plain).toList();
    }

    /** The supervisor view ({@link SupervisorView}) from the Agents, Connections and Notifications tables. */
    public Map<String, Object> supervisor(Map<String, String> names, java.time.Instant now) {
        List<Map<String, Object>> agents = new ArrayList<>();
        try {
            TableClient t =
                    tables.getTableClient(Setting.AGENTS_TABLE.defaultValue().orElseThrow());
            for (TableEntity e : t.listEntities(new ListEntitiesOptions().setTop(1000), null, null)) {
                agents.add(plain(e));
                if (agents.size() >= 5000) break;
            }
        } catch (com.azure.data.tables.models.TableServiceException e) {
            if (e.getResponse().getStatusCode() != 404)
                throw e; // no Agents table yet: every agent reads as the defaults
        }
        TableClient n =
                tables.getTableClient(Setting.NOTIFICATIONS_TABLE.defaultValue().orElseThrow());
        java.util.Set<String> closed = new java.util.HashSet<>();
        for (TableEntity e : n.listEntities(
                new ListEntitiesOptions().setFilter("RowKey eq '~closed'").setSelect(List.of("PartitionKey")),
                null,
                null)) {
            closed.add(e.getPartitionKey());
            if (closed.size() >= 20000) break;
        }
        return SupervisorView.compute(
                agents, connectionsByAgent(), ledger(5000), closed, names, now, java.time.ZoneId.systemDefault());
    }

    private static Map<String, Object> plain(TableEntity e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("PartitionKey", e.getPartitionKey());
        m.put("RowKey", e.getRowKey());
        m.put("Timestamp", String.valueOf(e.getTimestamp()));
        e.getProperties().forEach((k, v) -> {
            if (!k.startsWith("odata.") && !k.equals("PartitionKey") && !k.equals("RowKey") && !k.equals("Timestamp")) {
                m.put(k, v instanceof OffsetDateTime || v instanceof byte[] ? String.valueOf(v) : v);
            }
        });
        return m;
    }

    @Override
    public void close() {
        // TableServiceClient holds no resources that need closing; receivers are per call.
    }
}
