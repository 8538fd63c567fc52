package io.cifpipe.dispatch;

import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;

/**
 * Publishes the outcome of a ledger state once: publish, then mark the row published. A crash between the two is
 * repaired by the next delivery of the same message (the row still says "pending"), and the deterministic outcome
 * MessageId lets duplicate detection drop the repeat.
 */
final class OutcomeRecorder {
    private final NotificationLedger ledger;
    private final OutcomePublisher publisher;

    OutcomeRecorder(NotificationLedger ledger, OutcomePublisher publisher) {
        this.ledger = ledger;
        this.publisher = publisher;
    }

    /** Publishes the entry's current outcome if it was not yet published. */
    void publishIfPending(LedgerEntry entry) {
        if (!entry.outcomePending()) {
            return;
        }
        NotificationRecord r = entry.record();
        publisher.publish(r.toOutcome(), r.traceparent());
        // The entry carries the ETag it was read or written with: usually no re-read is needed.
        ledger.markPublished(entry);
    }
}
