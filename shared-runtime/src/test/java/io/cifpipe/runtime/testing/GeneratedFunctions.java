package io.cifpipe.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The function.json files azure-functions-maven-plugin generated for an app (package phase), by function name.
 * Each app's binding test reads them so a wrong annotation fails the build.
 */
public final class GeneratedFunctions {
    private GeneratedFunctions() {}

    /** Reads {@code <appDir>/*}{@code /function.json}; fails if the app folder has no host.json. */
    public static Map<String, JsonNode> load(Path dir) throws IOException {
        if (!Files.exists(dir.resolve("host.json"))) {
            throw new AssertionError(dir.resolve("host.json") + " missing: the app was not packaged (mvn package)");
        }
        Map<String, JsonNode> functions = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path json : entries.map(d -> d.resolve("function.json")).filter(Files::exists).toList()) {
                functions.put(json.getParent().getFileName().toString(), Json.mapper().readTree(json.toFile()));
            }
        }
        return functions;
    }
}
