package io.cifpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** The machine-readable contract of results.json: the {@code summary} keys other tools read (issue 19). */
final class ResultsJson {
    static final String[] END_TO_END_KEYS = {
        "scenario",
        "rate_per_s",
        "agents",
        "sent",
        "delivered",
        "lost",
        "pipeline_p50_ms",
        "pipeline_p99_ms",
        "floor_p50_ms",
        "table_ops_per_notification",
        "signalr_requests_per_notification",
        "servicebus_ops_per_notification",
        "dispatch_cpu_us_per_notification"
    };

    private ResultsJson() {}

    static JsonNode summary(Path resultFolder) throws IOException {
        JsonNode root =
                new ObjectMapper().readTree(resultFolder.resolve("results.json").toFile());
        assertThat(root.has("summary")).as("top-level summary").isTrue();
        return root.get("summary");
    }

    /** Every required key present; counts consistent with what was sent; costs counted (non-zero), never missing. */
    static void assertEndToEndSummary(JsonNode s, String scenario, double rate, int agents, long sent) {
        for (String key : END_TO_END_KEYS) {
            assertThat(s.has(key)).as("summary has " + key).isTrue();
        }
        assertThat(s.get("scenario").asText()).isEqualTo(scenario);
        assertThat(s.get("rate_per_s").asDouble()).isEqualTo(rate);
        assertThat(s.get("agents").asInt()).isEqualTo(agents);
        assertThat(s.get("sent").asLong()).isEqualTo(sent);
        assertThat(s.get("delivered").asLong() + s.get("lost").asLong())
                .as("delivered + lost = sent")
                .isEqualTo(sent);
        assertThat(s.get("lost").asLong()).isZero();
        assertThat(s.get("pipeline_p50_ms").asDouble()).isPositive();
        assertThat(s.get("pipeline_p99_ms").asDouble())
                .isGreaterThanOrEqualTo(s.get("pipeline_p50_ms").asDouble());
        assertThat(s.get("dispatch_cpu_us_per_notification").isNumber())
                .as("dispatch CPU measured")
                .isTrue();
        assertThat(s.get("dispatch_cpu_us_per_notification").asDouble()).isPositive();
        for (String key : new String[] {
            "table_ops_per_notification", "signalr_requests_per_notification", "servicebus_ops_per_notification"
        }) {
            assertThat(s.get(key).isNumber()).as(key + " counted").isTrue();
            assertThat(s.get(key).asDouble()).as(key).isPositive();
        }
        // Lower bounds any correct pipeline meets (the upper bounds are the hot path's own test): the ledger is
        // written,
        // the popup is one REST request at least, call.offered is sent, delivered and completed.
        assertThat(s.get("table_ops_per_notification").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(s.get("signalr_requests_per_notification").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(s.get("servicebus_ops_per_notification").asDouble()).isGreaterThanOrEqualTo(3);
    }
}
