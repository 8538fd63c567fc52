package io.cifpipe.dispatch;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.Names;
import io.cifpipe.model.event.CallEnded;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.event.CallEventType;
import io.cifpipe.model.ledger.AgentState;
import io.cifpipe.model.ledger.AvailabilityReason;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.notification.Withdraw;
import io.cifpipe.model.notification.WithdrawReason;
import io.cifpipe.model.outcome.UnavailableReason;
import io.cifpipe.model.validation.ValidationException;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.servicebus.MessageIds;
import io.cifpipe.runtime.servicebus.MessageScheduler;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.signalr.AvailabilityPush;
import io.cifpipe.runtime.signalr.SignalRException;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.AgentDirectory;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.LedgerTransition;
import io.cifpipe.runtime.tables.NotificationLedger;
import io.cifpipe.runtime.telemetry.Telemetry;
import io.cifpipe.runtime.telemetry.TelemetryNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one {@code call-events} message. Stateless between messages: everything another instance needs is in the
 * ledger, and every write is ETag-guarded, so any number of dispatch instances may run at once and any message may be
 * delivered more than once.
 *
 * <ul>
 *   <li>{@code call.offered}: read the agent's state and ask SignalR whether the agent is connected (at once); the
 *       first offer of a call inserts its row already DELIVERED together with the call guard in one transaction,
 *       sends {@code notify} to the user (SignalR reaches every tab) and publishes {@code Delivered}. Other offers
 *       create the row if absent (idempotent), honour a tombstone left by an earlier ended/answered, send, record
 *       and publish. An offline agent is retried by scheduling a copy of the message with doubling delay until the
 *       ring window closes, then {@code Undeliverable}.</li>
 *   <li>{@code call.answered} / {@code call.ended}: leave a tombstone and the call guard, withdraw every open
 *       notification in scope ({@code withdraw} to the agent), record and publish {@code Withdrawn};
 *       {@code call.ended} also releases the agent who accepted the call (capacity).</li>
 *   <li>An online agent who cannot take the call (availability, capacity: {@link AgentState#unavailableReason}) gets
 *       no popup: the row is written {@code UNAVAILABLE} in the same transaction and {@code Unavailable} published.</li>
 *   <li>A ring group's late offer after another agent accepted ends {@code Withdrawn} reason {@code taken}.</li>
 * </ul>
 * Failures of Table Storage, SignalR or Service Bus propagate, so Service Bus redelivers the message.
 */
public final class CallEventDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(CallEventDispatcher.class);
    static final String REASON_UNREACHABLE = "ring window closed before the agent could be reached";
    /** Outcome reason of a ring group loser's Withdrawn (contract: the same code as the withdraw push). */
    public static final String REASON_TAKEN = WithdrawReason.TAKEN.wireName();

    private final CallEventCodec codec;
    private final NotificationLedger ledger;
    private final AgentDirectory agents;
    private final SignalRRestClient signalR;
    private final OutcomeRecorder outcomes;
    private final MessageScheduler retryScheduler;
    private final DispatchSettings settings;
    private final OfflineRetryPolicy retryPolicy;
    private final Clock clock;

    public CallEventDispatcher(
            CallEventCodec codec,
            NotificationLedger ledger,
            AgentDirectory agents,
            SignalRRestClient signalR,
            OutcomePublisher publisher,
            MessageScheduler retryScheduler,
            DispatchSettings settings,
            Clock clock) {
        this.codec = Objects.requireNonNull(codec);
        this.ledger = Objects.requireNonNull(ledger);
        this.agents = Objects.requireNonNull(agents);
        this.signalR = Objects.requireNonNull(signalR);
        this.outcomes = new OutcomeRecorder(ledger, Objects.requireNonNull(publisher));
        this.retryScheduler = Objects.requireNonNull(retryScheduler);
        this.settings = Objects.requireNonNull(settings);
        this.retryPolicy = new OfflineRetryPolicy(settings.offlineRetry());
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Processes one message.
     *
     * @param applicationProperties the message's application properties (may be null)
     * @throws PoisonMessageException when the message can never be processed
     */
    public void handle(byte[] body, Map<String, Object> applicationProperties) {
        handle(body, applicationProperties, null);
    }

    /**
     * As {@link #handle(byte[], Map)}, inside span {@value TelemetryNames#SPAN_DISPATCH_PROCESS} (child of the
     * message's {@code traceparent}).
     *
     * @param enqueuedAt when Service Bus accepted the message (trigger metadata {@code EnqueuedTimeUtc}); null if unknown
     */
    public void handle(byte[] body, Map<String, Object> applicationProperties, Instant enqueuedAt) {
        Map<String, Object> props = applicationProperties == null ? Map.of() : applicationProperties;
        int attempt = attemptOf(props);
        CallEvent event = null;
        RuntimeException undecodable = null;
        try {
            event = decode(body, props);
        } catch (RuntimeException e) {
            undecodable = e; // still traced (as a failed span) under the property's trace, then thrown
        }
        // The CloudEvent's traceparent extension (ingress sets it; a direct enqueue may) wins over the property.
        Object property = props.get(Names.PROP_TRACEPARENT);
        String parent = event != null && event.traceparent() != null
                ? event.traceparent()
                : property == null ? null : property.toString();
        Telemetry telemetry = Telemetry.get();
        Span span = telemetry.startSpan(TelemetryNames.SPAN_DISPATCH_PROCESS, SpanKind.CONSUMER, parent);
        span.setAttribute(TelemetryNames.ATTR_ATTEMPT, attempt);
        // A retry copy was enqueued by dispatch itself: its enqueue time is not when ingress accepted the call.
        Instant acceptedAt = attempt == 0 ? enqueuedAt : null;
        try (Scope scope = Telemetry.makeCurrent(span, acceptedAt)) {
            telemetry.stageReached(TelemetryNames.STAGE_DISPATCHED, clock.instant());
            if (undecodable != null) {
                throw undecodable;
            }
            span.setAttribute(TelemetryNames.ATTR_EVENT_TYPE, event.type().wireName());
            span.setAttribute(TelemetryNames.ATTR_CALL_ID, event.callId());
            dispatch(event, attempt);
        } catch (RuntimeException e) {
            Telemetry.fail(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private void dispatch(CallEvent event, int attempt) {
        // A switch expression without default: a new event type does not compile until it is handled here.
        Runnable action =
                switch (event.type()) {
                    case OFFERED -> () -> offer(event, attempt);
                    case ANSWERED, ENDED -> () -> close(event);
                };
        action.run();
    }

    CallEvent decode(byte[] body, Map<String, Object> props) {
        if (body == null || body.length == 0) {
            throw new PoisonMessageException(
                    "empty message body; expected a structured CloudEvent (" + CallEventCodec.MEDIA_TYPE + ")");
        }
        CallEvent event;
        try {
            event = codec.parseEvent(body);
        } catch (ValidationException e) {
            throw new PoisonMessageException("invalid call event: " + e.getMessage());
        }
        mustMatch(props, Names.PROP_TYPE, event.type().wireName());
        mustMatch(props, Names.PROP_CALL_ID, event.callId());
        mustMatch(props, Names.PROP_AGENT_ID, event.agentId());
        return event;
    }

    private static void mustMatch(Map<String, Object> props, String name, String expected) {
        Object actual = props.get(name);
        if (actual != null && !actual.toString().equals(expected)) {
            throw new PoisonMessageException(
                    "application property '" + name + "' is '" + actual + "' but the event says '" + expected + "'");
        }
    }

    static int attemptOf(Map<String, Object> props) {
        Object v = props.get(Names.PROP_ATTEMPT);
        if (v instanceof Number n) {
            return Math.max(0, n.intValue());
        }
        try {
            return v == null ? 0 : Math.max(0, Integer.parseInt(v.toString().trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ---- call.offered -------------------------------------------------------------------------------------------

    /**
     * Common path (first offer of a call, agent online): 2 Table operations (agent-state read, one transaction that
     * inserts the row already DELIVERED with the call guard) and 2 SignalR requests (HEAD user, POST to the user),
     * then the Delivered publish. The read and the HEAD run at once. Everything else takes {@link #offerGeneral}.
     */
    private void offer(CallEvent event, int attempt) {
        Instant now = clock.instant();
        Notification n = Notification.from(event, now, settings.defaultRingSeconds());
        NotificationRecord offered = NotificationRecord.offered(n, event.id());
        CompletableFuture<Boolean> online = signalR.userExistsAsync(n.agentId());
        AgentState agent = agents.read(n.agentId());
        Presence presence = Presence.of(online);
        // Offline agents keep retry-then-Undeliverable; an online one who cannot take the call ends Unavailable at
        // once.
        Optional<UnavailableReason> unavailable =
                presence.online() ? agent.unavailableReason(settings.agentCapacity()) : Optional.empty();
        if (attempt == 0 && !offered.isPastExpiry(now)) {
            boolean deliverNow = presence.online();
            // Written already DELIVERED (before the send) so that a decision, a withdraw or an expiry racing the
            // send finds the row; a failed send puts it back to OFFERED. An unavailable agent's row is written
            // UNAVAILABLE in the same single transaction (still 2 Table operations, no popup).
            NotificationRecord firstState = unavailable.isPresent()
                    ? offered.moveTo(
                            NotificationState.UNAVAILABLE,
                            now,
                            null,
                            unavailable.get().wireName())
                    : deliverNow ? offered.moveTo(NotificationState.DELIVERED, now, null, null) : offered;
            Optional<LedgerEntry> created = ledger.createFirstOfCall(LedgerEntry.of(firstState));
            if (created.isPresent()) {
                if (unavailable.isPresent()) {
                    // As for Delivered, the trigger message is the publish's outbox: a redelivery finds the row
                    // UNAVAILABLE with nothing recorded and publishes it (offerGeneral → publishIfPending).
                    outcomes.publisher().publish(firstState.toOutcome(), firstState.traceparent());
                    LOG.info(
                            "unavailable ({}) notificationId={} callId={} agentId={}",
                            unavailable.get(),
                            firstState.notificationId(),
                            firstState.callId(),
                            firstState.agentId());
                    return;
                }
                presence.throwIfUnknown(); // the row exists (OFFERED): nothing is lost if this message ends in the DLQ
                if (deliverNow) {
                    deliverFirst(created.get(), offered);
                } else {
                    retryLater(event, created.get(), attempt, now);
                }
                return;
            }
        }
        offerGeneral(event, offered, attempt, presence, unavailable);
    }

    /** The popup for a row just written DELIVERED: send to every tab of the agent, publish Delivered. */
    private void deliverFirst(LedgerEntry written, NotificationRecord offered) {
        NotificationRecord r = written.record();
        try {
            sendNotify(r);
        } catch (SignalRException e) {
            // Nobody saw it: back to OFFERED unless someone moved it on meanwhile (the retry or presence delivers
            // it; the sweep makes it Undeliverable). If even that fails, the redelivery repairs it (offerGeneral).
            try {
                ledger.update(
                        written,
                        x -> x.state() == NotificationState.DELIVERED
                                        && x.record().equals(r)
                                        && x.deliveredTo().isEmpty()
                                        && x.published() == null
                                ? x.withRecord(offered)
                                : x);
            } catch (RuntimeException revert) {
                e.addSuppressed(revert);
            }
            throw e;
        }
        // The trigger message is this publish's outbox: it is completed only after the send, and a redelivery
        // republishes (same MessageId). No "published" mark is written; later publishers send the owed Delivered
        // first (LedgerEntry.owedOutcomes).
        outcomes.publisher().publish(r.toOutcome(), r.traceparent());
        Telemetry.get().stageReached(TelemetryNames.STAGE_DELIVERED, clock.instant());
        LOG.info("delivered notificationId={} callId={} to agentId={}", r.notificationId(), r.callId(), r.agentId());
    }

    /** {@code notify} to every connection of the agent, inside span {@value TelemetryNames#SPAN_DISPATCH_NOTIFY}. */
    private void sendNotify(NotificationRecord r) {
        Span span = Telemetry.get()
                .startChild(TelemetryNames.SPAN_DISPATCH_NOTIFY, SpanKind.CLIENT)
                .setAttribute(TelemetryNames.ATTR_NOTIFICATION_ID, r.notificationId());
        try {
            signalR.sendToUser(r.agentId(), Names.TARGET_NOTIFY, List.of(r.toNotification()));
        } catch (RuntimeException e) {
            Telemetry.fail(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Every other offer: a ring group's further agents, redeliveries, scheduled retries, closed calls. */
    private void offerGeneral(
            CallEvent event,
            NotificationRecord offered,
            int attempt,
            Presence presence,
            Optional<UnavailableReason> unavailable) {
        NotificationLedger.Created created = ledger.createIfAbsent(offered);
        LedgerEntry entry = created.entry();
        // Read the tombstone (and the ring group's claim) only after our row exists: ended/answered writes its
        // tombstone before it reads rows, an Accept claims before it withdraws the others, so of two racing
        // messages at least one sees the other.
        NotificationLedger.CallState call = ledger.closedOrTaken(offered.callId(), offered.agentId());
        if (call.closedReason().isPresent()) {
            String closed = call.closedReason().get();
            LOG.info(
                    "offer after {}: withdrawing notificationId={} callId={}",
                    closed,
                    offered.notificationId(),
                    offered.callId());
            withdraw(entry, "call." + closed + " before the offer was delivered", withdrawReason(closed));
            return;
        }
        if (call.acceptedBy().isPresent() && !call.acceptedBy().get().equals(offered.agentId())) {
            LOG.info(
                    "offer after agentId={} accepted callId={}: withdrawing notificationId={}",
                    call.acceptedBy().get(),
                    offered.callId(),
                    offered.notificationId());
            withdraw(entry, REASON_TAKEN, WithdrawReason.TAKEN);
            return;
        }
        NotificationRecord stored = entry.record();
        if (event.id().equals(stored.eventId())
                && stored.enteredAt(NotificationState.DELIVERED) != null
                && entry.published() != NotificationState.DELIVERED) {
            // This event's row was delivered and this is a repeat (Service Bus redelivery or a scheduled retry):
            // the common path's send or Delivered publish may not have happened. Repeat what may be missing — the
            // client de-duplicates notify by id, the publish is the identical message (same MessageId).
            if (entry.state() == NotificationState.DELIVERED
                    && entry.published() == null
                    && !stored.isPastExpiry(clock.instant())) {
                LOG.info("repeated offer notificationId={}: repeating notify and Delivered", entry.notificationId());
                sendNotify(stored);
            } else if (entry.published() != null && entry.published().isTerminal()) {
                outcomes.publisher().publish(stored.outcomeOf(NotificationState.DELIVERED), stored.traceparent());
            }
        }
        outcomes.publishIfPending(entry);
        if (entry.state() != NotificationState.OFFERED) {
            LOG.info(
                    "notificationId={} already {} (event id={}, attempt {}): no new popup",
                    entry.notificationId(),
                    entry.state(),
                    event.id(),
                    attempt);
            return;
        }
        deliver(event, entry, attempt, presence, unavailable);
    }

    private void deliver(
            CallEvent event,
            LedgerEntry entry,
            int attempt,
            Presence presence,
            Optional<UnavailableReason> unavailable) {
        NotificationRecord r = entry.record();
        Instant now = clock.instant();
        if (r.isPastExpiry(now)) {
            giveUp(entry);
            return;
        }
        presence.throwIfUnknown();
        if (!presence.online()) {
            retryLater(event, entry, attempt, now);
            return;
        }
        if (unavailable.isPresent()) {
            LedgerTransition t = ledger.update(
                            entry,
                            e -> e.state() == NotificationState.OFFERED
                                    ? e.withRecord(e.record()
                                            .moveTo(
                                                    NotificationState.UNAVAILABLE,
                                                    now,
                                                    null,
                                                    unavailable.get().wireName()))
                                    : e)
                    .orElseThrow(() -> vanished(r));
            LOG.info(
                    "unavailable ({}) notificationId={} callId={} agentId={}",
                    unavailable.get(),
                    r.notificationId(),
                    r.callId(),
                    r.agentId());
            outcomes.publishIfPending(t.after());
            return;
        }
        sendNotify(r);
        recordDelivered(entry);
    }

    private void recordDelivered(LedgerEntry entry) {
        NotificationRecord r = entry.record();
        Instant at = clock.instant();
        // Starts from the entry offerGeneral() created or read (with its ETag): saves a ledger read per delivery.
        LedgerTransition t = ledger.update(
                        entry,
                        e -> e.state() == NotificationState.OFFERED
                                ? e.withRecord(e.record().moveTo(NotificationState.DELIVERED, at, null, null))
                                : e)
                .orElseThrow(() -> vanished(r));
        LedgerEntry after = t.after();
        if (after.state() == NotificationState.DELIVERED) {
            if (t.changed()) {
                Telemetry.get().stageReached(TelemetryNames.STAGE_DELIVERED, at);
            }
            LOG.info(
                    "delivered notificationId={} callId={} to agentId={}", r.notificationId(), r.callId(), r.agentId());
            if (t.changed() && t.before().state() == NotificationState.OFFERED) {
                // Only the instance that made the transition publishes; a crash before the publish is repaired when
                // the message is redelivered (offerGeneral() publishes a pending outcome first).
                outcomes.publishIfPending(after);
            }
        } else if (after.state().isTerminal()) {
            // Withdrawn/expired while we were sending: close the popup we just showed.
            sendWithdraw(
                    after,
                    after.state() == NotificationState.EXPIRED
                            ? WithdrawReason.EXPIRED
                            : REASON_TAKEN.equals(after.record().reason())
                                    ? WithdrawReason.TAKEN
                                    : WithdrawReason.ENDED,
                    false);
            outcomes.publishIfPending(after);
        }
    }

    /** SignalR's answer to "is the agent connected?", or the failure that prevented one. */
    private record Presence(boolean online, SignalRException failure) {
        static Presence of(CompletableFuture<Boolean> head) {
            try {
                return new Presence(SignalRRestClient.await(head), null);
            } catch (SignalRException e) {
                return new Presence(false, e);
            }
        }

        /** After the row exists: a SignalR outage fails the message, so Service Bus retries it. */
        void throwIfUnknown() {
            if (failure != null) {
                throw new SignalRException(
                        "cannot tell whether the agent is online: " + failure.getMessage(), failure.status(), failure);
            }
        }
    }

    private void retryLater(CallEvent event, LedgerEntry entry, int attempt, Instant now) {
        RingWindow window = RingWindow.of(entry.record());
        Optional<Instant> nextTry = retryPolicy.nextTry(attempt, now, window);
        if (nextTry.isEmpty()) {
            giveUp(entry);
            return;
        }
        Instant at = nextTry.get(); // the last try happens as the window closes and records Undeliverable
        int next = attempt + 1;
        ServiceBusMessage copy = new ServiceBusMessage(codec.encode(event));
        copy.setMessageId(MessageIds.retry(event.id(), next));
        copy.setContentType(CallEventSender.CONTENT_TYPE);
        copy.setSubject(event.type().wireName());
        copy.setCorrelationId(event.callId());
        copy.setTimeToLive(window.messageTtl(now));
        CallEventSender.applyProperties(copy, event);
        copy.getApplicationProperties().put(Names.PROP_ATTEMPT, next);
        retryScheduler.schedule(copy, at.atOffset(ZoneOffset.UTC));
        Telemetry.get().retryScheduled();
        ledger.update(
                entry,
                e -> e.state() == NotificationState.OFFERED && e.record().attempts() < next
                        ? e.withRecord(e.record().withAttempts(next))
                        : e);
        LOG.info(
                "agentId={} offline; notificationId={} retry #{} at {}",
                entry.record().agentId(),
                entry.notificationId(),
                next,
                at);
    }

    private void giveUp(LedgerEntry entry) {
        NotificationRecord r = entry.record();
        LedgerTransition t = ledger.moveTo(
                        r.callId(),
                        r.agentId(),
                        NotificationState.UNDELIVERABLE,
                        clock.instant(),
                        null,
                        REASON_UNREACHABLE)
                .orElseThrow(() -> vanished(r));
        if (t.changed()) {
            LOG.info("undeliverable notificationId={} callId={}", r.notificationId(), r.callId());
        }
        outcomes.publishIfPending(t.after());
    }

    /**
     * The row this message created is gone (table storage lost a write, e.g. across a restart). Failing makes
     * Service Bus redeliver the message, which re-creates the row and reaches the outcome; carrying on would end
     * the event silently with none.
     */
    private static IllegalStateException vanished(NotificationRecord r) {
        return new IllegalStateException(
                "ledger row " + r.notificationId() + " vanished; failing so the message is redelivered");
    }

    // ---- call.answered / call.ended -----------------------------------------------------------------------------

    private void close(CallEvent event) {
        boolean answered = event.type() == CallEventType.ANSWERED;
        WithdrawReason code = answered ? WithdrawReason.ANSWERED : WithdrawReason.ENDED;
        String scope = answered ? null : event.agentId();
        String reason = event.data() instanceof CallEnded ended && ended.reason() != null
                ? "call.ended: " + ended.reason()
                : event.type().wireName();
        Instant now = clock.instant();
        if (!answered) {
            // Before the rows are read (see NotificationLedger.recordEnded): an Accept racing this end is released by
            // one of us. The end of a call without agentId releases whoever accepted it.
            ledger.recordEnded(event.callId(), scope, now);
        }
        ledger.recordClosed(event.callId(), scope, code.wireName(), event.id(), now);
        List<LedgerEntry> targets = scope == null
                ? ledger.findByCall(event.callId())
                : ledger.get(event.callId(), scope).map(List::of).orElse(List.of());
        for (LedgerEntry entry : targets) {
            LedgerEntry after = entry;
            if (entry.record().isOpen() || entry.outcomePending()) {
                after = withdraw(entry, reason, code);
            }
            if (!answered && after.state() == NotificationState.ACCEPTED) {
                releaseCall(after.record().agentId(), event.callId(), AvailabilityReason.CALL_ENDED);
            }
        }
        LOG.info("{} callId={} closed {} notification(s)", event.type().wireName(), event.callId(), targets.size());
    }

    /** The accepted call no longer counts toward the agent's capacity; pushes {@code availability} if it did. */
    void releaseCall(String agentId, String callId, AvailabilityReason reason) {
        var change = agents.update(agentId, s -> s.withCallEnded(callId, reason));
        if (change.changed()) {
            LOG.info(
                    "agentId={} released callId={} ({}): {} active call(s)",
                    agentId,
                    callId,
                    reason.wireName(),
                    change.after().activeCallCount());
            AvailabilityPush.send(signalR, change.after(), settings.agentCapacity());
        }
    }

    /** Moves to WITHDRAWN (unless decided first), closes the popup everywhere, publishes once; returns the row after. */
    LedgerEntry withdraw(LedgerEntry entry, String reason, WithdrawReason code) {
        NotificationRecord r = entry.record();
        LedgerEntry after = ledger.moveTo(
                        r.callId(), r.agentId(), NotificationState.WITHDRAWN, clock.instant(), null, reason)
                .map(LedgerTransition::after)
                .orElseThrow(() -> vanished(r));
        if (after.state() == NotificationState.WITHDRAWN && after.outcomePending()) {
            sendWithdraw(after, code, true);
        }
        outcomes.publishIfPending(after);
        return after;
    }

    /** The withdraw code for a tombstone's reason ("answered" / "ended"). */
    private static WithdrawReason withdrawReason(String closed) {
        return WithdrawReason.ANSWERED.wireName().equals(closed) ? WithdrawReason.ANSWERED : WithdrawReason.ENDED;
    }

    /**
     * Sends {@code withdraw} to every connection the agent has now (one send to the user: SignalR fans it out). A
     * tab the popup reached and that has since closed needs nothing; one that reconnected is the same user.
     */
    void sendWithdraw(LedgerEntry entry, WithdrawReason code, boolean failOnError) {
        NotificationRecord r = entry.record();
        try {
            signalR.sendToUser(r.agentId(), Names.TARGET_WITHDRAW, List.of(Withdraw.of(r.callId(), r.agentId(), code)));
        } catch (SignalRException e) {
            if (failOnError) {
                throw new SignalRException(
                        "withdraw failed for notification " + r.notificationId() + ": " + e.getMessage(),
                        e.status(),
                        e);
            }
            LOG.warn("withdraw to agentId={} failed: {}", r.agentId(), e.getMessage());
        }
    }
}
