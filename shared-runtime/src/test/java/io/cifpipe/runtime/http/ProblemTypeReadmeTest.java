package io.cifpipe.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.validation.ProblemType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The client-facing table in shared-runtime/README.md and the {@link ProblemType} enum list the same types. */
class ProblemTypeReadmeTest {
    private static final Pattern ROW =
            Pattern.compile("^\\| `(urn:cifpipe:problem:[a-z-]+)` \\| (\\d{3}) \\| ([^|]+) \\|");

    @Test
    void readmeTableMatchesTheEnum() throws Exception {
        Set<String> documented = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                documented.add(m.group(1) + " " + m.group(2) + " " + m.group(3).trim());
            }
        }
        Set<String> declared = Arrays.stream(ProblemType.values())
                .map(t -> t.uri() + " " + t.status() + " " + t.title())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void slugsAreUniqueAndRoundTrip() {
        for (ProblemType t : ProblemType.values()) {
            assertThat(ProblemType.fromUri(t.uri())).contains(t);
            assertThat(t.slug()).matches("[a-z]+(-[a-z]+)*");
        }
        assertThat(Arrays.stream(ProblemType.values()).map(ProblemType::slug).distinct())
                .hasSize(ProblemType.values().length);
        assertThat(ProblemType.fromUri("urn:cifpipe:problem:forbidden")).isEmpty();
        assertThat(ProblemType.fromUri("about:blank")).isEmpty();
    }
}
