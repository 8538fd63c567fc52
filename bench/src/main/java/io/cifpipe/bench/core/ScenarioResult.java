package io.cifpipe.bench.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** What one scenario measured: parameters, scalar figures, latency histograms and honest notes. */
public final class ScenarioResult {
    /** A scalar figure, e.g. throughput 1234 msg/s. */
    public record Figure(String name, double value, String unit) {}

    /** A latency distribution in microseconds; {@code plot} groups series that share a chart. */
    public record Series(String plot, String label, Histogram histogram) {}

    private final String scenario;
    private final String title;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<Series> latencies = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> summary = new LinkedHashMap<>();
    private String unavailable;

    public ScenarioResult(String scenario, String title) {
        this.scenario = scenario;
        this.title = title;
    }

    public ScenarioResult parameter(String name, Object value) {
        parameters.put(name, value);
        return this;
    }

    public ScenarioResult figure(String name, double value, String unit) {
        figures.add(new Figure(name, value, unit));
        return this;
    }

    public ScenarioResult latency(String plot, String label, Histogram histogram) {
        latencies.add(new Series(plot, label, histogram));
        return this;
    }

    /**
     * A machine-readable key of results.json's {@code summary} (snake_case names other tools read); NaN and
     * infinities become null (JSON has no NaN), never a made-up number.
     */
    public ScenarioResult summary(String key, Object value) {
        summary.put(key, value instanceof Double d && (d.isNaN() || d.isInfinite()) ? null : value);
        return this;
    }

    public Map<String, Object> summary() {
        return summary;
    }

    public ScenarioResult note(String note) {
        notes.add(note);
        return this;
    }

    /** Marks the scenario as not runnable here (with the reason) instead of reporting made-up figures. */
    public ScenarioResult unavailable(String reason) {
        this.unavailable = reason;
        return this;
    }

    public String scenario() {
        return scenario;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> parameters() {
        return parameters;
    }

    public List<Figure> figures() {
        return figures;
    }

    public List<Series> latencies() {
        return latencies;
    }

    public List<String> notes() {
        return notes;
    }

    public String unavailableReason() {
        return unavailable;
    }

    public boolean isUnavailable() {
        return unavailable != null;
    }

    /** The first figure with that name, or NaN. */
    public double figureValue(String name) {
        return figures.stream()
                .filter(f -> f.name().equals(name))
                .mapToDouble(Figure::value)
                .findFirst()
                .orElse(Double.NaN);
    }

    public Histogram latencyOf(String label) {
        return latencies.stream()
                .filter(s -> s.label().equals(label))
                .map(Series::histogram)
                .findFirst()
                .orElse(null);
    }
}
