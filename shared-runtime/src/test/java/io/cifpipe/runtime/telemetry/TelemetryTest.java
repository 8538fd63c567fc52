package io.cifpipe.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TelemetryTest {
    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aSpanContinuesTheTraceOfTheTraceparentAndReportsItsOwn() {
        Telemetry t = fresh();
        Span span = t.startSpan(TelemetryNames.SPAN_INGRESS_ACCEPT, SpanKind.PRODUCER, PARENT);
        String own = Telemetry.traceparent(span);
        span.end();

        SpanData data = OTEL.getSpans().get(0);
        assertThat(data.getName()).isEqualTo("cifpipe.ingress.accept");
        assertThat(data.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(data.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(data.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(own).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + data.getSpanId() + "-01");
    }

    @Test
    void anInvalidOrMissingParentStartsANewTrace() {
        Telemetry t = fresh();
        t.startSpan("a", SpanKind.INTERNAL, "not-a-traceparent").end();
        t.startSpan("b", SpanKind.INTERNAL, null).end();
        assertThat(OTEL.getSpans())
                .hasSize(2)
                .allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
        assertThat(OTEL.getSpans().get(0).getTraceId())
                .isNotEqualTo(OTEL.getSpans().get(1).getTraceId());
    }

    @Test
    void childrenAndStagesUseWhatMakeCurrentCarries() {
        Telemetry t = fresh();
        Span parent = t.startSpan(TelemetryNames.SPAN_DISPATCH_PROCESS, SpanKind.CONSUMER, PARENT);
        Instant accepted = Instant.parse("2026-01-01T00:00:00Z");
        try (Scope s = Telemetry.makeCurrent(parent, accepted)) {
            t.startChild(TelemetryNames.SPAN_DISPATCH_NOTIFY, SpanKind.CLIENT).end();
            t.stageReached(TelemetryNames.STAGE_DISPATCHED, accepted.plusMillis(250));
        }
        t.stageReached(TelemetryNames.STAGE_DELIVERED, accepted.plusSeconds(1)); // no acceptance current: not recorded
        parent.end();

        SpanData child = OTEL.getSpans().stream()
                .filter(x -> x.getName().equals("cifpipe.dispatch.notify"))
                .findFirst()
                .orElseThrow();
        assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(child.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        MetricData stage = metric(TelemetryNames.METRIC_STAGE_DURATION);
        assertThat(stage.getHistogramData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getAttributes().get(AttributeKey.stringKey("cifpipe.stage")))
                    .isEqualTo("dispatched");
            assertThat(p.getCount()).isEqualTo(1);
            assertThat(p.getSum()).isEqualTo(0.25);
        });
    }

    @Test
    void countersCarryBoundedAttributes() {
        Telemetry t = fresh();
        t.outcome("Rejected", "wrong-skill");
        t.outcome("Withdrawn", "call.ended: customer hung up");
        t.outcome("Delivered", null);
        t.ingressAccepted("call.offered");
        t.retryScheduled();
        t.dispatchFailed(true, false);
        t.dispatchFailed(true, true);
        t.connection(true);
        t.connection(true);
        t.connection(false);

        Map<String, Long> reasons = new java.util.TreeMap<>();
        metric(TelemetryNames.METRIC_OUTCOMES)
                .getLongSumData()
                .getPoints()
                .forEach(p -> reasons.put(
                        p.getAttributes().get(AttributeKey.stringKey("cifpipe.outcome")) + "/"
                                + p.getAttributes().get(AttributeKey.stringKey("cifpipe.reason")),
                        p.getValue()));
        assertThat(reasons)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("Rejected/wrong-skill", 1L, "Withdrawn/other", 1L, "Delivered/none", 1L));
        assertThat(sum(TelemetryNames.METRIC_INGRESS_EVENTS)).isEqualTo(1);
        assertThat(sum(TelemetryNames.METRIC_DISPATCH_RETRIES)).isEqualTo(1);
        assertThat(sum(TelemetryNames.METRIC_DISPATCH_FAILURES)).isEqualTo(2);
        assertThat(sum(TelemetryNames.METRIC_DLQ_MOVES)).isEqualTo(1);
        assertThat(sum(TelemetryNames.METRIC_CONNECTION_EVENTS)).isEqualTo(3);
        assertThat(sum(TelemetryNames.METRIC_CONNECTIONS)).isEqualTo(1);
    }

    @Test
    void theAvailabilityGaugeReadsAtMostOncePerRefreshAndSkipsFailures() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        try (AutoCloseable g = fresh().availabilityGauge(
                        () -> {
                            reads.incrementAndGet();
                            return Map.of("AVAILABLE", 3L, "AWAY", 1L);
                        },
                        Duration.ofHours(1))) {
            Map<String, Long> seen = new java.util.TreeMap<>();
            metric(TelemetryNames.METRIC_AGENTS)
                    .getLongGaugeData()
                    .getPoints()
                    .forEach(p -> seen.put(
                            p.getAttributes().get(AttributeKey.stringKey("cifpipe.availability")), p.getValue()));
            OTEL.getMetrics();
            assertThat(seen).isEqualTo(Map.of("AVAILABLE", 3L, "AWAY", 1L));
            assertThat(reads).hasValue(1);
        }
        try (AutoCloseable g = fresh().availabilityGauge(
                        () -> {
                            throw new IllegalStateException("tables down");
                        },
                        Duration.ZERO)) {
            assertThat(OTEL.getMetrics().stream()
                            .filter(m -> m.getName().equals(TelemetryNames.METRIC_AGENTS))
                            .flatMap(m -> m.getLongGaugeData().getPoints().stream()))
                    .isEmpty();
        }
    }

    @Test
    void getFollowsTheGlobalInstance() {
        Telemetry a = Telemetry.get();
        assertThat(Telemetry.get()).isSameAs(a);
        a.startSpan("via-global", SpanKind.INTERNAL, null).end();
        assertThat(OTEL.getSpans()).extracting(SpanData::getName).contains("via-global");
    }

    @Test
    void reasonCodesPassAndFreeTextDoesNot() {
        assertThat(Telemetry.reasonCode("at-capacity")).isEqualTo("at-capacity");
        assertThat(Telemetry.reasonCode("call.answered")).isEqualTo("call.answered");
        assertThat(Telemetry.reasonCode("ring window closed before the agent could be reached"))
                .isEqualTo("other");
        assertThat(Telemetry.reasonCode(" ")).isEqualTo("none");
    }

    @Test
    void everyNameIsUniqueAndNamespaced() {
        List<String> all = new java.util.ArrayList<>();
        all.addAll(TelemetryNames.SPANS);
        all.addAll(TelemetryNames.METRICS);
        all.addAll(TelemetryNames.ATTRIBUTES);
        assertThat(all).doesNotHaveDuplicates().allMatch(n -> n.startsWith("cifpipe."));
    }

    /** Instruments bound to this test's meter provider (the extension resets the provider between tests). */
    private static Telemetry fresh() {
        return new Telemetry(OTEL.getOpenTelemetry());
    }

    private static MetricData metric(String name) {
        return OTEL.getMetrics().stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private static long sum(String name) {
        MetricData m = metric(name);
        return m.getLongSumData().getPoints().stream()
                .mapToLong(p -> p.getValue())
                .sum();
    }
}
