package io.cifpipe.bench.core;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Reads the scenarios of a {@code results.json} that {@link Report} wrote back into {@link ScenarioResult}s, raw
 * histograms included, so a scenario run in a child JVM joins its parent's report as if it had run there.
 */
public final class ResultsReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private ResultsReader() {}

    public static List<ScenarioResult> read(Path resultsJson) throws IOException {
        JsonNode root = JSON.readTree(resultsJson.toFile());
        JsonNode summaries = root.path("summaries");
        List<ScenarioResult> out = new ArrayList<>();
        for (JsonNode s : root.path("scenarios")) {
            out.add(scenario(s, summaries.path(s.path("scenario").asText())));
        }
        return out;
    }

    private static ScenarioResult scenario(JsonNode s, JsonNode summary) throws IOException {
        ScenarioResult r =
                new ScenarioResult(s.path("scenario").asText(), s.path("title").asText());
        if (!s.path("available").asBoolean(true)) {
            r.unavailable(s.path("unavailableReason").asText());
        }
        JSON.convertValue(s.path("parameters"), MAP).forEach(r::parameter);
        for (JsonNode f : s.path("figures")) {
            JsonNode v = f.path("value");
            // Report writes NaN as the string "NaN" (JSON has no NaN)
            r.figure(
                    f.path("name").asText(),
                    v.isNumber() ? v.asDouble() : Double.NaN,
                    f.path("unit").asText());
        }
        for (JsonNode l : s.path("latencies")) {
            r.latency(l.path("plot").asText(), l.path("label").asText(), histogram(l.path("hdrHistogramBase64")));
        }
        s.path("notes").forEach(n -> r.note(n.asText()));
        if (summary.isObject()) {
            Map<String, Object> keys = JSON.convertValue(summary, MAP);
            keys.forEach(r::summary);
        }
        return r;
    }

    private static Histogram histogram(JsonNode base64) throws IOException {
        try {
            return Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(base64.asText())), 0);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IOException("unreadable hdrHistogramBase64 in results.json", e);
        }
    }
}
