package io.cifpipe.presence.republish;

import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.presence.upstream.DecisionService;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes decisions whose publish to call-outcomes failed and that nobody retried (the agent closed the tab):
 * {@code decide} records the decision first and publishes after (outbox), so a Service Bus outage can leave a row
 * ACCEPTED/REJECTED with its outcome unpublished. Dispatch's expiry sweep ignores such rows (they are terminal), so
 * without this the telephony system would never hear the decision.
 *
 * <p>Each run (timer): scan for candidates ({@link UnpublishedDecisionScan}), re-read each row (the scan is a
 * projection and may be stale), and for a row still pending whose decision is older than
 * {@link DecisionService#PUBLISH_GRACE}: publish {@code Delivered} first if the row never recorded publishing it,
 * then the decision, then mark the row published. Publishes use the same messages {@code decide} sends
 * ({@link OutcomePublisher}: MessageId = f(notificationId, outcome)), so racing a late client retry — or a publish
 * that did reach Service Bus before a crash — yields a duplicate that duplicate detection drops (and consumers
 * de-duplicate by MessageId beyond its window).
 *
 * <p>Bounds: at most {@link Limits#maxRepublished()} rows per run; the first publish failure ends the run (Service
 * Bus is most likely still down; each failed send costs the SDK's retry budget, and the next run tries again).
 */
public final class OutcomeRepublisher {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRepublisher.class);

    /**
     * @param lookback       rows without any {@code PublishedState} are found only if decided within this window
     * @param maxRepublished rows republished per run at most
     */
    public record Limits(Duration lookback, int maxRepublished) {
        public static final Limits DEFAULT = new Limits(Duration.ofHours(1), 500);

        public Limits {
            Objects.requireNonNull(lookback);
            if (lookback.compareTo(DecisionService.PUBLISH_GRACE) <= 0) {
                throw new IllegalArgumentException("lookback must exceed the publish grace");
            }
            if (maxRepublished < 1) throw new IllegalArgumentException("maxRepublished must be positive");
        }
    }

    /**
     * What one run did.
     *
     * @param scanned     rows the table scan returned
     * @param candidates  rows that looked unpublished in the scan
     * @param republished rows whose outcome(s) this run published and marked
     * @param settled     candidates that were published/moved meanwhile, or are still within the grace
     * @param failed      rows that could not be republished (see the log); they stay pending
     * @param truncated   the scan or the per-run cap stopped the run early: more may be pending
     */
    public record Report(int scanned, int candidates, int republished, int settled, int failed, boolean truncated) {}

    private final UnpublishedDecisionScan scan;
    private final NotificationLedger ledger;
    private final OutcomePublisher outcomes;
    private final Clock clock;
    private final Limits limits;

    public OutcomeRepublisher(
            UnpublishedDecisionScan scan,
            NotificationLedger ledger,
            OutcomePublisher outcomes,
            Clock clock,
            Limits limits) {
        this.scan = Objects.requireNonNull(scan);
        this.ledger = Objects.requireNonNull(ledger);
        this.outcomes = Objects.requireNonNull(outcomes);
        this.clock = Objects.requireNonNull(clock);
        this.limits = Objects.requireNonNull(limits);
    }

    public Report run() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(DecisionService.PUBLISH_GRACE);
        UnpublishedDecisionScan.Result found = scan.scan(now.minus(limits.lookback()), cutoff);
        int republished = 0;
        int settled = 0;
        int failed = 0;
        boolean truncated = found.truncated();
        for (UnpublishedDecisionScan.Candidate c : found.candidates()) {
            if (republished >= limits.maxRepublished()) {
                truncated = true;
                break;
            }
            Optional<LedgerEntry> current = ledger.get(c.callId(), c.agentId());
            if (current.isEmpty() || !isOverduePending(current.get(), now)) {
                settled++;
                continue;
            }
            LedgerEntry entry = current.get();
            NotificationRecord r = entry.record();
            List<Outcome> messages;
            try {
                messages = messagesFor(entry);
            } catch (RuntimeException e) {
                // A row this code cannot turn into an outcome: skip it (logged), do not block the others.
                LOG.error("republish: notificationId={} cannot be republished: {}", r.notificationId(), e.toString());
                failed++;
                continue;
            }
            try {
                for (Outcome o : messages) {
                    outcomes.publish(o, r.traceparent());
                }
                ledger.markPublished(r.callId(), r.agentId(), r.state());
            } catch (RuntimeException e) {
                LOG.warn(
                        "republish: notificationId={} callId={} outcome={} failed ({}); ending this run, the next one retries",
                        r.notificationId(),
                        r.callId(),
                        r.state(),
                        e.toString());
                failed++;
                truncated = true;
                break;
            }
            republished++;
            LOG.warn(
                    "republish: notificationId={} callId={} agentId={} published {} {} s after the decision",
                    r.notificationId(),
                    r.callId(),
                    r.agentId(),
                    messages.stream().map(Outcome::outcome).toList(),
                    Duration.between(r.enteredAt(r.state()), clock.instant()).toSeconds());
        }
        Report report = new Report(found.scanned(), found.candidates().size(), republished, settled, failed, truncated);
        if (report.candidates() > 0 || report.truncated()) {
            LOG.info("republish run: {}", report);
        }
        if (found.truncated()) {
            LOG.warn(
                    "republish: scan stopped after {} rows; raise the limit or the schedule if this repeats",
                    found.scanned());
        }
        return report;
    }

    /** Still an unpublished decision, decided long enough ago that its publish is not merely in flight. */
    private static boolean isOverduePending(LedgerEntry e, Instant now) {
        NotificationState s = e.state();
        return (s == NotificationState.ACCEPTED || s == NotificationState.REJECTED)
                && e.outcomePending()
                && DecisionService.isPublishOverdue(e.record(), now);
    }

    /**
     * The outcome messages still owed, in the order {@code decide} sends them. {@code Delivered} is owed unless the row
     * recorded publishing it: it may have been the failed part of the same publish (a decision on an OFFERED row) or
     * dispatch's own Delivered publish may have failed before the agent decided. If it did go out unrecorded, the
     * repeat carries the same MessageId.
     */
    static List<Outcome> messagesFor(LedgerEntry entry) {
        return entry.owedOutcomes();
    }
}
