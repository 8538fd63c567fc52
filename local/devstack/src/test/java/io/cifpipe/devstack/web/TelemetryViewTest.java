package io.cifpipe.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryViewTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void mergesTheAppsFilesIntoASummaryAndRecentSpans(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("metrics-cifpipe-dispatch.json"), """
                {"service":"cifpipe-dispatch","at":"2026-01-01T00:00:05Z","metrics":[
                 {"name":"cifpipe.outcomes","unit":"{outcome}","type":"LONG_SUM","points":[
                   {"attributes":{"cifpipe.outcome":"Delivered","cifpipe.reason":"none"},"value":3},
                   {"attributes":{"cifpipe.outcome":"Undeliverable","cifpipe.reason":"other"},"value":1}]},
                 {"name":"cifpipe.dispatch.retries","type":"LONG_SUM","points":[{"attributes":{},"value":2}]},
                 {"name":"cifpipe.notification.stage.duration","unit":"s","type":"HISTOGRAM","points":[
                   {"attributes":{"cifpipe.stage":"delivered"},"count":10,"sum":1.0,"min":0.01,"max":0.4,
                    "boundaries":[0.05,0.1,0.25],"counts":[5,3,1,1]}]}]}
                """);
        Files.writeString(dir.resolve("metrics-cifpipe-presence.json"), """
                {"service":"cifpipe-presence","at":"2026-01-01T00:00:05Z","metrics":[
                 {"name":"cifpipe.outcomes","type":"LONG_SUM","points":[
                   {"attributes":{"cifpipe.outcome":"Accepted","cifpipe.reason":"none"},"value":2}]},
                 {"name":"cifpipe.presence.connections","type":"LONG_SUM","points":[{"attributes":{},"value":4}]}]}
                """);
        Files.writeString(dir.resolve("spans-cifpipe-ingress.jsonl"), """
                {"traceId":"t1","spanId":"a","name":"cifpipe.ingress.accept","start":"2026-01-01T00:00:01Z"}
                {"traceId":"t1","spanId":"b","name":"cifpipe.ingress.accept","start":"2026-01-01T00:00:03Z"}
                {"traceId":"t1","spanId":"c","name":"half a line
                """);
        Files.writeString(dir.resolve("spans-cifpipe-presence.jsonl"), """
                {"traceId":"t1","spanId":"d","name":"cifpipe.presence.decide","start":"2026-01-01T00:00:02Z"}
                """);

        JsonNode view = JSON.readTree(new TelemetryView(dir).read().toString());
        JsonNode s = view.get("summary");
        assertThat(view.get("apps")).hasSize(2);
        assertThat(s.at("/outcomes/Delivered").asLong()).isEqualTo(3);
        assertThat(s.at("/outcomes/Accepted").asLong()).isEqualTo(2);
        assertThat(s.at("/outcomes/Undeliverable").asLong()).isEqualTo(1);
        assertThat(s.get("retries").asLong()).isEqualTo(2);
        assertThat(s.get("connections").asLong()).isEqualTo(4);
        assertThat(s.get("ingressEvents").asLong()).isZero();
        // 10 values: 5 ≤ 50 ms, 3 ≤ 100 ms, 1 ≤ 250 ms, 1 above (max 400 ms)
        assertThat(s.at("/stages/delivered/count").asLong()).isEqualTo(10);
        assertThat(s.at("/stages/delivered/p50").asDouble()).isEqualTo(0.05);
        assertThat(s.at("/stages/delivered/p90").asDouble()).isEqualTo(0.25);
        assertThat(s.at("/stages/delivered/max").asDouble()).isEqualTo(0.4);
        assertThat(view.get("recentSpans"))
                .extracting(n -> n.get("spanId").asText())
                .containsExactly("b", "d", "a");
    }

    @Test
    void aMissingDirectoryIsAnEmptyView(@TempDir Path dir) throws Exception {
        JsonNode view =
                JSON.readTree(new TelemetryView(dir.resolve("absent")).read().toString());
        assertThat(view.get("apps")).isEmpty();
        assertThat(view.get("recentSpans")).isEmpty();
        assertThat(view.at("/summary/ingressEvents").asLong()).isZero();
    }
}
