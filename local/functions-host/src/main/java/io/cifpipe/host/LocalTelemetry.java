package io.cifpipe.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for what the Application Insights Java agent does on Azure: an OpenTelemetry SDK behind the
 * apps' API calls (the app class loader shares {@code io.opentelemetry.api}/{@code context} with the host, as the
 * agent bridges the app's API). Enabled by system property {@value #DIR_PROPERTY}; writes, per app:
 * <ul>
 *   <li>{@code spans-<app>.jsonl}: one finished span per line (rotated to {@code .1} beyond {@value #MAX_SPAN_FILE_BYTES} bytes);</li>
 *   <li>{@code metrics-<app>.json}: the cumulative value of every instrument, rewritten every export interval.</li>
 * </ul>
 * Formats: docs/telemetry.md ("Local files").
 */
public final class LocalTelemetry {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTelemetry.class);
    public static final String DIR_PROPERTY = "cifpipe.telemetry.dir";
    static final long MAX_SPAN_FILE_BYTES = 8L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile OpenTelemetrySdk installed;

    private LocalTelemetry() {}

    /** Installs the SDK globally once per JVM when {@value #DIR_PROPERTY} is set; later calls do nothing. */
    static synchronized void installIfConfigured(String appName) {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isBlank() || installed != null) {
            return;
        }
        installed = install(Path.of(dir), appName, Duration.ofSeconds(5));
        GlobalOpenTelemetry.set(installed);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> installed.shutdown().join(5, TimeUnit.SECONDS), "telemetry-flush"));
        LOG.info("telemetry of app '{}' written to {}", appName, dir);
    }

    /** An SDK writing {@code app}'s spans and metrics under {@code dir} (not registered globally). */
    public static OpenTelemetrySdk install(Path dir, String app, Duration metricInterval) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Resource resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), app)));
        SdkTracerProvider tracer = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(new SpanFile(dir.resolve("spans-" + app + ".jsonl"), app))
                        .setScheduleDelay(Duration.ofMillis(500))
                        .build())
                .build();
        SdkMeterProvider meter = SdkMeterProvider.builder()
                .setResource(resource)
                .registerMetricReader(
                        PeriodicMetricReader.builder(new MetricFile(dir.resolve("metrics-" + app + ".json"), app))
                                .setInterval(metricInterval)
                                .build())
                .build();
        return OpenTelemetrySdk.builder()
                .setTracerProvider(tracer)
                .setMeterProvider(meter)
                .build();
    }

    private static ObjectNode attributes(Attributes attributes) {
        ObjectNode o = JSON.createObjectNode();
        attributes.forEach((k, v) -> o.putPOJO(k.getKey(), v));
        return o;
    }

    /** Appends finished spans as JSON lines. */
    static final class SpanFile implements SpanExporter {
        private final Path file;
        private final String app;

        SpanFile(Path file, String app) {
            this.file = file;
            this.app = app;
        }

        @Override
        public synchronized CompletableResultCode export(Collection<SpanData> spans) {
            StringBuilder sb = new StringBuilder();
            for (SpanData s : spans) {
                ObjectNode o = JSON.createObjectNode();
                o.put("traceId", s.getTraceId());
                o.put("spanId", s.getSpanId());
                o.put("parentSpanId", s.getParentSpanContext().isValid() ? s.getParentSpanId() : null);
                o.put("name", s.getName());
                o.put("kind", s.getKind().name());
                o.put("service", app);
                o.put("start", Instant.ofEpochSecond(0, s.getStartEpochNanos()).toString());
                o.put("durationMs", (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1e6);
                o.put("status", s.getStatus().getStatusCode().name());
                o.set("attributes", attributes(s.getAttributes()));
                sb.append(o).append('\n');
            }
            try {
                if (Files.exists(file) && Files.size(file) > MAX_SPAN_FILE_BYTES) {
                    Files.move(
                            file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
                }
                Files.writeString(
                        file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return CompletableResultCode.ofSuccess();
            } catch (IOException e) {
                return CompletableResultCode.ofFailure();
            }
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /** Rewrites one JSON document with every instrument's cumulative points (atomic replace). */
    static final class MetricFile implements MetricExporter {
        private final Path file;
        private final String app;

        MetricFile(Path file, String app) {
            this.file = file;
            this.app = app;
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public synchronized CompletableResultCode export(Collection<MetricData> metrics) {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("service", app);
            doc.put("at", Instant.now().toString());
            ArrayNode list = doc.putArray("metrics");
            for (MetricData m : metrics) {
                ObjectNode o = list.addObject();
                o.put("name", m.getName());
                o.put("unit", m.getUnit());
                o.put("type", m.getType().name());
                ArrayNode points = o.putArray("points");
                for (PointData p : m.getData().getPoints()) {
                    ObjectNode q = points.addObject();
                    q.set("attributes", attributes(p.getAttributes()));
                    if (p instanceof LongPointData l) {
                        q.put("value", l.getValue());
                    } else if (p instanceof DoublePointData d) {
                        q.put("value", d.getValue());
                    } else if (p instanceof HistogramPointData h) {
                        q.put("count", h.getCount());
                        q.put("sum", h.getSum());
                        q.put("min", h.hasMin() ? h.getMin() : null);
                        q.put("max", h.hasMax() ? h.getMax() : null);
                        ArrayNode b = q.putArray("boundaries");
                        h.getBoundaries().forEach(b::add);
                        ArrayNode c = q.putArray("counts");
                        h.getCounts().forEach(c::add);
                    }
                }
            }
            try {
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, doc.toString(), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return CompletableResultCode.ofSuccess();
            } catch (IOException e) {
                return CompletableResultCode.ofFailure();
            }
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
