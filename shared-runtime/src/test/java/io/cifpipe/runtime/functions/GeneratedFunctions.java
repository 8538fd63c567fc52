package io.cifpipe.runtime.functions;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
            for (Path json : entries.map(d -> d.resolve("function.json"))
                    .filter(Files::exists)
                    .toList()) {
                functions.put(
                        json.getParent().getFileName().toString(), Json.mapper().readTree(json.toFile()));
            }
        }
        return functions;
    }

    /**
     * Binding types the Java worker runs on every plan in infra/ (Flex Consumption and Elastic Premium) and that our
     * apps may use: HTTP, Service Bus and timer triggers and the HTTP response. Not here on purpose:
     * {@code signalRTrigger} ("isn't currently supported for Java", SignalR trigger reference; Flex Consumption also
     * listed SignalR triggers as unsupported) and every other input/output binding (the apps call the SDKs).
     */
    public static final Set<String> SUPPORTED_BINDING_TYPES =
            Set.of("httpTrigger", "http", "serviceBusTrigger", "serviceBus", "timerTrigger");

    /** Every binding of every function, {@code function: type} for those outside {@link #SUPPORTED_BINDING_TYPES}. */
    public static List<String> unsupportedBindings(Map<String, JsonNode> functions) {
        List<String> out = new ArrayList<>();
        functions.forEach((name, f) -> {
            JsonNode bindings = f.path("bindings");
            if (!bindings.isArray() || bindings.isEmpty()) {
                out.add(name + ": no bindings");
            }
            bindings.forEach(b -> {
                String type = b.path("type").asText("");
                if (!SUPPORTED_BINDING_TYPES.contains(type)) {
                    out.add(name + ": " + type);
                }
            });
        });
        return out;
    }
}
