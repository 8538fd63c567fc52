package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTelemetryTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void spansAndMetricsLandInTheDocumentedFiles(@TempDir Path dir) throws Exception {
        OpenTelemetrySdk sdk = LocalTelemetry.install(dir, "cifpipe-test", Duration.ofHours(1));
        Span parent = sdk.getTracer("io.cifpipe")
                .spanBuilder("cifpipe.ingress.accept")
                .startSpan();
        parent.setAttribute("cifpipe.call.id", "c1");
        Span child = sdk.getTracer("io.cifpipe")
                .spanBuilder("cifpipe.dispatch.process")
                .setParent(io.opentelemetry.context.Context.root().with(parent))
                .startSpan();
        child.end();
        parent.end();
        var counter =
                sdk.getMeter("io.cifpipe").counterBuilder("cifpipe.outcomes").build();
        counter.add(2, Attributes.of(AttributeKey.stringKey("cifpipe.outcome"), "Accepted"));
        var histogram = sdk.getMeter("io.cifpipe")
                .histogramBuilder("cifpipe.notification.stage.duration")
                .setUnit("s")
                .build();
        histogram.record(0.02, Attributes.of(AttributeKey.stringKey("cifpipe.stage"), "delivered"));
        sdk.shutdown().join(10, TimeUnit.SECONDS); // flushes both exporters

        List<String> lines = Files.readAllLines(dir.resolve("spans-cifpipe-test.jsonl"));
        assertThat(lines).hasSize(2);
        JsonNode c = JSON.readTree(lines.get(0));
        JsonNode p = JSON.readTree(lines.get(1));
        assertThat(c.get("name").asText()).isEqualTo("cifpipe.dispatch.process");
        assertThat(c.get("traceId").asText()).isEqualTo(p.get("traceId").asText());
        assertThat(c.get("parentSpanId").asText()).isEqualTo(p.get("spanId").asText());
        assertThat(p.get("parentSpanId").isNull()).isTrue();
        assertThat(p.get("service").asText()).isEqualTo("cifpipe-test");
        assertThat(p.at("/attributes/cifpipe.call.id").asText()).isEqualTo("c1");
        assertThat(p.get("status").asText()).isEqualTo("UNSET");

        JsonNode metrics =
                JSON.readTree(dir.resolve("metrics-cifpipe-test.json").toFile());
        assertThat(metrics.get("service").asText()).isEqualTo("cifpipe-test");
        JsonNode outcomes = find(metrics, "cifpipe.outcomes");
        assertThat(outcomes.at("/points/0/value").asLong()).isEqualTo(2);
        assertThat(outcomes.at("/points/0/attributes/cifpipe.outcome").asText()).isEqualTo("Accepted");
        JsonNode stage = find(metrics, "cifpipe.notification.stage.duration");
        assertThat(stage.get("type").asText()).isEqualTo("HISTOGRAM");
        assertThat(stage.at("/points/0/count").asLong()).isEqualTo(1);
        assertThat(stage.at("/points/0/boundaries").size() + 1)
                .isEqualTo(stage.at("/points/0/counts").size());
    }

    private static JsonNode find(JsonNode doc, String name) {
        for (JsonNode m : doc.get("metrics")) {
            if (m.get("name").asText().equals(name)) return m;
        }
        throw new AssertionError("no metric " + name + " in " + doc);
    }
}
