package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.AppSettings;
import io.cifpipe.devstack.StackConfig;
import io.cifpipe.devstack.StackException;
import io.cifpipe.harness.parts.FunctionsAppPart;
import io.cifpipe.host.FunctionsHost;
import io.cifpipe.host.LocalTelemetry;
import io.cifpipe.model.Names;
import io.cifpipe.model.Setting.App;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The three Functions apps, each a harness {@link FunctionsAppPart} on its own local Functions host and port (like
 * three Azure apps), from their azure-functions-maven-plugin output, with generated settings (also written as
 * local.settings samples). Each host runs its app in a child JVM whose environment is the app settings, as in Azure;
 * functions that fail to index are reported ({@link #problems()}) while the others serve.
 */
public final class FunctionsPart implements StackPart {

    /** One Functions app: Maven module, app name (target/azure-functions/&lt;name&gt;), port, settings scope, key. */
    public record AppSpec(App app, String module, String appName, int port, String functionKey) {}

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final StackConfig config;
    private final String serviceBusConnection;
    private final String signalRConnection;
    private final List<AppSpec> apps;
    private final boolean inProcess;
    private final Map<AppSpec, FunctionsAppPart> hosts = new LinkedHashMap<>();

    public FunctionsPart(StackConfig config, String serviceBusConnection, String signalRConnection) {
        this(config, serviceBusConnection, signalRConnection, false);
    }

    /** @param inProcess run the apps inside this JVM (tests: faster; function code then sees this JVM's environment) */
    public FunctionsPart(StackConfig config, String serviceBusConnection, String signalRConnection, boolean inProcess) {
        this.config = config;
        this.serviceBusConnection = serviceBusConnection;
        this.signalRConnection = signalRConnection;
        this.inProcess = inProcess;
        var k = config.keys();
        var p = config.ports();
        this.apps = List.of(
                new AppSpec(App.INGRESS, "functions-ingress", "cifpipe-ingress", p.ingress(), k.ingressFunctionKey()),
                new AppSpec(
                        App.DISPATCH, "functions-dispatch", "cifpipe-dispatch", p.dispatch(), k.dispatchFunctionKey()),
                new AppSpec(
                        App.PRESENCE, "functions-presence", "cifpipe-presence", p.presence(), k.presenceFunctionKey()));
    }

    @Override
    public String name() {
        return "Functions host (3 apps)";
    }

    public List<AppSpec> apps() {
        return apps;
    }

    @Override
    public void start() throws Exception {
        List<String> missing = new ArrayList<>();
        for (AppSpec a : apps) {
            if (!Files.isDirectory(dir(a))) {
                missing.add(config.root().relativize(dir(a)).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new StackException(
                    "Functions app build output missing: " + String.join(", ", missing) + ".",
                    "Run 'mvn -B install -DskipTests' at the repository root (or './dev up', which builds when needed).");
        }
        for (AppSpec a : apps) {
            Map<String, String> settings = AppSettings.forApp(a.app(), config, serviceBusConnection, signalRConnection);
            AppSettings.writeSample(a.app(), a.port(), settings, config);
            FunctionsAppPart part = new FunctionsAppPart(a.appName(), () -> hostBuilder(a, settings), marker(a))
                    .keepingFailedFunctions();
            hosts.put(a, part);
            part.start();
        }
    }

    private FunctionsHost.Builder hostBuilder(AppSpec a, Map<String, String> settings) {
        return FunctionsHost.builder()
                .appName(a.appName())
                .appDirectory(dir(a))
                .port(a.port())
                .settings(settings)
                .masterKey(config.keys().masterKey())
                .hostKeys(Map.of("default", a.functionKey()))
                // No host-level CORS: presence answers CORS itself from AllowedOrigins (as on Azure, where the
                // platform CORS list must stay empty); the pages reach ingress through the same-origin proxy.
                .inProcess(inProcess)
                // Child JVMs export spans/metrics under .devstack/telemetry (read by GET /api/state/metrics); the
                // app property names the child JVM for the harness part's kill.
                .jvmOptions(List.of("-D" + LocalTelemetry.DIR_PROPERTY + "=" + config.telemetryDir(), marker(a)));
    }

    private static String marker(AppSpec a) {
        return "-Dcifpipe.devstack.app=" + a.appName();
    }

    /** Functions that failed to index or start, per app ("" when all run); shown next to the progress line. */
    public String problems() {
        return hosts.entrySet().stream()
                .filter(e -> e.getValue().answers()
                        && !e.getValue().host().functionErrors().isEmpty())
                .map(e -> e.getKey().appName() + ": " + e.getValue().host().functionErrors())
                .collect(Collectors.joining("; "));
    }

    public Map<String, List<String>> functionsByApp() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        hosts.forEach((a, h) -> m.put(a.appName(), h.answers() ? h.host().functions() : List.of()));
        return m;
    }

    private Path dir(AppSpec a) {
        return config.appDir(a.module(), a.appName());
    }

    /** Each host answers its admin status endpoint (master key), like Azure's /admin/host/status. */
    @Override
    public boolean answers() {
        if (hosts.size() != apps.size()) {
            return false;
        }
        for (AppSpec a : apps) {
            try {
                HttpRequest req = HttpRequest.newBuilder(
                                URI.create(config.functionsBaseUrl(a.port()) + "/admin/host/status"))
                        .header(Names.FUNCTION_KEY_HEADER, config.keys().masterKey())
                        .timeout(Duration.ofSeconds(3))
                        .GET()
                        .build();
                if (HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    return false;
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (AppSpec a : apps) {
            rows.add(new Row(a.appName(), config.functionsBaseUrl(a.port()) + "/api"));
        }
        return rows;
    }

    @Override
    public void close() {
        List<FunctionsAppPart> reverse = new ArrayList<>(hosts.values());
        java.util.Collections.reverse(reverse);
        reverse.forEach(FunctionsAppPart::stop);
        hosts.clear();
    }
}
