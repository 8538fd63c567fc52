package io.cifpipe.presence.republish;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds {@code Notifications} rows holding an ACCEPTED/REJECTED decision whose outcome may not have been published.
 *
 * <p>The ledger is partitioned by callId, so there is no partition for "recent" rows: this is a filtered table
 * scan, the same shape as dispatch's expiry sweep (which runs every 5 s). Only a key projection is returned
 * ({@code $select}), in pages of {@link Limits#pageSize()}, and the scan stops after {@link Limits#maxScanned()}
 * rows (reported as truncated, never silently). The caller re-reads each candidate before acting on it.
 *
 * <p>Which rows: decided before {@code cutoff} (the publish grace), and either
 * <ul>
 *   <li>{@code PublishedState eq 'DELIVERED'} — Delivered went out but the decision did not; matched at any age, and
 *       only pending rows match, so this costs nothing when all is well; or</li>
 *   <li>decided after {@code since} — covers rows with no {@code PublishedState} at all (their Delivered publish also
 *       failed, or the decision recorded DELIVERED and the decision in one write). Table filters cannot match a
 *       missing property ({@code ne} is false for it, in Azure and Azurite alike), so these are found by time window
 *       and filtered here; a published row in the window is returned too and dropped client-side.</li>
 * </ul>
 */
public final class UnpublishedDecisionScan {
    /** Table property names: NotificationLedger's outbox marker and the record's State. */
    static final String PROP_PUBLISHED = "PublishedState";

    private static final List<NotificationState> DECISIONS =
            List.of(NotificationState.ACCEPTED, NotificationState.REJECTED);

    /**
     * @param pageSize   entities per Table request ($top, at most 1000)
     * @param maxScanned rows read per run at most; beyond that the run is reported as truncated
     */
    public record Limits(int pageSize, int maxScanned) {
        public static final Limits DEFAULT = new Limits(1000, 20_000);

        public Limits {
            if (pageSize < 1 || pageSize > 1000) throw new IllegalArgumentException("pageSize must be 1..1000");
            if (maxScanned < 1) throw new IllegalArgumentException("maxScanned must be positive");
        }
    }

    /** A row to look at: its keys and what the scan saw. */
    public record Candidate(String callId, String agentId, NotificationState state, String published) {}

    /** @param scanned rows returned by the table; {@code truncated}: stopped at {@link Limits#maxScanned()} */
    public record Result(List<Candidate> candidates, int scanned, boolean truncated) {}

    private final TableClient table;
    private final Limits limits;

    public UnpublishedDecisionScan(TableClient table, Limits limits) {
        this.table = Objects.requireNonNull(table);
        this.limits = Objects.requireNonNull(limits);
    }

    public Result scan(Instant since, Instant cutoff) {
        ListEntitiesOptions options = new ListEntitiesOptions()
                .setFilter(filter(since, cutoff))
                .setTop(limits.pageSize())
                .setSelect(List.of(
                        NotificationRecord.PROP_PARTITION_KEY,
                        NotificationRecord.PROP_ROW_KEY,
                        NotificationRecord.PROP_STATE,
                        PROP_PUBLISHED));
        List<Candidate> candidates = new ArrayList<>();
        int scanned = 0;
        for (PagedResponse<TableEntity> page :
                table.listEntities(options, null, Context.NONE).iterableByPage()) {
            for (TableEntity e : page.getValue()) {
                if (scanned >= limits.maxScanned()) {
                    return new Result(candidates, scanned, true);
                }
                scanned++;
                Object state = e.getProperty(NotificationRecord.PROP_STATE);
                Object published = e.getProperty(PROP_PUBLISHED);
                if (state != null && !state.toString().equals(published == null ? null : published.toString())) {
                    candidates.add(new Candidate(
                            e.getPartitionKey(),
                            e.getRowKey(),
                            NotificationState.valueOf(state.toString()),
                            published == null ? null : published.toString()));
                }
            }
        }
        return new Result(candidates, scanned, false);
    }

    /** The OData filter (one clause per decision state; timestamps are the state's own {@code <State>At}). */
    static String filter(Instant since, Instant cutoff) {
        List<String> clauses = new ArrayList<>();
        for (NotificationState s : DECISIONS) {
            String at = s.timestampProperty();
            clauses.add("(" + NotificationRecord.PROP_STATE + " eq '" + s.name() + "' and " + at + " le "
                    + dateTime(cutoff)
                    + " and (" + PROP_PUBLISHED + " eq '" + NotificationState.DELIVERED.name() + "' or " + at + " ge "
                    + dateTime(since) + "))");
        }
        return String.join(" or ", clauses);
    }

    private static String dateTime(Instant instant) {
        return "datetime'" + DateTimeFormatter.ISO_INSTANT.format(instant) + "'";
    }
}
