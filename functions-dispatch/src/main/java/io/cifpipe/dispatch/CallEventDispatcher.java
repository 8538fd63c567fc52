package io.cifpipe.dispatch;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.Names;
import io.cifpipe.model.event.CallEnded;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.event.CallEventType;
import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.validation.ValidationException;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.servicebus.MessageIds;
import io.cifpipe.runtime.servicebus.MessageScheduler;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.signalr.DeliveryReport;
import io.cifpipe.runtime.signalr.SignalRException;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.LedgerTransition;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one {@code call-events} message. Stateless between messages: everything another instance needs is in the
 * ledger, and every write is ETag-guarded, so any number of dispatch instances may run at once and any message may be
 * delivered more than once.
 *
 * <ul>
 *   <li>{@code call.offered}: create the ledger row if absent (idempotent), honour a tombstone left by an earlier
 *       ended/answered, send {@code notify} to every live connection of the agent in parallel, prune 404s, record and
 *       publish {@code Delivered}. An offline agent is retried by scheduling a copy of the message with doubling
 *       delay until the ring window closes, then {@code Undeliverable}.</li>
 *   <li>{@code call.answered} / {@code call.ended}: leave a tombstone, withdraw every open notification in scope
 *       ({@code withdraw} to the agent's connections), record and publish {@code Withdrawn}.</li>
 * </ul>
 * Failures of Table Storage, SignalR or Service Bus propagate, so Service Bus redelivers the message.
 */
public final class CallEventDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(CallEventDispatcher.class);
    /** Payload {@code reason} codes of the {@code withdraw} message (the client shows text for them). */
    static final String WITHDRAW_ANSWERED = "answered";
    static final String WITHDRAW_ENDED = "ended";
    static final String WITHDRAW_EXPIRED = "expired";
    static final String REASON_UNREACHABLE = "ring window closed before the agent could be reached";
    private static final int MAX_BACKOFF_DOUBLINGS = 16;

    private final CallEventCodec codec;
    private final NotificationLedger ledger;
    private final ConnectionRegistry registry;
    private final SignalRRestClient signalR;
    private final OutcomeRecorder outcomes;
    private final MessageScheduler retryScheduler;
    private final DispatchSettings settings;
    private final Clock clock;

    public CallEventDispatcher(CallEventCodec codec, NotificationLedger ledger, ConnectionRegistry registry,
                               SignalRRestClient signalR, OutcomePublisher publisher, MessageScheduler retryScheduler,
                               DispatchSettings settings, Clock clock) {
        this.codec = Objects.requireNonNull(codec);
        this.ledger = Objects.requireNonNull(ledger);
        this.registry = Objects.requireNonNull(registry);
        this.signalR = Objects.requireNonNull(signalR);
        this.outcomes = new OutcomeRecorder(ledger, Objects.requireNonNull(publisher));
        this.retryScheduler = Objects.requireNonNull(retryScheduler);
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Processes one message.
     *
     * @param applicationProperties the message's application properties (may be null)
     * @throws PoisonMessageException when the message can never be processed
     */
    public void handle(byte[] body, Map<String, Object> applicationProperties) {
        Map<String, Object> props = applicationProperties == null ? Map.of() : applicationProperties;
        CallEvent event = decode(body, props);
        int attempt = attemptOf(props);
        switch (event.type()) {
            case OFFERED -> offer(event, attempt);
            case ANSWERED, ENDED -> close(event);
            default -> throw new PoisonMessageException("unsupported event type " + event.type());
        }
    }

    CallEvent decode(byte[] body, Map<String, Object> props) {
        if (body == null || body.length == 0) {
            throw new PoisonMessageException("empty message body; expected a structured CloudEvent (" + CallEventCodec.MEDIA_TYPE + ")");
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
            throw new PoisonMessageException("application property '" + name + "' is '" + actual
                    + "' but the event says '" + expected + "'");
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

    private void offer(CallEvent event, int attempt) {
        Notification n = Notification.from(event, clock.instant(), settings.defaultRingSeconds());
        NotificationLedger.Created created = ledger.createIfAbsent(NotificationRecord.offered(n, event.id()));
        LedgerEntry entry = created.entry();
        // Read the tombstone only after our row exists: ended/answered writes its tombstone before it reads rows,
        // so of two racing messages at least one sees the other.
        Optional<String> closed = ledger.closedReason(n.callId(), n.agentId());
        if (closed.isPresent()) {
            LOG.info("offer after {}: withdrawing notificationId={} callId={}", closed.get(), n.notificationId(), n.callId());
            withdraw(entry, "call." + closed.get() + " before the offer was delivered", closed.get());
            return;
        }
        outcomes.publishIfPending(entry);
        if (entry.state() != NotificationState.OFFERED) {
            LOG.info("notificationId={} already {} (event id={}, attempt {}): no new popup", entry.notificationId(),
                    entry.state(), event.id(), attempt);
            return;
        }
        deliver(event, entry, attempt);
    }

    private void deliver(CallEvent event, LedgerEntry entry, int attempt) {
        NotificationRecord r = entry.record();
        Instant now = clock.instant();
        if (r.isPastExpiry(now)) {
            giveUp(entry);
            return;
        }
        List<String> connectionIds = registry.listForUser(r.agentId()).stream().map(ConnectionRecord::connectionId).toList();
        if (connectionIds.isEmpty()) {
            retryLater(event, entry, attempt, now);
            return;
        }
        DeliveryReport report = signalR.sendToConnections(connectionIds, Names.TARGET_NOTIFY, List.of(r.toNotification()));
        prune(r.agentId(), report);
        if (report.anySent()) {
            recordDelivered(entry, report.sent());
            return;
        }
        if (!report.failed().isEmpty()) {
            SignalRException first = report.failed().values().iterator().next();
            throw new SignalRException("notify failed on every connection of agent " + r.agentId() + ": " + first.getMessage(),
                    first.status(), first);
        }
        LOG.info("every connection of agentId={} is gone; treating as offline", r.agentId());
        retryLater(event, entry, attempt, now);
    }

    private void recordDelivered(LedgerEntry entry, List<String> sent) {
        NotificationRecord r = entry.record();
        Instant at = clock.instant();
        // Starts from the entry offer() created or read (with its ETag): saves a ledger read per delivery.
        LedgerTransition t = ledger.update(entry, e -> switch (e.state()) {
            case OFFERED -> e.withRecord(e.record().moveTo(NotificationState.DELIVERED, at, sent.get(0), null)).withDeliveredTo(sent);
            case DELIVERED -> e.withDeliveredTo(sent);
            default -> e;
        }).orElseThrow(() -> vanished(r));
        LedgerEntry after = t.after();
        if (after.state() == NotificationState.DELIVERED) {
            LOG.info("delivered notificationId={} callId={} to {} connection(s)", r.notificationId(), r.callId(), sent.size());
            if (t.changed() && t.before().state() == NotificationState.OFFERED) {
                // Only the instance that made the transition publishes; a crash before the publish is repaired when
                // the message is redelivered (offer() publishes a pending outcome first).
                outcomes.publishIfPending(after);
            }
        } else if (after.state().isTerminal()) {
            // Withdrawn/expired while we were sending: close the popup we just showed.
            sendWithdraw(after, after.state() == NotificationState.EXPIRED ? WITHDRAW_EXPIRED : WITHDRAW_ENDED, false);
            outcomes.publishIfPending(after);
        }
    }

    private void retryLater(CallEvent event, LedgerEntry entry, int attempt, Instant now) {
        Instant expiresAt = entry.record().expiresAt();
        if (!now.isBefore(expiresAt)) {
            giveUp(entry);
            return;
        }
        Duration delay = settings.offlineRetry().multipliedBy(1L << Math.min(attempt, MAX_BACKOFF_DOUBLINGS));
        Instant at = now.plus(delay);
        if (at.isAfter(expiresAt)) {
            at = expiresAt; // the last try happens as the window closes and records Undeliverable
        }
        int next = attempt + 1;
        ServiceBusMessage copy = new ServiceBusMessage(codec.encode(event));
        copy.setMessageId(MessageIds.retry(event.id(), next));
        copy.setContentType(CallEventSender.CONTENT_TYPE);
        copy.setSubject(event.type().wireName());
        copy.setCorrelationId(event.callId());
        copy.setTimeToLive(Duration.between(now, expiresAt).plus(CallEventSender.TTL_GRACE));
        CallEventSender.applyProperties(copy, event);
        copy.getApplicationProperties().put(Names.PROP_ATTEMPT, next);
        retryScheduler.schedule(copy, at.atOffset(ZoneOffset.UTC));
        ledger.update(entry.record().callId(), entry.record().agentId(),
                e -> e.state() == NotificationState.OFFERED && e.record().attempts() < next ? e.withRecord(e.record().withAttempts(next)) : e);
        LOG.info("agentId={} offline; notificationId={} retry #{} at {}", entry.record().agentId(), entry.notificationId(), next, at);
    }

    private void giveUp(LedgerEntry entry) {
        NotificationRecord r = entry.record();
        LedgerTransition t = ledger.moveTo(r.callId(), r.agentId(), NotificationState.UNDELIVERABLE, clock.instant(), null,
                REASON_UNREACHABLE).orElseThrow(() -> vanished(r));
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
        return new IllegalStateException("ledger row " + r.notificationId() + " vanished; failing so the message is redelivered");
    }

    // ---- call.answered / call.ended -----------------------------------------------------------------------------

    private void close(CallEvent event) {
        boolean answered = event.type() == CallEventType.ANSWERED;
        String code = answered ? WITHDRAW_ANSWERED : WITHDRAW_ENDED;
        String scope = answered ? null : event.agentId();
        String reason = event.data() instanceof CallEnded ended && ended.reason() != null ? "call.ended: " + ended.reason()
                : event.type().wireName();
        ledger.recordClosed(event.callId(), scope, code, event.id(), clock.instant());
        List<LedgerEntry> targets = scope == null ? ledger.findByCall(event.callId())
                : ledger.get(event.callId(), scope).map(List::of).orElse(List.of());
        for (LedgerEntry entry : targets) {
            if (entry.record().isOpen() || entry.outcomePending()) {
                withdraw(entry, reason, code);
            }
        }
        LOG.info("{} callId={} closed {} notification(s)", event.type().wireName(), event.callId(), targets.size());
    }

    /** Moves to WITHDRAWN (unless decided first), closes the popup everywhere, publishes once. */
    void withdraw(LedgerEntry entry, String reason, String code) {
        NotificationRecord r = entry.record();
        LedgerEntry after = ledger.moveTo(r.callId(), r.agentId(), NotificationState.WITHDRAWN, clock.instant(), null, reason)
                .map(LedgerTransition::after).orElseThrow(() -> vanished(r));
        if (after.state() == NotificationState.WITHDRAWN && after.outcomePending()) {
            sendWithdraw(after, code, true);
        }
        outcomes.publishIfPending(after);
    }

    /** Sends {@code withdraw} to the agent's live connections and those it was delivered to. */
    void sendWithdraw(LedgerEntry entry, String code, boolean failOnError) {
        NotificationRecord r = entry.record();
        Set<String> targets = new LinkedHashSet<>(entry.deliveredTo());
        registry.listForUser(r.agentId()).forEach(c -> targets.add(c.connectionId()));
        if (targets.isEmpty()) {
            return;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("notificationId", r.notificationId());
        payload.put("callId", r.callId());
        payload.put("reason", code);
        DeliveryReport report = signalR.sendToConnections(targets, Names.TARGET_WITHDRAW, List.of(payload));
        prune(r.agentId(), report);
        if (!report.failed().isEmpty()) {
            SignalRException first = report.failed().values().iterator().next();
            if (failOnError) {
                throw new SignalRException("withdraw failed for notification " + r.notificationId() + ": " + first.getMessage(),
                        first.status(), first);
            }
            LOG.warn("withdraw failed on {} connection(s) of agentId={}: {}", report.failed().size(), r.agentId(), first.getMessage());
        }
    }

    private void prune(String agentId, DeliveryReport report) {
        for (String gone : report.gone()) {
            registry.remove(agentId, gone);
            LOG.info("pruned gone connectionId={} of agentId={}", gone, agentId);
        }
    }
}
