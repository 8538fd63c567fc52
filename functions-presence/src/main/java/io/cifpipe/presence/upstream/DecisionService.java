package io.cifpipe.presence.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.Names;
import io.cifpipe.model.ledger.AvailabilityReason;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.Decision;
import io.cifpipe.model.notification.DecisionResult;
import io.cifpipe.model.notification.DecisionStatus;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.notification.Withdraw;
import io.cifpipe.model.notification.WithdrawReason;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.model.outcome.UnavailableReason;
import io.cifpipe.model.validation.ValidationException;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.signalr.AvailabilityPush;
import io.cifpipe.runtime.signalr.DeliveryReport;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.AgentDirectory;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.LedgerTransition;
import io.cifpipe.runtime.tables.NotificationLedger;
import io.cifpipe.runtime.tables.RingGroupClaim;
import io.cifpipe.runtime.telemetry.Telemetry;
import io.cifpipe.runtime.telemetry.TelemetryNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * Hub method {@code decide}: an agent accepts or rejects a notification.
 *
 * <ul>
 *   <li>Only the notified agent may decide: the caller is the invocation's {@code UserId} (set by SignalR from
 *       the client token negotiate minted from the Entra oid) and must equal the agent id the notification id
 *       encodes; otherwise the invocation fails ({@link DecisionRefusedException}) and nothing is read or written.</li>
 *   <li>First decision wins across tabs and devices: the ledger row is updated with its ETag, so concurrent
 *       decisions serialise and every later one sees the terminal state ("already-decided").</li>
 *   <li>After the ring window (or once withdrawn/expired) a decision is refused with status "expired".</li>
 *   <li>Recorded decisions are published to call-outcomes (outbox: the row remembers what was published,
 *       so a retry completes a publish a crash interrupted) and the agent's other connections get
 *       {@code decided}.</li>
 *   <li>Accept claims the call for a ring group ({@link RingGroupClaim}: the row and the call's claim in one
 *       transaction): a later Accept of another agent gets {@code already-taken}; the winner withdraws every other
 *       agent's open notification of the call ({@code Withdrawn} reason {@code taken}, {@code withdraw} push) and
 *       counts the call toward her capacity until {@code call.ended} ({@code availability} push, reason
 *       {@code call-started}).</li>
 *   <li>{@code overflow} (the client could not show the call) ends the notification {@code Unavailable} reason
 *       {@code overflow}; Accept and Reject reset the agent's missed-call counter.</li>
 * </ul>
 */
