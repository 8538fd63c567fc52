package io.cifpipe.bench.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scenario written by {@link Report} reads back as the same scenario: what a child bench JVM hands its parent. */
class ResultsReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsBackWhatTheReportWrote() throws Exception {
        Histogram h = new Histogram(3);
        for (long v = 1; v <= 1000; v++) {
            h.recordValue(v * 37);
        }
        ScenarioResult written = new ScenarioResult("popup", "call → popup")
                .parameter("agents", 1000)
                .parameter("benchJvmJit", "C1 only")
                .figure("calls sent", 2000, "count")
                .figure("a ratio with no data", Double.NaN, "x")
                .latency("pipeline", "pipeline, all clients", h)
                .note("a note")
                .summary("pipeline_p99_ms", 29.5)
                .summary("lost", 0)
                .summary("marginal", Double.NaN)
                .summary("by_process", Map.of("dispatch", 7279.3));
        ScenarioResult other = new ScenarioResult("sb", "brokers").unavailable("no Artemis here");
        new Report(new RunInfo("20261207-000000", "abc", "m", "bench", "all-19"), List.of(written, other))
                .write(dir, new PrintStream(new ByteArrayOutputStream()));

        List<ScenarioResult> read = ResultsReader.read(dir.resolve("results.json"));

        assertThat(read).hasSize(2);
        ScenarioResult r = read.get(0);
        assertThat(r.scenario()).isEqualTo("popup");
        assertThat(r.title()).isEqualTo("call → popup");
        assertThat(r.parameters()).containsEntry("agents", 1000).containsEntry("benchJvmJit", "C1 only");
        assertThat(r.figureValue("calls sent")).isEqualTo(2000);
        assertThat(r.figureValue("a ratio with no data")).isNaN();
        assertThat(r.figures()).extracting(ScenarioResult.Figure::unit).containsExactly("count", "x");
        Histogram back = r.latencyOf("pipeline, all clients");
        assertThat(back.getTotalCount()).isEqualTo(1000);
        assertThat(back.getValueAtPercentile(99)).isEqualTo(h.getValueAtPercentile(99));
        assertThat(r.latencies().get(0).plot()).isEqualTo("pipeline");
        assertThat(r.notes()).containsExactly("a note");
        assertThat(r.summary())
                .containsEntry("pipeline_p99_ms", 29.5)
                .containsEntry("lost", 0)
                .containsEntry("marginal", null)
                .containsEntry("by_process", Map.of("dispatch", 7279.3));
        assertThat(read.get(1).isUnavailable()).isTrue();
        assertThat(read.get(1).unavailableReason()).isEqualTo("no Artemis here");
        assertThat(read.get(1).summary()).isEmpty();
    }
}
