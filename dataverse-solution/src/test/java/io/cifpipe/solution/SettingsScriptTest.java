package io.cifpipe.solution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** settings.js reads exactly the variables the solution defines, into the keys the enum names. */
class SettingsScriptTest {
    private static final Path SETTINGS =
            Path.of(System.getProperty("solution.repoRoot", ".."), "client/webresource/settings.js");

    @Test
    void settingsScriptMapsEveryVariableOfTheSolution() throws IOException {
        String js = Files.readString(SETTINGS);
        Matcher block =
                Pattern.compile("var VARIABLES = \\{(.*?)\\};", Pattern.DOTALL).matcher(js);
        assertThat(block.find()).as("VARIABLES block in settings.js").isTrue();
        Map<String, String> inScript = new LinkedHashMap<>();
        Matcher row =
                Pattern.compile("(cifpipe_\\w+): \\[\"(\\w+)\", \"(\\w+)\"]").matcher(block.group(1));
        while (row.find()) {
            inScript.put(row.group(1), row.group(2) + ":" + row.group(3));
        }
        Map<String, String> inSolution = Arrays.stream(EnvironmentVariable.values())
                .collect(Collectors.toMap(
                        EnvironmentVariable::schemaName,
                        v -> v.clientKey() + ":" + kind(v),
                        (a, b) -> a,
                        LinkedHashMap::new));
        assertThat(inScript).isEqualTo(inSolution);

        Matcher required = Pattern.compile("var REQUIRED = \\[(.*?)];").matcher(js);
        assertThat(required.find()).isTrue();
        String want = Arrays.stream(EnvironmentVariable.values())
                .filter(EnvironmentVariable::required)
                .map(v -> "\"" + v.schemaName() + "\"")
                .collect(Collectors.joining(", "));
        assertThat(required.group(1)).isEqualTo(want);
    }

    private static String kind(EnvironmentVariable v) {
        return switch (v.type()) {
            case JSON -> "json";
            case BOOLEAN -> "boolean";
            default -> "string";
        };
    }
}
