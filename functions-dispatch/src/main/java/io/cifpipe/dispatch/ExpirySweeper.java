package io.cifpipe.dispatch;

import io.cifpipe.model.agent.MissedCall;
import io.cifpipe.model.ledger.AgentState;
import io.cifpipe.model.ledger.AvailabilityReason;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.WithdrawReason;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.signalr.AvailabilityPush;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.AgentDirectory;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes notifications whose ring window ended without a decision: DELIVERED → EXPIRED (popup withdrawn; a missed
 * call: recorded in the agent's missed list, and after {@code MissedCallsBeforeAway} in a row an Available agent is set
 * Away), OFFERED → UNDELIVERABLE (never reached the agent). Then releases accepted calls older than
 * {@code MaxCallDuration} whose {@code call.ended} never came. Safe to run on every instance at once (ETag writes).
 */
public final class ExpirySweeper {
    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);
    static final String REASON_EXPIRED = "ring window closed without a decision";

    private final NotificationLedger ledger;
    private final CallEventDispatcher dispatcher;
    private final OutcomeRecorder outcomes;
    private final AgentDirectory agents;
    private final SignalRRestClient signalR;
    private final DispatchSettings settings;
    private final Clock clock;

    public ExpirySweeper(
            NotificationLedger ledger,
            CallEventDispatcher dispatcher,
            OutcomePublisher publisher,
            AgentDirectory agents,
            SignalRRestClient signalR,
            DispatchSettings settings,
            Clock clock) {
        this.ledger = Objects.requireNonNull(ledger);
        this.dispatcher = Objects.requireNonNull(dispatcher);
        this.outcomes = new OutcomeRecorder(ledger, publisher);
        this.agents = Objects.requireNonNull(agents);
        this.signalR = Objects.requireNonNull(signalR);
        this.settings = Objects.requireNonNull(settings);
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
        try {
            releaseOverlongCalls();
        } catch (RuntimeException e) {
            LOG.warn("max-call-duration release failed: {}", e.toString());
            firstFailure = firstFailure == null ? e : firstFailure;
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
        Instant now = clock.instant();
        var t = ledger.moveTo(r.callId(), r.agentId(), next, now, null, reason);
        if (t.isEmpty()) {
            return false;
        }
        LedgerEntry after = t.get().after();
        if (t.get().changed() && after.state() == NotificationState.EXPIRED) {
            dispatcher.sendWithdraw(after, WithdrawReason.EXPIRED, false);
        }
        outcomes.publishIfPending(after);
        if (t.get().changed()) {
            LOG.info("{} notificationId={} callId={}", after.state(), r.notificationId(), r.callId());
            if (after.state() == NotificationState.EXPIRED) {
                recordMissed(after.record(), now);
            }
        }
        return t.get().changed();
    }

    /**
     * Only the instance that made the EXPIRED transition records the miss (so it counts once). A failure here is
     * logged and not retried: the outcome is what telephony relies on; the list and the counter are for the agent.
     */
    private void recordMissed(NotificationRecord r, Instant now) {
        try {
            Instant at = r.enteredAt(NotificationState.EXPIRED);
            agents.recordMissedCall(r.agentId(), MissedCall.of(r, at == null ? now : at));
            var change = agents.update(r.agentId(), s -> s.withMissedCall(settings.missedCallsBeforeAway(), now));
            if (change.after().availability() != change.before().availability()) {
                LOG.info(
                        "agentId={} set {} after {} missed calls in a row",
                        r.agentId(),
                        change.after().availability(),
                        change.after().missedInARow());
                AvailabilityPush.send(signalR, change.after(), settings.agentCapacity());
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "missed call of notificationId={} not recorded for agentId={}: {}",
                    r.notificationId(),
                    r.agentId(),
                    e.toString());
        }
    }

    /** Accepted calls older than MaxCallDuration stop counting (their call.ended was lost); pushes availability. */
    void releaseOverlongCalls() {
        Instant cutoff = clock.instant().minus(settings.maxCallDuration());
        for (AgentState agent : agents.findWithCallsStartedBefore(cutoff)) {
            for (String callId : agent.callsStartedBefore(cutoff)) {
                LOG.warn(
                        "agentId={} callId={} accepted at {} had no call.ended within {}: releasing",
                        agent.agentId(),
                        callId,
                        agent.activeCalls().get(callId),
                        settings.maxCallDuration());
                dispatcher.releaseCall(agent.agentId(), callId, AvailabilityReason.MAX_CALL_DURATION);
            }
        }
    }
}
