package io.cifpipe.devstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.model.Setting;
import io.cifpipe.model.Setting.App;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Generates each Functions app's settings from the one list of keys ({@link Setting}) and the running
 * stack's endpoints, and writes them as {@code local.settings.<app>.json} samples (Functions Core Tools format).
 */
public final class AppSettings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AppSettings() {}

    /**
     * @param serviceBusConnection the emulator's connection string (known once it is listening)
     * @param signalRConnection    the SignalR emulator's connection string
     */
    public static Map<String, String> forApp(
            App app, StackConfig config, String serviceBusConnection, String signalRConnection) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("FUNCTIONS_WORKER_RUNTIME", "java");
        values.put("AzureWebJobsStorage", config.tablesConnectionString());
        for (Setting s : Setting.forApp(app)) {
            valueFor(s, config, serviceBusConnection, signalRConnection).ifPresent(v -> values.put(s.key(), v));
        }
        return values;
    }

    private static Optional<String> valueFor(Setting s, StackConfig config, String sb, String signalR) {
        return switch (s) {
            case SERVICE_BUS_CONNECTION -> Optional.of(sb);
            case TABLES_CONNECTION -> Optional.of(config.tablesConnectionString());
            case SIGNALR_CONNECTION -> Optional.of(signalR);
            case AUTHORITY -> Optional.of(config.entraIssuer());
            case TENANT_ID -> Optional.of(DemoIdentities.TENANT_ID);
            case CLIENT_ID -> Optional.of(DemoIdentities.API_CLIENT_ID);
            case AUDIENCE -> Optional.of(DemoIdentities.API_AUDIENCE);
            case ALLOWED_ORIGINS -> Optional.of(config.webOrigin());
            // No Application Insights locally: leaving it unset keeps telemetry off.
            case APPLICATION_INSIGHTS -> Optional.empty();
            default -> s.defaultValue();
        };
    }

    /** Writes {@code .devstack/local.settings.<app>.json} with the Values and the app's local port. */
    public static Path writeSample(App app, int port, Map<String, String> values, StackConfig config) {
        ObjectNode root = JSON.createObjectNode();
        root.put("IsEncrypted", false);
        ObjectNode v = root.putObject("Values");
        values.forEach(v::put);
        ObjectNode host = root.putObject("Host");
        host.put("LocalHttpPort", port);
        // No Host.CORS: presence applies AllowedOrigins itself; a host-level list would answer preflights first.
        Path file = config.stateDir().resolve("local.settings." + app.name().toLowerCase(Locale.ROOT) + ".json");
        try {
            Files.createDirectories(config.stateDir());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
            return file;
        } catch (IOException e) {
            throw new StackException("Cannot write " + file + ": " + e.getMessage(), "Check .devstack is writable.", e);
        }
    }
}
