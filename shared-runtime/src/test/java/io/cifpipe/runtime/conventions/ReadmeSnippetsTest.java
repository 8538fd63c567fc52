package io.cifpipe.runtime.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Java in the repository's READMEs is compiled: each ```java block sits between {@code <!-- snippet: Name -->} and
 * {@code <!-- /snippet -->} and must equal the region {@code // snippet:start Name} … {@code // snippet:end} of a
 * Java source that its module's build compiles (examples live in test sources). A bare ```java block fails.
 * After editing an example, refresh the READMEs with
 * {@code mvn -pl shared-runtime test -Dtest=ReadmeSnippetsTest -Dsnippets.update=true} (or {@code ./dev snippets}).
 */
class ReadmeSnippetsTest {
    private static final Pattern BLOCK =
            Pattern.compile("<!-- snippet: (\\w+) -->\\n(.*?)<!-- /snippet -->", Pattern.DOTALL);
    private static final Pattern REGION = Pattern.compile(
            "\\n([ \\t]*)// snippet:start (\\w+)[ \\t]*\\n(.*?)\\n[ \\t]*// snippet:end", Pattern.DOTALL);

    @Test
    void javaSnippetsInReadmesAreTheCompiledExamples() throws IOException {
        Path root = repoRoot();
        Map<String, String> regions = regions(root);
        boolean update = Boolean.getBoolean("snippets.update");
        List<String> problems = new ArrayList<>();
        for (Path readme : files(root, p -> p.getFileName().toString().equals("README.md"))) {
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            String rel = root.relativize(readme).toString();
            Matcher m = BLOCK.matcher(text);
            StringBuilder rewritten = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String code = regions.get(name);
                if (code == null) {
                    problems.add(rel + ": snippet '" + name + "' has no '// snippet:start " + name
                            + "' region in any Java source");
                    m.appendReplacement(rewritten, Matcher.quoteReplacement(m.group()));
                    continue;
                }
                String expected = "```java\n" + code + "\n```\n";
                if (!m.group(2).equals(expected)) {
                    problems.add(rel + ": snippet '" + name + "' differs from its compiled source");
                }
                m.appendReplacement(
                        rewritten,
                        Matcher.quoteReplacement("<!-- snippet: " + name + " -->\n" + expected + "<!-- /snippet -->"));
            }
            m.appendTail(rewritten);
            String outside = BLOCK.matcher(text).replaceAll("");
            if (outside.contains("```java")) {
                problems.add(
                        rel
                                + ": a ```java block outside <!-- snippet: … --> markers is not compiled; move it into an example source");
            }
            if (update && !rewritten.toString().equals(text)) {
                Files.writeString(readme, rewritten.toString(), StandardCharsets.UTF_8);
            }
        }
        if (update) {
            problems.removeIf(p -> p.endsWith("differs from its compiled source"));
        }
        assertThat(problems)
                .as("README snippets (refresh with -Dsnippets.update=true)")
                .isEmpty();
    }

    private static Map<String, String> regions(Path root) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (Path src :
                files(root, p -> p.toString().endsWith(".java") && p.toString().contains("/src/"))) {
            String text = Files.readString(src, StandardCharsets.UTF_8);
            if (!text.contains("// snippet:start")) {
                continue;
            }
            Matcher m = REGION.matcher(text);
            while (m.find()) {
                String indent = m.group(1);
                String body = m.group(3)
                        .lines()
                        .map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l.strip())
                        .reduce((a, b) -> a + "\n" + b)
                        .orElse("");
                if (out.put(m.group(2), body) != null) {
                    throw new IllegalStateException(
                            "snippet '" + m.group(2) + "' is defined twice (second in " + src + ")");
                }
            }
        }
        return out;
    }

    private static List<Path> files(Path root, java.util.function.Predicate<Path> wanted) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> {
                        String r = root.relativize(p).toString();
                        return !r.contains("node_modules")
                                && !r.contains("/target/")
                                && !r.startsWith("target/")
                                && !r.startsWith(".")
                                && !r.contains("/.");
                    })
                    .filter(Files::isRegularFile)
                    .filter(wanted)
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The checkout root: the nearest ancestor holding the {@code dev} script and the parent pom. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isRegularFile(p.resolve("dev")) && Files.isRegularFile(p.resolve("pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root (with ./dev and pom.xml) not found above "
                    + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
