package io.cifpipe.runtime.tables;

import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.outcome.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A ledger row as stored: the shared-model record plus what only the runtime tracks — every connection the popup
 * was delivered to, and the last state whose outcome message was published (so a redelivered message can finish
 * a publish that a crash interrupted) — and the row's ETag.
 *
 * @param deliveredTo connections that received {@code notify} (in order, no duplicates)
 * @param published   last state whose outcome was sent to call-outcomes, or null
 * @param etag        the Table ETag this entry was read or written with (null for a not-yet-stored entry)
 */
public record LedgerEntry(
        NotificationRecord record, List<String> deliveredTo, NotificationState published, String etag) {
    public LedgerEntry {
        Objects.requireNonNull(record, "record");
        deliveredTo = deliveredTo == null ? List.of() : List.copyOf(new LinkedHashSet<>(deliveredTo));
    }

    public static LedgerEntry of(NotificationRecord record) {
        return new LedgerEntry(record, List.of(), null, null);
    }

    public NotificationState state() {
        return record.state();
    }

    public String notificationId() {
        return record.notificationId();
    }

    public LedgerEntry withRecord(NotificationRecord r) {
        return new LedgerEntry(r, deliveredTo, published, etag);
    }

    public LedgerEntry withDeliveredTo(List<String> connectionIds) {
        List<String> all = new ArrayList<>(deliveredTo);
        all.addAll(connectionIds);
        return new LedgerEntry(record, all, published, etag);
    }

    public LedgerEntry withPublished(NotificationState state) {
        return new LedgerEntry(record, deliveredTo, state, etag);
    }

    LedgerEntry withEtag(String newEtag) {
        return new LedgerEntry(record, deliveredTo, published, newEtag);
    }

    /**
     * The outcome messages this row still owes, in publishing order: {@code Delivered} when the row passed DELIVERED
     * and recorded no publish at all (dispatch's common path publishes Delivered without recording it — the trigger
     * message is its outbox — so whoever publishes the next outcome sends Delivered first; the repeat carries the
     * same MessageId and content), then the current state's outcome if pending.
     */
    public List<Outcome> owedOutcomes() {
        List<Outcome> owed = new ArrayList<>(2);
        boolean deliveredOwed = published == null && record.enteredAt(NotificationState.DELIVERED) != null;
        if (deliveredOwed && record.state() != NotificationState.DELIVERED) {
            owed.add(record.outcomeOf(NotificationState.DELIVERED));
        }
        if (outcomePending()) {
            owed.add(record.toOutcome());
        }
        return owed;
    }

    /** True when the current state has an outcome message that was not yet published. */
    public boolean outcomePending() {
        return record.state().outcome().isPresent() && published != record.state();
    }
}
