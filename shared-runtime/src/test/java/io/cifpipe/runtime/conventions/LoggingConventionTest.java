package io.cifpipe.runtime.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One logging path in the Functions apps and shared-runtime: SLF4J ({@code LoggerFactory.getLogger(X.class)}).
 * {@code ExecutionContext.getLogger()} and {@code java.util.logging} would be a second path with its own levels and
 * format.
 */
class LoggingConventionTest {
    private static final Pattern SECOND_PATH = Pattern.compile("\\.getLogger\\(\\)|import java\\.util\\.logging\\.");

    @Test
    void appsLogThroughSlf4jOnly() throws IOException {
        Path root = ReadmeSnippetsTest.repoRoot();
        List<String> offenders = new ArrayList<>();
        for (String module :
                List.of("functions-ingress", "functions-dispatch", "functions-presence", "shared-runtime")) {
            Path src = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        if (SECOND_PATH.matcher(lines.get(i)).find()) {
                            offenders.add(root.relativize(f) + ":" + (i + 1) + ": "
                                    + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        assertThat(offenders)
                .as("use an SLF4J Logger (LoggerFactory.getLogger(X.class))")
                .isEmpty();
    }
}
