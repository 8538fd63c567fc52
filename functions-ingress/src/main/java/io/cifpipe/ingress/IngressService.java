package io.cifpipe.ingress;

import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.validation.ProblemType;
import io.cifpipe.model.validation.Rules;
import io.cifpipe.model.validation.ValidationException;
import io.cifpipe.runtime.auth.BearerAuthException;
import io.cifpipe.runtime.auth.IdentityProviderUnavailableException;
import io.cifpipe.runtime.http.AuthReplies;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.servicebus.MessageBatchTooLargeException;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;
import io.cifpipe.runtime.telemetry.Telemetry;
import io.cifpipe.runtime.telemetry.TelemetryNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/calls} and {@code GET /api/calls/{callId}} without the Functions API. Order of checks: app token
 * (when required) → content type / size / JSON / fields (codec) → Service Bus. Bad input is always a 4xx
 * problem+json; an event is answered 202 only after Service Bus acknowledged the batch.
 */
public final class IngressService {
    private static final Logger LOG = LoggerFactory.getLogger(IngressService.class);
    static final String CALLS_PATH = "/api/calls";
    static final int RETRY_AFTER_SECONDS = 5;
    static final int RETRY_AFTER_BUSY_SECONDS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CallEventCodec codec;
    private final CallEventSender sender;
    /** Opened on first status read: accepting calls needs only Service Bus, so Table Storage being down at start must not fail POSTs. */
    private final Supplier<NotificationLedger> ledger;

    private final AppTokenCheck appTokenCheck;

    /** @param appTokenCheck null when only the function key is required */
    public IngressService(
            CallEventCodec codec,
            CallEventSender sender,
            Supplier<NotificationLedger> ledger,
            AppTokenCheck appTokenCheck) {
        this.codec = Objects.requireNonNull(codec);
        this.sender = Objects.requireNonNull(sender);
        this.ledger = Objects.requireNonNull(ledger);
        this.appTokenCheck = appTokenCheck;
    }

