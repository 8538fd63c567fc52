package io.cifpipe.dispatch;

import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes notifications whose ring window ended without a decision: DELIVERED → EXPIRED (popup withdrawn),
 * OFFERED → UNDELIVERABLE (never reached the agent). Safe to run on every instance at once (ETag transitions).
 */
public final class ExpirySweeper {
    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);
    static final String REASON_EXPIRED = "ring window closed without a decision";

    private final NotificationLedger ledger;
    private final CallEventDispatcher dispatcher;
    private final OutcomeRecorder outcomes;
    private final Clock clock;

    public ExpirySweeper(NotificationLedger ledger, CallEventDispatcher dispatcher, OutcomePublisher publisher, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger);
        this.dispatcher = Objects.requireNonNull(dispatcher);
        this.outcomes = new OutcomeRecorder(ledger, publisher);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Sweeps once; returns how many notifications this run closed. One failing row does not stop the others. */
    public int sweep() {
        int closed = 0;
        RuntimeException firstFailure = null;
        for (LedgerEntry entry : ledger.findOpenPastExpiry(clock.instant())) {
            try {
                closed += expire(entry) ? 1 : 0;
            } catch (RuntimeException e) {
                LOG.warn("expiry of notificationId={} failed: {}", entry.notificationId(), e.toString());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (firstFailure != null) {
            throw firstFailure; // the timer logs it; the next run retries the rest
        }
        return closed;
    }

    private boolean expire(LedgerEntry entry) {
        NotificationRecord r = entry.record();
        boolean delivered = r.state() == NotificationState.DELIVERED;
        NotificationState next = delivered ? NotificationState.EXPIRED : NotificationState.UNDELIVERABLE;
        String reason = delivered ? REASON_EXPIRED : CallEventDispatcher.REASON_UNREACHABLE;
        var t = ledger.moveTo(r.callId(), r.agentId(), next, clock.instant(), null, reason);
        if (t.isEmpty()) {
            return false;
        }
        LedgerEntry after = t.get().after();
        if (t.get().changed() && after.state() == NotificationState.EXPIRED) {
            dispatcher.sendWithdraw(after, CallEventDispatcher.WITHDRAW_EXPIRED, false);
        }
        outcomes.publishIfPending(after);
        if (t.get().changed()) {
            LOG.info("{} notificationId={} callId={}", after.state(), r.notificationId(), r.callId());
        }
        return t.get().changed();
    }
}
