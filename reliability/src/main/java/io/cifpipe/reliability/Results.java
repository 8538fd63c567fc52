package io.cifpipe.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-class tally of what the suite tried (cases, passed, accepted events lost), rendered as the summary table.
 * A case counts as passed only when its assertions held: callers record the pass after asserting.
 */
public final class Results {
    private static final Map<String, long[]> ROWS = new LinkedHashMap<>();

    private Results() {}

    /** One case of {@code category} was tried; call {@link #passed} after its assertions held. */
    public static synchronized void tried(String category) {
        ROWS.computeIfAbsent(category, k -> new long[3])[0]++;
    }

    public static synchronized void passed(String category) {
        ROWS.computeIfAbsent(category, k -> new long[3])[1]++;
    }

    /** Adds accepted-but-unaccounted events found by the invariant checker (the bar is 0). */
    public static synchronized void lost(String category, long events) {
        ROWS.computeIfAbsent(category, k -> new long[3])[2] += events;
    }

    /** Adds a batch of cases at once (a fault run: its accepted events, those settled correctly, those lost). */
    public static synchronized void add(String category, long tried, long passed, long lost) {
        long[] row = ROWS.computeIfAbsent(category, k -> new long[3]);
        row[0] += tried;
        row[1] += passed;
        row[2] += lost;
    }

    public static synchronized Map<String, long[]> snapshot() {
        Map<String, long[]> copy = new LinkedHashMap<>();
        ROWS.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    public static synchronized String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| fault / input class | cases tried | passed | events lost |\n");
        b.append("|---|---:|---:|---:|\n");
        long[] total = new long[3];
        ROWS.forEach((k, v) -> {
            b.append("| ")
                    .append(k)
                    .append(" | ")
                    .append(v[0])
                    .append(" | ")
                    .append(v[1])
                    .append(" | ")
                    .append(v[2])
                    .append(" |\n");
            for (int i = 0; i < 3; i++) total[i] += v[i];
        });
        b.append("| **total** | **")
                .append(total[0])
                .append("** | **")
                .append(total[1])
                .append("** | **")
                .append(total[2])
                .append("** |\n");
        return b.toString();
    }

    public static void write(Path file, String header) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, header + markdown(), StandardCharsets.UTF_8);
    }
}
