package io.cifpipe.devstack.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/state/metrics}: the Functions hosts' telemetry files ({@code .devstack/telemetry}, written by
 * functions-host {@code LocalTelemetry}) merged into one document: every app's raw metrics, a summary the ops
 * dashboard draws (counts, stage p50/p90 from the histogram buckets) and the most recent spans. Format:
 * docs/telemetry.md.
 */
public final class TelemetryView {
    static final int RECENT_SPANS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    public TelemetryView(Path dir) {
        this.dir = dir;
    }

    public ObjectNode read() throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("dir", dir.toString());
        ArrayNode apps = out.putArray("apps");
        List<JsonNode> spans = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (name.startsWith("metrics-") && name.endsWith(".json")) {
                        apps.add(JSON.readTree(f.toFile()));
                    } else if (name.startsWith("spans-") && name.endsWith(".jsonl")) {
                        spans.addAll(tail(f));
                    }
                }
            }
        }
        out.set("summary", summary(apps));
        spans.sort(
                Comparator.comparing((JsonNode s) -> s.path("start").asText()).reversed());
        ArrayNode recent = out.putArray("recentSpans");
        spans.stream().limit(RECENT_SPANS).forEach(recent::add);
        return out;
    }

    private static List<JsonNode> tail(Path f) throws IOException {
        Deque<JsonNode> last = new ArrayDeque<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            try {
                last.addLast(JSON.readTree(line));
            } catch (IOException partial) {
                continue; // a line being written right now
            }
            if (last.size() > RECENT_SPANS) last.removeFirst();
        }
        return new ArrayList<>(last);
    }

    /** Sums over apps (each app reports only what it does) keyed by metric name and one attribute. */
    static ObjectNode summary(ArrayNode apps) {
        ObjectNode s = JSON.createObjectNode();
        s.put("ingressEvents", sum(apps, "cifpipe.ingress.events"));
        s.set("outcomes", JSON.valueToTree(byAttribute(apps, "cifpipe.outcomes", "cifpipe.outcome")));
        s.set("outcomeReasons", JSON.valueToTree(byAttribute(apps, "cifpipe.outcomes", "cifpipe.reason")));
        s.put("retries", sum(apps, "cifpipe.dispatch.retries"));
        s.put("failures", sum(apps, "cifpipe.dispatch.failures"));
        s.put("dlqMoves", sum(apps, "cifpipe.dlq.moves"));
        s.put("connections", sum(apps, "cifpipe.presence.connections"));
        s.set("agents", JSON.valueToTree(byAttribute(apps, "cifpipe.agents", "cifpipe.availability")));
        ObjectNode stages = s.putObject("stages");
        for (JsonNode app : apps) {
            for (JsonNode m : app.path("metrics")) {
                if (!m.path("name").asText().equals("cifpipe.notification.stage.duration")) continue;
                for (JsonNode p : m.path("points")) {
                    String stage = p.path("attributes").path("cifpipe.stage").asText("?");
                    ObjectNode st = stages.putObject(stage);
                    st.put("count", p.path("count").asLong());
                    st.put("p50", quantile(p, 0.5));
                    st.put("p90", quantile(p, 0.9));
                    st.put("max", p.path("max").asDouble());
                }
            }
        }
        return s;
    }

    private static long sum(ArrayNode apps, String metric) {
        long total = 0;
        for (JsonNode app : apps) {
            for (JsonNode m : app.path("metrics")) {
                if (m.path("name").asText().equals(metric)) {
                    for (JsonNode p : m.path("points")) total += p.path("value").asLong();
                }
            }
        }
        return total;
    }

    private static Map<String, Long> byAttribute(ArrayNode apps, String metric, String attribute) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode app : apps) {
            for (JsonNode m : app.path("metrics")) {
                if (m.path("name").asText().equals(metric)) {
                    for (JsonNode p : m.path("points")) {
                        out.merge(
                                p.path("attributes").path(attribute).asText("none"),
                                p.path("value").asLong(),
                                Long::sum);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The upper bound of the bucket holding quantile {@code q} (the observed max for the last bucket): an estimate
     * no finer than the buckets, which is what the histogram keeps.
     */
    static double quantile(JsonNode point, double q) {
        long count = point.path("count").asLong();
        if (count == 0) return 0;
        long rank = (long) Math.ceil(q * count);
        long seen = 0;
        JsonNode bounds = point.path("boundaries");
        JsonNode counts = point.path("counts");
        for (int i = 0; i < counts.size(); i++) {
            seen += counts.get(i).asLong();
            if (seen >= rank) {
                double upper = i < bounds.size()
                        ? bounds.get(i).asDouble()
                        : point.path("max").asDouble();
                return Math.min(upper, point.path("max").asDouble(upper));
            }
        }
        return point.path("max").asDouble();
    }
}
