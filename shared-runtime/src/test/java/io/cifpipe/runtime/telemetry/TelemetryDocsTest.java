package io.cifpipe.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/telemetry.md names exactly the spans, metrics and attributes the code emits. */
class TelemetryDocsTest {
    static final Path DOC = Path.of("..", "docs", "telemetry.md");
    static final Pattern FIRST_CELL = Pattern.compile("^\\| `(cifpipe\\.[a-z0-9._]+)` \\|", Pattern.MULTILINE);

    @Test
    void theSpanTableListsEverySpan() throws IOException {
        assertThat(firstColumn(section("## Spans"))).containsExactlyElementsOf(TelemetryNames.SPANS);
    }

    @Test
    void theMetricTableListsEveryMetric() throws IOException {
        assertThat(firstColumn(section("## Metrics"))).containsExactlyElementsOf(TelemetryNames.METRICS);
    }

    @Test
    void everyAttributeIsDocumented() throws IOException {
        String metrics = section("## Metrics");
        int at = metrics.indexOf("Attributes used:");
        assertThat(at).isPositive();
        Set<String> listed = new LinkedHashSet<>();
        Matcher m = Pattern.compile("`(cifpipe\\.[a-z0-9._]+)`").matcher(metrics.substring(at));
        while (m.find()) listed.add(m.group(1));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(TelemetryNames.ATTRIBUTES);
    }

    private static String section(String heading) throws IOException {
        String text = Files.readString(DOC);
        int start = text.indexOf(heading + "\n");
        assertThat(start).as(heading).isNotNegative();
        int end = text.indexOf("\n## ", start + heading.length());
        return text.substring(start, end < 0 ? text.length() : end);
    }

    private static List<String> firstColumn(String section) {
        List<String> names = new java.util.ArrayList<>();
        Matcher m = FIRST_CELL.matcher(section);
        while (m.find()) names.add(m.group(1));
        return names;
    }
}
