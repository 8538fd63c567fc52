package io.cifpipe.runtime.tables;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import com.azure.data.tables.models.TableTransactionResult;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.NotificationId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The {@code Notifications} ledger (PartitionKey = callId, RowKey = agentId; see {@link NotificationRecord}).
 * Every write is conditional: creation fails on an existing row (idempotent create), updates carry the ETag they
 * read and re-read on 412, so concurrent dispatch/presence instances never overwrite each other and the state
 * machine's first transition wins.
 *
 * <p>Tombstones: a {@code call.ended}/{@code call.answered} that arrives before the offer leaves a row with
 * RowKey {@code ~closed} (whole call) or {@code ~closed~<agentId>} in the call's partition. Ids cannot contain
 * {@code ~}, and {@code ~} sorts after every id character, so {@code RowKey lt '~'} selects the notifications only.
 *
 * <p>Call guard: the row {@code ~call} in the call's partition exists once anything happened to the call — the first
 * offer inserts it in one entity-group transaction with its notification row ({@link #createFirstOfCall}), and
 * ended/answered insert it after their tombstone and before they read rows ({@link #recordClosed}). So when that
 * transaction succeeds, no tombstone can exist (it would have been written before the guard) and any later
 * ended/answered will find the row: the first offer of a call needs neither a read-before-create nor a tombstone
 * query. Every other offer (ring groups, redeliveries, closed calls) finds the guard and takes the general path.
 */
public final class NotificationLedger {
    static final String PROP_DELIVERED_TO = "DeliveredTo";
    static final String PROP_PUBLISHED = "PublishedState";
    static final String PROP_CLOSED_REASON = "ClosedReason";
    static final String PROP_CLOSED_EVENT = "ClosedByEvent";
    static final String PROP_CLOSED_AT = "ClosedAt";
    static final String TOMBSTONE_ROW = "~closed";
    static final String CALL_GUARD_ROW = "~call";
    static final String ENDED_ROW = "~ended";
    static final String PROP_GUARDED_AT = "GuardedAt";
    private static final int MAX_ATTEMPTS = 8;

    private final TableClient table;
    private final Clock clock;

    public NotificationLedger(TableClient table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    /** The result of {@link #createIfAbsent}: the stored entry and whether this call created it. */
    public record Created(LedgerEntry entry, boolean created) {}

    /** Inserts the row unless one exists for (callId, agentId); returns the stored entry either way. */
    public Created createIfAbsent(NotificationRecord record) {
        LedgerEntry entry = LedgerEntry.of(record);
        // Read first: redeliveries and retries are the common case, and the SDK logs every 409 at ERROR level.
        Optional<LedgerEntry> stored = get(record.callId(), record.agentId());
        if (stored.isPresent()) {
            return new Created(stored.get(), false);
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                Response<Void> r = table.createEntityWithResponse(toEntity(entry), null, Context.NONE);
                return new Created(entry.withEtag(etagOf(r)), true);
            } catch (TableServiceException e) {
                if (status(e) != 409) {
                    throw e;
                }
            }
            Optional<LedgerEntry> existing = get(record.callId(), record.agentId());
            if (existing.isPresent()) {
                return new Created(existing.get(), false);
            }
            // deleted between our create and read (never done by this system, but stay correct): try again
        }
        throw new LedgerConflictException("could not create or read ledger row " + record.notificationId());
    }

    /**
     * Inserts {@code record} together with the call's guard row in one entity-group transaction (one round trip).
     * Empty when either exists — the row (a redelivery, a re-post) or the guard (another agent's offer of the same call,
     * or an ended/answered that came first): the caller then takes the general path ({@link #createIfAbsent} and
     * {@link #closedReason}). Success proves no tombstone covers the call (see the class comment).
     */
    public Optional<LedgerEntry> createFirstOfCall(LedgerEntry entry) {
        NotificationRecord r = entry.record();
        List<TableTransactionAction> actions = List.of(
                new TableTransactionAction(TableTransactionActionType.CREATE, toEntity(entry)),
                new TableTransactionAction(
                        TableTransactionActionType.CREATE, guardEntity(r.callId(), clock.instant())));
        try {
            Response<TableTransactionResult> result = table.submitTransactionWithResponse(actions, null, Context.NONE);
            var rowResponse = result.getValue().getTransactionActionResponses().get(0);
            return Optional.of(entry.withEtag(etagOf(rowResponse)));
        } catch (TableTransactionFailedException e) {
            // The batch answers 202 around a failed sub-request; its error code says which kind of failure.
            if (e.getValue() != null
                    && TableErrorCode.ENTITY_ALREADY_EXISTS.equals(e.getValue().getErrorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static TableEntity guardEntity(String callId, Instant at) {
        return new TableEntity(callId, CALL_GUARD_ROW)
                .addProperty(PROP_GUARDED_AT, at.atOffset(java.time.ZoneOffset.UTC));
    }

    public Optional<LedgerEntry> get(String callId, String agentId) {
        try {
            return Optional.of(fromEntity(table.getEntity(callId, agentId)));
        } catch (TableServiceException e) {
            if (status(e) == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Looks up by notification id (a point read: the id encodes both keys). Malformed ids are simply absent. */
    public Optional<LedgerEntry> get(String notificationId) {
        if (!NotificationId.isValid(notificationId)) {
            return Optional.empty();
        }
        NotificationId.Key key = NotificationId.parse(notificationId);
        return get(key.callId(), key.agentId());
    }

    /**
     * Applies {@code change} to the current row and writes the result with the row's ETag, re-reading and re-applying
     * on conflict. {@code change} must be a pure function of the entry; returning an equal entry writes nothing.
     *
     * @return empty if there is no such row
     */
    public Optional<LedgerTransition> update(String callId, String agentId, UnaryOperator<LedgerEntry> change) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<LedgerEntry> current = get(callId, agentId);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            LedgerEntry before = current.get();
            LedgerEntry after = change.apply(before);
            if (after.withEtag(before.etag()).equals(before)) {
                return Optional.of(new LedgerTransition(before, before, false));
            }
            try {
                Response<Void> r = table.updateEntityWithResponse(
                        toEntity(after).addProperty("odata.etag", before.etag()),
                        TableEntityUpdateMode.REPLACE,
                        true,
                        null,
                        Context.NONE);
                return Optional.of(new LedgerTransition(before, after.withEtag(etagOf(r)), true));
            } catch (TableServiceException e) {
                if (status(e) != 412) {
                    throw e;
                }
            }
        }
        throw new LedgerConflictException("ledger row " + callId + "/" + agentId + " kept changing; giving up after "
                + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Like {@link #update(String, String, UnaryOperator)}, but first applies {@code change} to {@code known} (an entry
     * this instance just read or wrote, with its ETag) and writes it conditionally, saving the read when nobody
     * touched the row since; a 412 (someone did) or 404 falls back to the read-modify-write loop. If {@code change}
     * leaves {@code known} as it is, the current row is read as usual (known may be stale).
     */
    public Optional<LedgerTransition> update(LedgerEntry known, UnaryOperator<LedgerEntry> change) {
        String callId = known.record().callId();
        String agentId = known.record().agentId();
        if (known.etag() != null) {
            LedgerEntry after = change.apply(known);
            if (!after.withEtag(known.etag()).equals(known)) {
                try {
                    Response<Void> r = table.updateEntityWithResponse(
                            toEntity(after).addProperty("odata.etag", known.etag()),
                            TableEntityUpdateMode.REPLACE,
                            true,
                            null,
                            Context.NONE);
                    return Optional.of(new LedgerTransition(known, after.withEtag(etagOf(r)), true));
                } catch (TableServiceException e) {
                    if (status(e) != 412 && status(e) != 404) {
                        throw e;
                    }
                }
            }
        }
        return update(callId, agentId, change);
    }

    /**
     * Moves the notification to {@code next} if the state machine allows it from the current state; otherwise
     * leaves it alone ({@code changed == false}: someone else decided first).
     */
    public Optional<LedgerTransition> moveTo(
            String callId, String agentId, NotificationState next, Instant at, String connectionId, String reason) {
        return update(
                callId,
                agentId,
                e -> e.state().canMoveTo(next) ? e.withRecord(e.record().moveTo(next, at, connectionId, reason)) : e);
    }

    /** Records that the outcome of {@code state} was published (no-op if the row moved on meanwhile). */
    public void markPublished(String callId, String agentId, NotificationState state) {
        update(callId, agentId, e -> e.state() == state && e.published() != state ? e.withPublished(state) : e);
    }

    /** {@link #markPublished(String, String, NotificationState)} starting from {@code known} (see {@link #update(LedgerEntry, UnaryOperator)}). */
    public void markPublished(LedgerEntry known) {
        NotificationState state = known.state();
        update(known, e -> e.state() == state && e.published() != state ? e.withPublished(state) : e);
    }

    /** All notifications of a call (every agent offered it), tombstones excluded. */
    public List<LedgerEntry> findByCall(String callId) {
        return query("PartitionKey eq " + Entities.quote(callId) + " and RowKey lt '~'");
    }

    /** Open (OFFERED or DELIVERED) notifications of an agent whose ring window is still running. */
    public List<LedgerEntry> findPendingForAgent(String agentId) {
        return query("RowKey eq " + Entities.quote(agentId) + " and " + openFilter() + " and ExpiresAt gt "
                + Entities.dateTime(clock.instant()));
    }

    /** Open notifications whose ring window closed before {@code now} (the expiry sweep). */
    public List<LedgerEntry> findOpenPastExpiry(Instant now) {
        return query(openFilter() + " and ExpiresAt le " + Entities.dateTime(now));
    }

    /** Every row in states that already carry an outcome but were not marked published (repair sweeps). */
    public List<LedgerEntry> findUnpublished(String callId) {
        return findByCall(callId).stream().filter(LedgerEntry::outcomePending).toList();
    }

    /**
     * Remembers that the call (agentId null) or one agent's offer (agentId set) is over, so an offer arriving later
     * is withdrawn at once. Idempotent: the first tombstone is kept.
     */
    public void recordClosed(String callId, String agentId, String reason, String eventId, Instant at) {
        TableEntity e = new TableEntity(callId, tombstoneRow(agentId))
                .addProperty(PROP_CLOSED_REASON, reason == null ? "" : reason)
                .addProperty(PROP_CLOSED_AT, at.atOffset(java.time.ZoneOffset.UTC));
        if (eventId != null) {
            e.addProperty(PROP_CLOSED_EVENT, eventId);
        }
        createUnlessExists(e);
        // After the tombstone, before the caller reads rows: a first offer's transaction now fails and takes the
        // path that reads the tombstone, or it succeeded before and its row is there to be read.
        createUnlessExists(guardEntity(callId, at));
    }

    private void createUnlessExists(TableEntity e) {
        try {
            table.createEntity(e);
        } catch (TableServiceException ex) {
            if (status(ex) != 409) {
                throw ex;
            }
        }
    }

    /** The reason recorded by a tombstone covering (callId, agentId), if any. */
    public Optional<String> closedReason(String callId, String agentId) {
        return closedOrTaken(callId, agentId).closedReason();
    }

    /**
     * What an offer arriving late must honour, in one query: a tombstone covering (callId, agentId) and the ring-group
     * claim on the call guard ({@link RingGroupClaim}).
     *
     * @param closedReason the tombstone's reason code, if any
     * @param acceptedBy   the agent who accepted the call, if any
     */
    public record CallState(Optional<String> closedReason, Optional<String> acceptedBy) {}

    public CallState closedOrTaken(String callId, String agentId) {
        List<TableEntity> rows = table
                .listEntities(
                        new ListEntitiesOptions()
                                .setFilter("PartitionKey eq "
                                        + Entities.quote(callId) + " and (RowKey eq " + Entities.quote(TOMBSTONE_ROW)
                                        + " or RowKey eq "
                                        + Entities.quote(tombstoneRow(agentId)) + " or RowKey eq "
                                        + Entities.quote(CALL_GUARD_ROW) + ")"),
                        null,
                        Context.NONE)
                .stream()
                .toList();
        Optional<String> closed = rows.stream()
                .filter(e -> !e.getRowKey().equals(CALL_GUARD_ROW))
                .findFirst()
                .map(e -> String.valueOf(e.getProperty(PROP_CLOSED_REASON)));
        Optional<String> acceptedBy = rows.stream()
                .filter(e -> e.getRowKey().equals(CALL_GUARD_ROW))
                .map(e -> e.getProperty(RingGroupClaim.PROP_ACCEPTED_BY))
                .filter(java.util.Objects::nonNull)
                .map(Object::toString)
                .findFirst();
        return new CallState(closed, acceptedBy);
    }

    /**
     * {@code call.ended} for the call (agentId null) or for one agent: a marker {@code ~ended} / {@code ~ended~<agentId>}
     * written before the accepted rows are read, so an Accept that races the end (its capacity claim written after
     * this marker was read… or before) is released by one of the two ({@link #callRows}). Kept apart from the
     * tombstone, which keeps the first close (an answered call ends later).
     */
    public void recordEnded(String callId, String agentId, Instant at) {
        createUnlessExists(new TableEntity(callId, ENDED_ROW + (agentId == null ? "" : "~" + agentId))
                .addProperty(PROP_CLOSED_AT, at.atOffset(java.time.ZoneOffset.UTC)));
    }

    /**
     * A call's partition as one query: its notifications (every agent offered it, in RowKey order like
     * {@link #findByCall}) and whether {@code call.ended} covering {@code agentId} was recorded ({@link #recordEnded}).
     * An Accept's follow-ups need both; one partition query instead of two.
     */
    public record CallRows(List<LedgerEntry> notifications, boolean endedFor) {
        public CallRows {
            notifications = List.copyOf(notifications);
        }
    }

    public CallRows callRows(String callId, String agentId) {
        List<LedgerEntry> notifications = new ArrayList<>();
        boolean ended = false;
        String endedForAgent = ENDED_ROW + "~" + agentId;
        for (TableEntity e : table.listEntities(
                new ListEntitiesOptions().setFilter("PartitionKey eq " + Entities.quote(callId)), null, Context.NONE)) {
            String row = e.getRowKey();
            if (row.compareTo("~") < 0) {
                notifications.add(fromEntity(e));
            } else if (row.equals(ENDED_ROW) || row.equals(endedForAgent)) {
                ended = true;
            }
        }
        return new CallRows(notifications, ended);
    }

    static String tombstoneRow(String agentId) {
        return agentId == null ? TOMBSTONE_ROW : TOMBSTONE_ROW + "~" + agentId;
    }

    private static String openFilter() {
        return "(State eq 'OFFERED' or State eq 'DELIVERED')";
    }

    private List<LedgerEntry> query(String filter) {
        return table.listEntities(new ListEntitiesOptions().setFilter(filter), null, Context.NONE).stream()
                .map(NotificationLedger::fromEntity)
                .toList();
    }

    static TableEntity toEntity(LedgerEntry entry) {
        NotificationRecord r = entry.record();
        TableEntity e = Entities.toEntity(r.partitionKey(), r.rowKey(), r.toProperties());
        if (!entry.deliveredTo().isEmpty()) {
            e.addProperty(PROP_DELIVERED_TO, String.join(",", entry.deliveredTo()));
        }
        if (entry.published() != null) {
            e.addProperty(PROP_PUBLISHED, entry.published().name());
        }
        return e;
    }

    static LedgerEntry fromEntity(TableEntity e) {
        Map<String, Object> p = Entities.properties(e);
        NotificationRecord record = NotificationRecord.fromProperties(p);
        Object delivered = p.get(PROP_DELIVERED_TO);
        List<String> deliveredTo = delivered == null || delivered.toString().isEmpty()
                ? List.of()
                : Arrays.asList(delivered.toString().split(","));
        Object published = p.get(PROP_PUBLISHED);
        return new LedgerEntry(
                record,
                deliveredTo,
                published == null ? null : NotificationState.valueOf(published.toString()),
                e.getETag());
    }

    static String etagOf(Response<?> r) {
        return fixEtag(r.getHeaders().getValue(HttpHeaderName.ETAG));
    }

    static String fixEtag(String etag) {
        // Azurite's ETag response header lacks the closing quote of W/"datetime'...'" (the entity's odata.etag has
        // it); sent back as If-Match it is refused with 400, so restore it.
        if (etag != null && etag.startsWith("W/\"") && !etag.endsWith("\"")) {
            return etag + "\"";
        }
        return etag;
    }

    private static int status(TableServiceException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }
}
