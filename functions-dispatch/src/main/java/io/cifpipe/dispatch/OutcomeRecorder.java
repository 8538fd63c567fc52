package io.cifpipe.dispatch;

import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.util.List;

/**
 * Publishes the outcomes a ledger row owes once: publish (in one send), then mark the row published. A crash between
 * the two is repaired by the next delivery of the same message (the row still says "pending"), and the deterministic
 * outcome MessageId lets duplicate detection drop the repeat. A Delivered that the common offer path published
 * without marking it goes out again first (same MessageId and content), so it always precedes the terminal outcome.
 */
final class OutcomeRecorder {
    private final NotificationLedger ledger;
    private final OutcomePublisher publisher;

    OutcomeRecorder(NotificationLedger ledger, OutcomePublisher publisher) {
        this.ledger = ledger;
        this.publisher = publisher;
    }

    OutcomePublisher publisher() {
        return publisher;
    }

    /** Publishes what the entry owes ({@link LedgerEntry#owedOutcomes()}) and marks its current state published. */
    void publishIfPending(LedgerEntry entry) {
        if (!entry.outcomePending()) {
            return;
        }
        NotificationRecord r = entry.record();
        List<Outcome> owed = entry.owedOutcomes();
        publisher.publishAll(owed, r.traceparent());
        // The entry carries the ETag it was read or written with: usually no re-read is needed.
        ledger.markPublished(entry);
    }
}
