package io.cifpipe.runtime.telemetry;

import static io.cifpipe.runtime.telemetry.TelemetryNames.*;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The apps' metrics and spans through the OpenTelemetry API only. Whatever SDK is registered globally receives
 * them: on Azure the Application Insights Java agent, locally the functions host's file exporter
 * ({@code .devstack/telemetry/}), in tests an in-memory SDK; without one every call is a cheap no-op.
 * Names: {@link TelemetryNames} and {@code docs/telemetry.md}.
 */
public final class Telemetry {
    private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey(ATTR_EVENT_TYPE);
    private static final AttributeKey<String> STAGE = AttributeKey.stringKey(ATTR_STAGE);
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey(ATTR_OUTCOME);
    private static final AttributeKey<String> REASON = AttributeKey.stringKey(ATTR_REASON);
    private static final AttributeKey<Boolean> POISON = AttributeKey.booleanKey(ATTR_POISON);
    private static final AttributeKey<String> CONNECTION_EVENT = AttributeKey.stringKey(ATTR_CONNECTION_EVENT);
    private static final AttributeKey<String> AVAILABILITY = AttributeKey.stringKey(ATTR_AVAILABILITY);
    /** Reason codes become metric attributes only when they look like codes: free text would explode cardinality. */
    private static final Pattern REASON_CODE = Pattern.compile("[a-z][a-z0-9.-]{0,39}");
    /** Stage histogram buckets (s): popups matter in the 10 ms – 1 s range, answer times in seconds. */
    private static final List<Double> BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0);

    private static final TextMapGetter<String> TRACEPARENT_ONLY = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private static final ContextKey<Instant> ACCEPTED_AT = ContextKey.named("cifpipe.accepted-at");
    private static volatile Telemetry global;

    private final OpenTelemetry otel;
    private final Tracer tracer;
    private final LongCounter ingressEvents;
    private final DoubleHistogram stageDuration;
    private final LongCounter outcomes;
    private final LongCounter retries;
    private final LongCounter failures;
    private final LongCounter dlqMoves;
    private final LongCounter connectionEvents;
    private final LongUpDownCounter connections;

    public Telemetry(OpenTelemetry otel) {
        this.otel = Objects.requireNonNull(otel);
        this.tracer = otel.getTracer(SCOPE);
        Meter meter = otel.getMeter(SCOPE);
        ingressEvents = meter.counterBuilder(METRIC_INGRESS_EVENTS)
                .setUnit("{event}")
                .setDescription("call events accepted by ingress")
                .build();
        stageDuration = meter.histogramBuilder(METRIC_STAGE_DURATION)
                .setUnit("s")
                .setDescription("time from ingress acceptance to a notification stage")
                .setExplicitBucketBoundariesAdvice(BUCKETS)
                .build();
        outcomes = meter.counterBuilder(METRIC_OUTCOMES)
                .setUnit("{outcome}")
                .setDescription("outcomes published")
                .build();
        retries = meter.counterBuilder(METRIC_DISPATCH_RETRIES)
                .setUnit("{retry}")
                .setDescription("offers re-enqueued because the agent was offline")
                .build();
        failures = meter.counterBuilder(METRIC_DISPATCH_FAILURES)
                .setUnit("{delivery}")
                .setDescription("call-events deliveries that failed (Service Bus retries them)")
                .build();
        dlqMoves = meter.counterBuilder(METRIC_DLQ_MOVES)
                .setUnit("{message}")
                .setDescription("call-events messages that failed their last allowed delivery (dead-lettered)")
                .build();
        connectionEvents = meter.counterBuilder(METRIC_CONNECTION_EVENTS)
                .setUnit("{connection}")
                .setDescription("SignalR connections opened and closed")
                .build();
        connections = meter.upDownCounterBuilder(METRIC_CONNECTIONS)
                .setUnit("{connection}")
                .setDescription("open SignalR connections seen by this presence instance")
                .build();
    }

    /** The instance over {@link GlobalOpenTelemetry} (rebuilt if a test or host replaced the global one). */
    public static Telemetry get() {
        OpenTelemetry current = GlobalOpenTelemetry.get();
        Telemetry t = global;
        if (t == null || t.otel != current) {
            t = new Telemetry(current);
            global = t;
        }
        return t;
    }

    // ---- traces -----------------------------------------------------------------------------------------------

    /** Starts a span whose parent is the W3C {@code traceparent} given (a new trace when null or invalid). */
    public Span startSpan(String name, SpanKind kind, String parentTraceparent) {
        Context parent = parentTraceparent == null
                ? Context.root()
                : W3CTraceContextPropagator.getInstance()
                        .extract(Context.root(), parentTraceparent.trim(), TRACEPARENT_ONLY);
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
    }

    /** Starts a child of the current span (e.g. the SignalR send inside dispatch's span). */
    public Span startChild(String name, SpanKind kind) {
        return tracer.spanBuilder(name)
                .setSpanKind(kind)
                .setParent(Context.current())
                .startSpan();
    }

    /**
     * Makes {@code span} current together with the time ingress accepted the work being done, so code deeper in the
     * call records stage durations ({@link #stageReached}) without passing the time along.
     *
     * @param acceptedAt null when unknown (e.g. a retry copy, whose enqueue time is not the acceptance)
     */
    public static Scope makeCurrent(Span span, Instant acceptedAt) {
        Context c = Context.current().with(span);
        return (acceptedAt == null ? c : c.with(ACCEPTED_AT, acceptedAt)).makeCurrent();
    }

    /** Records {@code stage} at {@code now} against the acceptance time made current by {@link #makeCurrent}. */
    public void stageReached(String stage, Instant now) {
        Instant acceptedAt = Context.current().get(ACCEPTED_AT);
        if (acceptedAt != null) {
            stage(stage, Duration.between(acceptedAt, now));
        }
    }

    /** Records the failure on the span and ends it. */
    public static void fail(Span span, Throwable e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
    }

    /** The span's W3C {@code traceparent}, or null when no SDK records spans (the caller then keeps its own). */
    public static String traceparent(Span span) {
        SpanContext c = span.getSpanContext();
        if (!c.isValid()) {
            return null;
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-"
                + c.getTraceFlags().asHex();
    }

    // ---- metrics ----------------------------------------------------------------------------------------------

    public void ingressAccepted(String eventType) {
        ingressEvents.add(1, Attributes.of(EVENT_TYPE, eventType));
    }

    /** Ignores negative durations (clock skew between instances). */
    public void stage(String stage, Duration sinceAccepted) {
        if (sinceAccepted != null && !sinceAccepted.isNegative()) {
            stageDuration.record(sinceAccepted.toNanos() / 1e9, Attributes.of(STAGE, stage));
        }
    }

    public void outcome(String outcome, String reason) {
        outcomes.add(1, Attributes.of(OUTCOME, outcome, REASON, reasonCode(reason)));
    }

    public void retryScheduled() {
        retries.add(1);
    }

    /** @param lastDelivery the failure happened on the last delivery MaxDeliveryCount allows: it will be dead-lettered */
    public void dispatchFailed(boolean poison, boolean lastDelivery) {
        failures.add(1, Attributes.of(POISON, poison));
        if (lastDelivery) {
            dlqMoves.add(1, Attributes.of(POISON, poison));
        }
    }

    public void connection(boolean opened) {
        connectionEvents.add(1, Attributes.of(CONNECTION_EVENT, opened ? "connected" : "disconnected"));
        connections.add(opened ? 1 : -1);
    }

    /**
     * Registers the availability gauge over {@code counts} (availability → agents). The supplier runs at most once
     * per {@code refresh} (collections in between report the last value); a failure reports nothing for that
     * collection rather than zeros.
     */
    public AutoCloseable availabilityGauge(Supplier<Map<String, Long>> counts, Duration refresh) {
        var cache = new Object() {
            long readAtNanos;
            Map<String, Long> last;
        };
        return otel.getMeter(SCOPE)
                .gaugeBuilder(METRIC_AGENTS)
                .ofLongs()
                .setUnit("{agent}")
                .setDescription("agents per availability value")
                .buildWithCallback(m -> {
                    Map<String, Long> now;
                    synchronized (cache) {
                        if (cache.last == null || System.nanoTime() - cache.readAtNanos >= refresh.toNanos()) {
                            try {
                                cache.last = Map.copyOf(counts.get());
                                cache.readAtNanos = System.nanoTime();
                            } catch (RuntimeException e) {
                                cache.last = null; // Table Storage unavailable: skip this point
                            }
                        }
                        now = cache.last;
                    }
                    if (now != null) {
                        now.forEach((availability, n) -> m.record(n, Attributes.of(AVAILABILITY, availability)));
                    }
                });
    }

    /** A reason as a bounded metric attribute: codes pass, free text and null become "other" / "none". */
    static String reasonCode(String reason) {
        if (reason == null || reason.isBlank()) {
            return "none";
        }
        return REASON_CODE.matcher(reason).matches() ? reason : "other";
    }
}
