package io.cifpipe.bench.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** Writes a run's results: a plain-text table (stdout), results.json, report.html (inline SVG plots). */
public final class Report {
    static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    private final RunInfo run;
    private final List<ScenarioResult> results;

    public Report(RunInfo run, List<ScenarioResult> results) {
        this.run = run;
        this.results = results;
    }

    // ---------------------------------------------------------------- table

    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT, "%nbench run %s  commit %s  %s%n", run.timestamp(), run.commit(), run.machine()));
        for (ScenarioResult r : results) {
            sb.append(String.format(Locale.ROOT, "%n== %s: %s%n", r.scenario(), r.title()));
            if (r.isUnavailable()) {
                sb.append("   NOT AVAILABLE: ").append(r.unavailableReason()).append('\n');
                continue;
            }
            sb.append("   parameters: ").append(r.parameters()).append('\n');
            if (!r.latencies().isEmpty()) {
                sb.append(String.format(
                        Locale.ROOT,
                        "   %-44s %9s %9s %9s %9s %9s %9s%n",
                        "latency (ms)",
                        "count",
                        "p50",
                        "p90",
                        "p99",
                        "p99.9",
                        "max"));
                for (ScenarioResult.Series s : r.latencies()) {
                    Histogram h = s.histogram();
                    sb.append(String.format(
                            Locale.ROOT,
                            "   %-44s %9d %9s %9s %9s %9s %9s%n",
                            s.label(),
                            h.getTotalCount(),
                            ms(h, 50),
                            ms(h, 90),
                            ms(h, 99),
                            ms(h, 99.9),
                            h.getTotalCount() == 0 ? "-" : fmt(h.getMaxValue() / 1000.0)));
                }
            }
            for (ScenarioResult.Figure f : r.figures()) {
                sb.append(String.format(Locale.ROOT, "   %-44s %12s %s%n", f.name(), fmt(f.value()), f.unit()));
            }
            for (String n : r.notes()) {
                sb.append("   note: ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    private static String ms(Histogram h, double p) {
        return h.getTotalCount() == 0 ? "-" : fmt(h.getValueAtPercentile(p) / 1000.0);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v); // counts and round values: no spurious decimals
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    // ---------------------------------------------------------------- files

    /** Writes results.json, report.html and summary.txt into {@code dir}; prints the table to {@code out}. */
    public void write(Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        String table = table();
        out.print(table);
        Files.writeString(dir.resolve("summary.txt"), table, StandardCharsets.UTF_8);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        mapper.writeValue(dir.resolve("results.json").toFile(), json());
        Files.writeString(dir.resolve("report.html"), html(), StandardCharsets.UTF_8);
        out.println("\nreport: " + dir.resolve("report.html").toAbsolutePath());
        out.println(dir.toAbsolutePath()); // last line: the result folder, for tools that run ./dev bench
    }

    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("timestamp", run.timestamp());
        root.put("commit", run.commit());
        root.put("machine", run.machine());
        root.put("command", run.command());
        root.put("summary", summary());
        Map<String, Object> summaries = new LinkedHashMap<>();
        for (ScenarioResult r : results) {
            if (!r.summary().isEmpty()) {
                summaries.put(r.scenario(), r.summary());
            }
        }
        root.put("summaries", summaries);
        List<Object> scenarios = new ArrayList<>();
        for (ScenarioResult r : results) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("scenario", r.scenario());
            s.put("title", r.title());
            s.put("available", !r.isUnavailable());
            if (r.isUnavailable()) {
                s.put("unavailableReason", r.unavailableReason());
            }
            s.put("parameters", r.parameters());
            List<Object> figures = new ArrayList<>();
            for (ScenarioResult.Figure f : r.figures()) {
                figures.add(Map.of(
                        "name", f.name(), "value", Double.isNaN(f.value()) ? "NaN" : f.value(), "unit", f.unit()));
            }
            s.put("figures", figures);
            List<Object> lat = new ArrayList<>();
            for (ScenarioResult.Series series : r.latencies()) {
                Histogram h = series.histogram();
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("plot", series.plot());
                l.put("label", series.label());
                l.put("unit", "us");
                l.put("count", h.getTotalCount());
                if (h.getTotalCount() > 0) {
                    l.put("min", h.getMinValue());
                    l.put("mean", h.getMean());
                    for (double p : PERCENTILES) {
                        l.put(
                                "p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)),
                                h.getValueAtPercentile(p));
                    }
                    l.put("max", h.getMaxValue());
                }
                l.put("hdrHistogramBase64", encode(h));
                lat.add(l);
            }
            s.put("latencies", lat);
            s.put("notes", r.notes());
            scenarios.add(s);
        }
        root.put("scenarios", scenarios);
        return root;
    }

    /**
     * The run's one summary object: the scenario's own when one ran; for a run of several, their keys merged in run
     * order (the first scenario that reports a key wins, so popup's latencies are not overwritten by the latency
     * model's) with {@code scenario} naming the run. Each scenario's own summary is under {@code summaries}.
     */
    Map<String, Object> summary() {
        Map<String, Object> merged = new LinkedHashMap<>();
        List<ScenarioResult> with =
                results.stream().filter(r -> !r.summary().isEmpty()).toList();
        if (with.size() != 1) {
            merged.put("scenario", run.name());
        }
        for (ScenarioResult r : with) {
            r.summary().forEach(merged::putIfAbsent);
        }
        return merged;
    }

    /** HdrHistogram's compressed V2 encoding, so the raw distribution can be re-read with HdrHistogram tools. */
    private static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(buf);
        byte[] bytes = new byte[len];
        buf.flip();
        buf.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    String html() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>bench ")
                .append(esc(run.timestamp()))
                .append(
                        "</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:.5em 0}"
                                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
                                + ".na{color:#a00;font-weight:bold}.note{color:#444}</style></head><body>");
        sb.append("<h1>Benchmark run ")
                .append(esc(run.timestamp()))
                .append("</h1><p>commit <code>")
                .append(esc(run.commit()))
                .append("</code><br>")
                .append(esc(run.machine()))
                .append("<br>command: <code>")
                .append(esc(run.command()))
                .append(
                        "</code></p><p>Latencies are measured from the <em>intended</em> send time of an open-loop, fixed-rate"
                                + " schedule (coordinated-omission aware). Plots: latency (log scale) by percentile; the x axis spreads the"
                                + " tail (90%, 99%, 99.9%, ...).</p>");
        for (ScenarioResult r : results) {
            sb.append("<h2>")
                    .append(esc(r.scenario()))
                    .append(": ")
                    .append(esc(r.title()))
                    .append("</h2>");
            if (r.isUnavailable()) {
                sb.append("<p class=\"na\">Not available: ")
                        .append(esc(r.unavailableReason()))
                        .append("</p>");
                continue;
            }
            sb.append("<p>parameters: <code>")
                    .append(esc(String.valueOf(r.parameters())))
                    .append("</code></p>");
            if (!r.latencies().isEmpty()) {
                sb.append(
                        "<table><tr><th>latency (ms)</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>");
                for (ScenarioResult.Series s : r.latencies()) {
                    Histogram h = s.histogram();
                    sb.append("<tr><td>")
                            .append(esc(s.label()))
                            .append("</td><td>")
                            .append(h.getTotalCount())
                            .append("</td>");
                    for (double p : PERCENTILES) {
                        sb.append("<td>").append(ms(h, p)).append("</td>");
                    }
                    sb.append("<td>")
                            .append(h.getTotalCount() == 0 ? "-" : fmt(h.getMaxValue() / 1000.0))
                            .append("</td></tr>");
                }
                sb.append("</table>");
            }
            if (!r.figures().isEmpty()) {
                sb.append("<table><tr><th>figure</th><th>value</th><th>unit</th></tr>");
                for (ScenarioResult.Figure f : r.figures()) {
                    sb.append("<tr><td>")
                            .append(esc(f.name()))
                            .append("</td><td>")
                            .append(fmt(f.value()))
                            .append("</td><td>")
                            .append(esc(f.unit()))
                            .append("</td></tr>");
                }
                sb.append("</table>");
            }
            Map<String, List<ScenarioResult.Series>> plots = new LinkedHashMap<>();
            for (ScenarioResult.Series s : r.latencies()) {
                plots.computeIfAbsent(s.plot(), k -> new ArrayList<>()).add(s);
            }
            plots.forEach((title, series) -> sb.append(Svg.percentilePlot(title, series, COLORS)));
            for (String n : r.notes()) {
                sb.append("<p class=\"note\">").append(esc(n)).append("</p>");
            }
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    static String esc(String s) {
        return s == null
                ? ""
                : s.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }

    /** Percentile iteration helper shared with the SVG plot. */
    static List<double[]> percentilePoints(Histogram h) {
        List<double[]> points = new ArrayList<>();
        if (h.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue v : h.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo();
            if (p >= 100.0) {
                p = 100.0 - 100.0 / Math.max(10, h.getTotalCount());
            }
            points.add(new double[] {p, v.getValueIteratedTo() / 1000.0});
        }
        points.add(new double[] {100.0 - 100.0 / Math.max(10, h.getTotalCount()), h.getMaxValue() / 1000.0});
        return points;
    }
}
