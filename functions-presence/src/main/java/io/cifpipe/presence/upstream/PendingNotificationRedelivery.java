package io.cifpipe.presence.upstream;

import io.cifpipe.model.Names;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.signalr.SendResult;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.AgentDirectory;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.LedgerTransition;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On connect, re-sends the agent's open notifications (OFFERED or DELIVERED, ring window still running) to
 * the new connection. An OFFERED one becomes DELIVERED by the same ETag-guarded ledger write dispatch uses,
 * so whichever of dispatch (retrying an offline agent) and this wins publishes {@code Delivered} once; the
 * client de-duplicates {@code notify} by notification id, so a double send is harmless.
 *
 * <p>An OFFERED one (never shown) is not sent to an agent who cannot take a new call now (availability or capacity,
 * issue 20): dispatch's next offline retry finds her online and ends it {@code Unavailable} with the reason.
 *
 * <p>Depends only on shared-runtime types, so it can move there if dispatch wants the same code path.
 */
public final class PendingNotificationRedelivery implements ConnectionService.PendingRedelivery {
    private static final Logger LOG = LoggerFactory.getLogger(PendingNotificationRedelivery.class);

    private final NotificationLedger ledger;
    private final SignalRRestClient signalR;
    private final OutcomePublisher outcomes;
    private final Clock clock;
    private final AgentDirectory agents;
    private final int agentCapacity;

    public PendingNotificationRedelivery(
            NotificationLedger ledger, SignalRRestClient signalR, OutcomePublisher outcomes, Clock clock) {
        this(ledger, signalR, outcomes, clock, null, 1);
    }

    /** With {@code agents}: OFFERED notifications are held back while the agent cannot take a new call. */
    public PendingNotificationRedelivery(
            NotificationLedger ledger,
            SignalRRestClient signalR,
            OutcomePublisher outcomes,
            Clock clock,
            AgentDirectory agents,
            int agentCapacity) {
        this.ledger = Objects.requireNonNull(ledger);
        this.signalR = Objects.requireNonNull(signalR);
        this.outcomes = Objects.requireNonNull(outcomes);
        this.clock = Objects.requireNonNull(clock);
        this.agents = agents;
        this.agentCapacity = agentCapacity;
    }

    @Override
    public int redeliver(String userId, String connectionId) {
        int sent = 0;
        Boolean canTakeNewCalls = null; // read once, only if an OFFERED one is pending
        for (LedgerEntry pending : ledger.findPendingForAgent(userId)) {
            NotificationRecord r = pending.record();
            if (r.isPastExpiry(clock.instant()) || !r.isOpen()) {
                continue;
            }
            if (r.state() == NotificationState.OFFERED && agents != null) {
                if (canTakeNewCalls == null) {
                    canTakeNewCalls =
                            agents.read(userId).unavailableReason(agentCapacity).isEmpty();
                }
                if (!canTakeNewCalls) {
                    LOG.info(
                            "redelivery: notificationId={} held back, agentId={} cannot take a new call now",
                            r.notificationId(),
                            userId);
                    continue;
                }
            }
            SendResult result =
                    signalR.sendToConnection(connectionId, Names.TARGET_NOTIFY, List.of(r.toNotification()));
            if (result == SendResult.GONE) {
                LOG.info("redelivery: connectionId={} already gone", connectionId);
                return sent;
            }
            sent++;
            Instant at = clock.instant();
            Optional<LedgerTransition> t =
                    ledger.update(r.callId(), r.agentId(), e -> recordDelivery(e, connectionId, at));
            if (t.isPresent()
                    && t.get().changed()
                    && t.get().before().state() == NotificationState.OFFERED
                    && t.get().after().state() == NotificationState.DELIVERED) {
                NotificationRecord delivered = t.get().after().record();
                outcomes.publish(delivered.toOutcome(), delivered.traceparent());
                ledger.markPublished(delivered.callId(), delivered.agentId(), NotificationState.DELIVERED);
            }
            LOG.info(
                    "redelivered notificationId={} callId={} to connectionId={}",
                    r.notificationId(),
                    r.callId(),
                    connectionId);
        }
        return sent;
    }

    private static LedgerEntry recordDelivery(LedgerEntry e, String connectionId, Instant at) {
        NotificationRecord r = e.record();
        if (r.state() == NotificationState.OFFERED && !r.isPastExpiry(at)) {
            return e.withRecord(r.moveTo(NotificationState.DELIVERED, at, connectionId, null))
                    .withDeliveredTo(List.of(connectionId));
        }
        if (r.state() == NotificationState.DELIVERED) {
            return e.withDeliveredTo(List.of(connectionId));
        }
        return e;
    }
}
