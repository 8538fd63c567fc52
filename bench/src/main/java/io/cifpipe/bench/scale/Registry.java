package io.cifpipe.bench.scale;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the presence registry ({@code Connections} table in Azurite) the way an operator would: list the rows. */
final class Registry {
    static final String TABLE = "Connections";

    /** Rows, distinct agents, and rows (and agents) whose ConnectedAt is at or after {@code since}. */
    record State(int rows, int agents, int rowsSince, int agentsSince) {
        static final State EMPTY = new State(0, 0, 0, 0);

        /** One row per agent, {@code expected} agents. */
        boolean exactly(int expected) {
            return rows == expected && agents == expected;
        }

        @Override
        public String toString() {
            return rows + " rows / " + agents + " agents";
        }
    }

    private final TableClient table;

    Registry(String connectionString) {
        this.table = new TableClientBuilder()
                .connectionString(connectionString)
                .tableName(TABLE)
                .buildClient();
    }

    State read() {
        return read(Instant.EPOCH);
    }

    State read(Instant since) {
        ListEntitiesOptions options =
                new ListEntitiesOptions().setSelect(List.of("PartitionKey", "RowKey", "ConnectedAt"));
        int rows = 0;
        int rowsSince = 0;
        Set<String> agents = new HashSet<>();
        Set<String> agentsSince = new HashSet<>();
        try {
            for (TableEntity e : table.listEntities(options, Duration.ofSeconds(30), Context.NONE)) {
                rows++;
                agents.add(e.getPartitionKey());
                Instant at = instant(e.getProperty("ConnectedAt"));
                if (at != null && !at.isBefore(since)) {
                    rowsSince++;
                    agentsSince.add(e.getPartitionKey());
                }
            }
        } catch (TableServiceException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return State.EMPTY; // presence creates the table on first use
            }
            throw e;
        }
        return new State(rows, agents.size(), rowsSince, agentsSince.size());
    }

    private static Instant instant(Object v) {
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof String s) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}