public final class DecisionService {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionService.class);
    /** After this, an unpublished decision is taken as interrupted and any later decide republishes it. */
    public static final Duration PUBLISH_GRACE = Duration.ofSeconds(10);

    /** Outcome reason of a ring group loser's Withdrawn (the withdraw push's code). */
    static final String REASON_TAKEN = WithdrawReason.TAKEN.wireName();

    private final NotificationLedger ledger;
    private final RingGroupClaim claim;
    private final AgentDirectory agents;
    private final ConnectionRegistry registry;
    private final SignalRRestClient signalR;
    private final OutcomePublisher outcomes;
    private final int agentCapacity;
    private final Clock clock;

    public DecisionService(
            NotificationLedger ledger,
            RingGroupClaim claim,
            AgentDirectory agents,
            ConnectionRegistry registry,
            SignalRRestClient signalR,
            OutcomePublisher outcomes,
            int agentCapacity,
            Clock clock) {
        this.ledger = Objects.requireNonNull(ledger);
        this.claim = Objects.requireNonNull(claim);
        this.agents = Objects.requireNonNull(agents);
        this.registry = Objects.requireNonNull(registry);
        this.signalR = Objects.requireNonNull(signalR);
        this.outcomes = Objects.requireNonNull(outcomes);
        this.agentCapacity = agentCapacity;
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Records the decision inside span {@value TelemetryNames#SPAN_PRESENCE_DECIDE}, a child of the popup's
     * {@code traceparent} (the notify payload's, passed back in the argument), so one trace runs from the telephony
     * POST to this decision.
     */
    public DecisionResult decide(InvocationContext ctx) {
        Decision decision = parse(ctx);
        Span span = Telemetry.get()
                .startSpan(TelemetryNames.SPAN_PRESENCE_DECIDE, SpanKind.SERVER, decision.traceparent())
                .setAttribute(TelemetryNames.ATTR_NOTIFICATION_ID, decision.notificationId())
                .setAttribute(
                        TelemetryNames.ATTR_DECISION, decision.decision().name().toLowerCase(java.util.Locale.ROOT));
        try (Scope scope = span.makeCurrent()) {
            DecisionResult result = decideTraced(ctx, decision);
            span.setAttribute(TelemetryNames.ATTR_STATUS, result.status().wireName());
            return result;
        } catch (RuntimeException e) {
            Telemetry.fail(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private DecisionResult decideTraced(InvocationContext ctx, Decision decision) {
        NotificationId.Key key = decision.key();
        if (!ctx.hasUser() || !ctx.userId().equals(key.agentId())) {
            LOG.warn(
                    "decide refused: connectionId={} user={} is not the agent of notificationId={}",
                    ctx.connectionId(),
                    ctx.userId(),
                    decision.notificationId());
            throw new DecisionRefusedException("not-yours", "this notification was offered to another agent");
        }
        Instant now = clock.instant();
        String connectionId = ctx.connectionId();
        // A switch expression without default: a new decision type does not compile until it is handled here.
        return switch (decision.decision()) {
            case ACCEPT -> accept(decision, key, now, connectionId);
            case REJECT ->
                decideOwnRow(decision, key, NotificationState.REJECTED, decision.reason(), now, connectionId);
            case OVERFLOW ->
                decideOwnRow(
                        decision,
                        key,
                        NotificationState.UNAVAILABLE,
                        UnavailableReason.OVERFLOW.wireName(),
                        now,
                        connectionId);
        };
    }

    /** Reject / overflow: only the agent's own row changes (first decision wins on it). */
    private DecisionResult decideOwnRow(
            Decision decision,
            NotificationId.Key key,
            NotificationState target,
            String reason,
            Instant now,
            String connectionId) {
        Optional<LedgerTransition> update =
                ledger.update(key.callId(), key.agentId(), e -> apply(e, target, now, connectionId, reason));
        if (update.isEmpty()) {
            LOG.info("decide: unknown notificationId={}", decision.notificationId());
            return new DecisionResult(decision.notificationId(), DecisionStatus.UNKNOWN, null);
        }
        LedgerTransition t = update.get();
        if (t.changed()) {
            recorded(t, connectionId);
            if (target == NotificationState.REJECTED) {
                resetMissedCalls(key.agentId());
            }
            return new DecisionResult(
                    t.after().notificationId(),
                    DecisionStatus.RECORDED,
                    t.after().state().outcome().orElseThrow());
        }
        return notChanged(t.after(), target, connectionId, now);
    }

    /** Accept: claim the call for the ring group, then capacity and the other agents' popups. */
    private DecisionResult accept(Decision decision, NotificationId.Key key, Instant now, String connectionId) {
        RingGroupClaim.Result result = claim.accept(
                key.callId(),
                key.agentId(),
                e -> apply(e, NotificationState.ACCEPTED, now, connectionId, decision.reason()),
                now);
        if (result instanceof RingGroupClaim.Unknown) {
            LOG.info("decide: unknown notificationId={}", decision.notificationId());
            return new DecisionResult(decision.notificationId(), DecisionStatus.UNKNOWN, null);
        }
        if (result instanceof RingGroupClaim.Won won) {
            recorded(won.transition(), connectionId);
            afterAccept(won.transition().after().record(), now);
            return new DecisionResult(decision.notificationId(), DecisionStatus.RECORDED, OutcomeType.ACCEPTED);
        }
        if (result instanceof RingGroupClaim.Taken taken) {
            LedgerEntry mine = taken.current();
            if (mine.record().isOpen()) {
                LOG.info(
                        "decide: callId={} already taken by agentId={}; notificationId={} withdrawn",
                        key.callId(),
                        taken.winner(),
                        decision.notificationId());
                withdrawTaken(mine, now);
                return new DecisionResult(
                        decision.notificationId(), DecisionStatus.ALREADY_TAKEN, OutcomeType.WITHDRAWN);
            }
            return notChanged(mine, NotificationState.ACCEPTED, connectionId, now);
        }
        LedgerEntry current = ((RingGroupClaim.Unchanged) result).current();
        NotificationRecord r = current.record();
        if (r.state() == NotificationState.ACCEPTED && connectionId.equals(r.connectionId())) {
            // The same caller again (a retry after a failure): finish what may not have happened; all idempotent.
            afterAccept(r, now);
        }
        return notChanged(current, NotificationState.ACCEPTED, connectionId, now);
    }

    private void recorded(LedgerTransition t, String connectionId) {
        LedgerEntry after = t.after();
        NotificationRecord r = after.record();
        LOG.info(
                "decision recorded notificationId={} callId={} outcome={} connectionId={}",
                r.notificationId(),
                r.callId(),
                r.state(),
                connectionId);
        Instant deliveredAt = r.enteredAt(NotificationState.DELIVERED);
        Instant decidedAt = r.enteredAt(r.state());
        boolean answered = r.state() == NotificationState.ACCEPTED || r.state() == NotificationState.REJECTED;
        if (answered && deliveredAt != null && decidedAt != null) {
            // Answer time: popup delivered → agent decided.
            Duration answer = Duration.between(deliveredAt, decidedAt);
            Telemetry.get().stage(TelemetryNames.STAGE_DECIDED, answer);
            Span.current().setAttribute(TelemetryNames.ATTR_ANSWER_MS, answer.toMillis());
        }
        publish(t.before().state() == NotificationState.OFFERED, after);
        tellOtherConnections(after, connectionId, r.state());
    }

    /**
     * The winner's follow-ups, each idempotent (a retry repeats them safely): the call counts toward her capacity,
     * unless its {@code call.ended} already came (dispatch writes the ended marker before it reads accepted rows, we
     * read it after counting the call: one of us releases it); every other agent's open popup is withdrawn (taken).
     */
    private void afterAccept(NotificationRecord r, Instant now) {
        NotificationLedger.CallRows call = null;
        try {
            var started = agents.update(r.agentId(), s -> s.withCallStarted(r.callId(), now));
            if (started.after().activeCallCount() != started.before().activeCallCount()) {
                AvailabilityPush.send(signalR, started.after(), agentCapacity);
            }
            // Read after counting the call (the ended marker's rule above); the same query lists the ring group.
            call = ledger.callRows(r.callId(), r.agentId());
            if (call.endedFor()) {
                var ended = agents.update(r.agentId(), s -> s.withCallEnded(r.callId(), AvailabilityReason.CALL_ENDED));
                if (ended.changed()) {
                    AvailabilityPush.send(signalR, ended.after(), agentCapacity);
                }
            }
        } catch (RuntimeException e) {
            // The decision stands; a wrong count is repaired by call.ended or MaxCallDuration, or by the client's
            // retry.
            LOG.warn("capacity of agentId={} not updated for callId={}: {}", r.agentId(), r.callId(), e.toString());
        }
        List<LedgerEntry> ringGroup = call != null ? call.notifications() : ledger.findByCall(r.callId());
        for (LedgerEntry other : ringGroup) {
            if (!other.record().agentId().equals(r.agentId()) && other.record().isOpen()) {
                try {
                    withdrawTaken(other, now);
                } catch (RuntimeException e) {
                    // Left open it expires (Expired) at the end of its ring window; a late accept still gets
                    // already-taken.
                    LOG.warn("withdraw (taken) of notificationId={} failed: {}", other.notificationId(), e.toString());
                }
            }
        }
    }

    /** A ring group loser: Withdrawn reason taken, the popup closed on all of that agent's tabs, outcome published. */
    private void withdrawTaken(LedgerEntry entry, Instant now) {
        NotificationRecord r = entry.record();
        Optional<LedgerTransition> t =
                ledger.moveTo(r.callId(), r.agentId(), NotificationState.WITHDRAWN, now, null, REASON_TAKEN);
        if (t.isEmpty()
                || t.get().after().state() != NotificationState.WITHDRAWN
                || !t.get().after().outcomePending()) {
            return;
        }
        LedgerEntry after = t.get().after();
        try {
            signalR.sendToUser(
                    r.agentId(),
                    Names.TARGET_WITHDRAW,
                    List.of(Withdraw.of(r.callId(), r.agentId(), WithdrawReason.TAKEN)));
        } catch (RuntimeException e) {
            LOG.warn("withdraw push (taken) to agentId={} failed: {}", r.agentId(), e.toString());
        }
        outcomes.publishAll(after.owedOutcomes(), r.traceparent());
        ledger.markPublished(after);
    }

    private void resetMissedCalls(String agentId) {
        try {
            agents.update(agentId, s -> s.withMissedReset());
        } catch (RuntimeException e) {
            LOG.warn("missed-call counter of agentId={} not reset: {}", agentId, e.toString());
        }
    }

    /** Pure: the entry after this decision, or the same entry when the decision cannot apply. */
    private static LedgerEntry apply(
            LedgerEntry e, NotificationState target, Instant now, String connectionId, String reason) {
        NotificationRecord r = e.record();
        if (r.isPastExpiry(now) || r.state().isTerminal()) {
            return e;
        }
        if (r.state() == NotificationState.OFFERED) {
            // notify reached the client before dispatch recorded DELIVERED: the decision proves delivery.
            r = r.moveTo(NotificationState.DELIVERED, now, connectionId, null);
        }
        return e.withRecord(r.moveTo(target, now, connectionId, reason)).withDeliveredTo(List.of(connectionId));
    }

    private DecisionResult notChanged(LedgerEntry entry, NotificationState target, String connectionId, Instant now) {
        NotificationRecord r = entry.record();
        NotificationState s = r.state();
        if (s == NotificationState.ACCEPTED || s == NotificationState.REJECTED) {
            boolean sameCaller = connectionId.equals(r.connectionId()) && s == target;
            if (entry.outcomePending() && (sameCaller || isPublishOverdue(r, now))) {
                // A crash/outage interrupted the winner's publish: finish it (MessageId makes it idempotent).
                // Not for a concurrent loser while the winner is still publishing: that would only duplicate.
                publish(false, entry);
            }
            LOG.info(
                    "decide: notificationId={} already {} (by connectionId={}); caller={}",
                    r.notificationId(),
                    s,
                    r.connectionId(),
                    connectionId);
            return new DecisionResult(
                    r.notificationId(),
                    sameCaller ? DecisionStatus.RECORDED : DecisionStatus.ALREADY_DECIDED,
                    s.outcome().orElseThrow());
        }
        if (s == NotificationState.WITHDRAWN && REASON_TAKEN.equals(r.reason())) {
            return new DecisionResult(r.notificationId(), DecisionStatus.ALREADY_TAKEN, OutcomeType.WITHDRAWN);
        }
        if (s == NotificationState.UNAVAILABLE && r.enteredAt(NotificationState.DELIVERED) != null) {
            // An earlier overflow of this popup (the client could not show it): a decision of the same kind again.
            boolean same = target == NotificationState.UNAVAILABLE && connectionId.equals(r.connectionId());
            if (same && entry.outcomePending()) {
                publish(false, entry); // a retry finishes a publish a failure interrupted (same MessageId)
            }
            return new DecisionResult(
                    r.notificationId(),
                    same ? DecisionStatus.RECORDED : DecisionStatus.ALREADY_DECIDED,
                    OutcomeType.UNAVAILABLE);
        }
        LOG.info(
                "decide: notificationId={} refused as expired (state={}, expiresAt={}, now={})",
                r.notificationId(),
                s,
                r.expiresAt(),
                now);
        return new DecisionResult(
                r.notificationId(),
                DecisionStatus.EXPIRED,
                s.outcome().filter(OutcomeType::isTerminal).orElse(null));
    }

    /** The decision was recorded long enough ago that its publish is not merely still in flight. */
    public static boolean isPublishOverdue(NotificationRecord r, Instant now) {
        Instant decidedAt = r.enteredAt(r.state());
        return decidedAt != null && decidedAt.plus(PUBLISH_GRACE).isBefore(now);
    }

    private void publish(boolean alsoDelivered, LedgerEntry entry) {
        NotificationRecord r = entry.record();
        if (alsoDelivered) {
            outcomes.publish(r.outcomeOf(NotificationState.DELIVERED), r.traceparent());
        }
        outcomes.publish(r.toOutcome(), r.traceparent());
        ledger.markPublished(entry); // with the ETag just written or read: no read unless someone wrote since
    }

    /** The popup closes in the agent's other tabs/devices; failures only delay that (the ring window ends it). */
    private void tellOtherConnections(LedgerEntry entry, String deciding, NotificationState state) {
        NotificationRecord r = entry.record();
        try {
            Set<String> others = new LinkedHashSet<>();
            registry.listForUser(r.agentId()).forEach(c -> others.add(c.connectionId()));
            others.addAll(entry.deliveredTo());
            others.remove(deciding);
            if (others.isEmpty()) {
                return;
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("notificationId", r.notificationId());
            payload.put("outcome", state.outcome().orElseThrow().wireName());
            DeliveryReport report = signalR.sendToConnections(others, Names.TARGET_DECIDED, List.of(payload));
            for (String gone : report.gone()) {
                registry.remove(r.agentId(), gone);
            }
            if (!report.failed().isEmpty()) {
                LOG.warn(
                        "decided not sent to {} connection(s) of agent {}",
                        report.failed().size(),
                        r.agentId());
            }
        } catch (RuntimeException e) {
            LOG.warn("decided fan-out for notificationId={} failed: {}", r.notificationId(), e.toString());
        }
    }

    private static Decision parse(InvocationContext ctx) {
        List<JsonNode> args = ctx.arguments();
        if (args.size() != 1) {
            throw new DecisionRefusedException(
                    "invalid", "decide takes exactly one argument {notificationId, decision, reason}");
        }
        try {
            return Decision.fromJson(args.get(0));
        } catch (ValidationException e) {
            StringBuilder sb = new StringBuilder(
                    e.problem().detail() == null
                            ? "invalid decision"
                            : e.problem().detail());
            e.errors()
                    .forEach(fe ->
                            sb.append("; ").append(fe.pointer()).append(' ').append(fe.message()));
            throw new DecisionRefusedException("invalid", sb.toString());
        }
    }
}