    /** Accepts one event or a batch. {@code traceparentHeader} (W3C) is used for events without their own. */
    public HttpReply post(byte[] body, String contentType, String authorization, String traceparentHeader) {
        if (appTokenCheck != null) {
            try {
                appTokenCheck.check(authorization);
            } catch (BearerAuthException e) {
                return AuthReplies.of(e, CALLS_PATH);
            } catch (IdentityProviderUnavailableException e) {
                LOG.warn("app token could not be checked: {}", e.getMessage());
                return AuthReplies.of(e, CALLS_PATH);
            }
        }
        List<CallEvent> events;
        try {
            events = codec.parse(body == null ? new byte[0] : body, contentType);
        } catch (ValidationException e) {
            LOG.info("rejected call events: {}", e.getMessage());
            return HttpReply.problem(e.problem().withInstance(CALLS_PATH));
        }
        Telemetry telemetry = Telemetry.get();
        List<Span> spans = new ArrayList<>();
        List<CallEvent> traced = new ArrayList<>();
        for (CallEvent e : events) {
            Span span = telemetry
                    .startSpan(
                            TelemetryNames.SPAN_INGRESS_ACCEPT,
                            SpanKind.PRODUCER,
                            e.traceparent() != null ? e.traceparent() : validTraceparent(traceparentHeader))
                    .setAttribute(TelemetryNames.ATTR_EVENT_TYPE, e.type().wireName())
                    .setAttribute(TelemetryNames.ATTR_CALL_ID, e.callId());
            spans.add(span);
            // Downstream work becomes a child of this span; without an SDK the event keeps (or gets) a traceparent.
            String own = Telemetry.traceparent(span);
            traced.add(own != null ? e.withTraceparent(own) : withTrace(e, traceparentHeader));
        }
        try {
            sendTraced(traced, spans);
        } catch (MessageBatchTooLargeException e) {
            return HttpReply.problem(ValidationException.tooLarge(e.getMessage() + "; send fewer events per request")
                    .problem()
                    .withInstance(CALLS_PATH));
        } catch (ServiceBusException e) {
            boolean busy = e.getReason() == ServiceBusFailureReason.SERVICE_BUSY
                    || e.getReason() == ServiceBusFailureReason.QUOTA_EXCEEDED;
            LOG.warn(
                    "call-events send failed (reason={}, transient={}): {}",
                    e.getReason(),
                    e.isTransient(),
                    e.getMessage());
            return unavailable(
                    busy
                            ? "Service Bus is throttling; retry after the indicated delay"
                            : "the call-events queue is unavailable; retry later",
                    busy ? RETRY_AFTER_BUSY_SECONDS : RETRY_AFTER_SECONDS);
        } catch (RuntimeException e) {
            // The SDK also fails with AmqpException / IllegalStateException (link closed, timeout): never a 500 for the
            // caller.
            LOG.warn("call-events send failed: {}", e.toString());
            return unavailable("the call-events queue is unavailable; retry later", RETRY_AFTER_SECONDS);
        }
        List<Map<String, Object>> accepted = new ArrayList<>();
        for (CallEvent e : traced) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", e.id());
            a.put("type", e.type().wireName());
            a.put("callId", e.callId());
            a.put("status", statusPath(e.callId()));
            accepted.add(a);
            LOG.info(
                    "accepted event id={} type={} callId={} agentId={}",
                    e.id(),
                    e.type().wireName(),
                    e.callId(),
                    e.agentId());
            telemetry.ingressAccepted(e.type().wireName());
        }
        return HttpReply.json(202, Map.of("accepted", accepted))
                .withHeader("Location", statusPath(traced.get(0).callId()));
    }

    /** Sends and ends the events' spans (status error when Service Bus refused the batch). */
    private void sendTraced(List<CallEvent> traced, List<Span> spans) {
        try {
            sender.send(traced);
        } catch (RuntimeException e) {
            spans.forEach(s -> s.setStatus(StatusCode.ERROR, e.getClass().getSimpleName()));
            throw e;
        } finally {
            spans.forEach(Span::end);
        }
    }

    private static String validTraceparent(String header) {
        return header != null && Rules.TRACEPARENT.matcher(header.trim()).matches() ? header.trim() : null;
    }

    /** The ledger state of a call: one entry per agent it was offered to. */
    public HttpReply status(String callId) {
        String instance = CALLS_PATH + "/" + (callId == null ? "" : callId);
        String problem = Rules.checkId(callId);
        if (problem != null) {
            return HttpReply.problem(ValidationException.invalid("/callId", "callId " + problem)
                    .problem()
                    .withInstance(CALLS_PATH));
        }
        List<LedgerEntry> entries;
        try {
            entries = ledger.get().findByCall(callId);
        } catch (RuntimeException e) {
            LOG.warn("ledger read failed for callId={}: {}", callId, e.toString());
            return unavailable("the ledger is unavailable; retry later", RETRY_AFTER_SECONDS);
        }
        if (entries.isEmpty()) {
            return HttpReply.problem(ProblemType.NOT_FOUND
                    .details("no notification is recorded for call '" + callId
                            + "' (yet: dispatch records it within moments of acceptance)")
                    .withInstance(instance));
        }
        List<Map<String, Object>> notifications =
                entries.stream().map(IngressService::describe).toList();
        return HttpReply.json(200, Map.of("callId", callId, "notifications", notifications));
    }

    static Map<String, Object> describe(LedgerEntry entry) {
        var r = entry.record();
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("notificationId", r.notificationId());
        n.put("agentId", r.agentId());
        n.put("state", r.state().name());
        n.put("offeredAt", r.offeredAt());
        n.put("expiresAt", r.expiresAt());
        Map<String, Instant> times = new LinkedHashMap<>();
        r.stateTimes().forEach((s, at) -> times.put(s.name(), at));
        n.put("timestamps", times);
        n.put("deliveredTo", entry.deliveredTo());
        if (r.state().isTerminal()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("outcome", r.state().outcome().map(o -> o.wireName()).orElse(null));
            d.put("at", r.enteredAt(r.state()));
            if (r.state() == NotificationState.ACCEPTED || r.state() == NotificationState.REJECTED) {
                d.put("connectionId", r.connectionId());
            }
            d.put("reason", r.reason());
            n.put("decision", d);
        }
        return n;
    }

    private static CallEvent withTrace(CallEvent e, String traceparentHeader) {
        if (e.traceparent() != null) {
            return e;
        }
        if (traceparentHeader != null
                && Rules.TRACEPARENT.matcher(traceparentHeader.trim()).matches()) {
            return e.withTraceparent(traceparentHeader.trim());
        }
        return e.withTraceparent(newTraceparent());
    }

    static String newTraceparent() {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        RANDOM.nextBytes(trace);
        RANDOM.nextBytes(span);
        trace[0] |= 1; // never all-zero
        span[0] |= 1;
        return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(span) + "-01";
    }

    private static String statusPath(String callId) {
        return CALLS_PATH + "/" + callId;
    }

    private static HttpReply unavailable(String detail, int retryAfterSeconds) {
        return HttpReply.problem(ProblemType.UNAVAILABLE.details(detail).withInstance(CALLS_PATH))
                .withHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }
}
