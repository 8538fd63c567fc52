package io.cifpipe.harness;

import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.signalr.SignalREmulator;
import io.cifpipe.harness.parts.AzuritePart;
import io.cifpipe.harness.parts.EntraPart;
import io.cifpipe.harness.parts.FunctionsAppPart;
import io.cifpipe.harness.parts.ServiceBusPart;
import io.cifpipe.harness.parts.SignalRPart;
import io.cifpipe.harness.proxy.CountingProxy;
import io.cifpipe.harness.proxy.RequestClass;
import io.cifpipe.host.FunctionsHost;
import io.cifpipe.model.Names;
import io.cifpipe.model.Setting;
import io.cifpipe.testsupport.Azurite;
import io.cifpipe.testsupport.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * The real pipeline on ephemeral loopback ports, built from the harness {@link Part}s, each restartable at the same
 * address: Azurite
 * (on disk), the Service Bus emulator (journal on), the SignalR emulator, mock-oauth2-server as Entra, and the
 * three generated Functions app folders each in its own child JVM (like three Azure apps). Every secret it
 * invents is random per run and listed in {@link #secrets()}, so the log scan can look for them.
 */
public final class Stack implements AutoCloseable {
    public static final String ISSUER_ID = "entra";
    public static final String API_CLIENT_ID = "0a1b2c3d-api0-4000-8000-reliability01";
    public static final String ALLOWED_ORIGIN = "https://org.crm.dynamics.example";
    public static final String HUB = "cifhub";

    /** Which parts to run and how. Short lock duration and ring windows keep fault tests fast. */
    public record Options(
            boolean ingress,
            boolean dispatch,
            boolean presence,
            boolean requireAppToken,
            Duration lockDuration,
            int maxDeliveryCount,
            boolean upstreamProxy,
            boolean countingProxies,
            Map<String, String> appSettings,
            List<String> hostJvmOptions,
            boolean tablesAccessLog) {
        public Options {
            appSettings = Map.copyOf(appSettings);
            hostJvmOptions = List.copyOf(hostJvmOptions);
        }

        public Options(
                boolean ingress,
                boolean dispatch,
                boolean presence,
                boolean requireAppToken,
                Duration lockDuration,
                int maxDeliveryCount) {
            this(
                    ingress,
                    dispatch,
                    presence,
                    requireAppToken,
                    lockDuration,
                    maxDeliveryCount,
                    false,
                    false,
                    Map.of(),
                    List.of(),
                    true);
        }

        public static Options all() {
            return new Options(true, true, true, false, Duration.ofSeconds(5), 10);
        }

        public static Options ingressOnly() {
            return new Options(true, false, false, false, Duration.ofSeconds(5), 10);
        }

        public Options withAppToken() {
            return with(o -> o.requireAppToken = true);
        }

        /** The SignalR upstream goes through an {@link UpstreamProxy} that tests can make slow or failing. */
        public Options withUpstreamProxy() {
            return with(o -> o.upstreamProxy = true);
        }

        /**
         * Each app reaches Table Storage and the SignalR REST API through its own {@link CountingProxy}
         * ({@link #tableProxy(String)}, {@link #signalRProxy(String)}): round trips counted per app, optional
         * added latency. Clients' WebSockets and negotiate URLs still go straight to the SignalR emulator.
         */
        public Options withCountingProxies() {
            return with(o -> o.countingProxies = true);
        }

        /** Every app gets these settings on top of the stack's own (e.g. a timer schedule that stays quiet). */
        public Options withAppSettings(Map<String, String> settings) {
            return with(o -> o.appSettings.putAll(settings));
        }

        /** Extra options for every Functions host JVM, e.g. a flight recording ({@code -XX:StartFlightRecording=…}). */
        public Options withHostJvmOptions(List<String> options) {
            return with(o -> o.hostJvmOptions = List.copyOf(options));
        }

        /**
         * Azurite without its line per request ({@code --silent}): for benchmarks, whose figures should not include a
         * cost Azure's Table service does not have. Tests keep the access log (the secret scan reads it).
         */
        public Options withoutTablesAccessLog() {
            return with(o -> o.tablesAccessLog = false);
        }

        private Options with(Consumer<Draft> change) {
            Draft d = new Draft(this);
            change.accept(d);
            return d.build();
        }

        /** A mutable copy for the {@code with*} methods: each changes one field and builds a new record. */
        private static final class Draft {
            private final Options from;
            private boolean requireAppToken;
            private boolean upstreamProxy;
            private boolean countingProxies;
            private final Map<String, String> appSettings;
            private List<String> hostJvmOptions;
            private boolean tablesAccessLog;

            private Draft(Options from) {
                this.from = from;
                requireAppToken = from.requireAppToken;
                upstreamProxy = from.upstreamProxy;
                countingProxies = from.countingProxies;
                appSettings = new LinkedHashMap<>(from.appSettings);
                hostJvmOptions = from.hostJvmOptions;
                tablesAccessLog = from.tablesAccessLog;
            }

            private Options build() {
                return new Options(
                        from.ingress,
                        from.dispatch,
                        from.presence,
                        requireAppToken,
                        from.lockDuration,
                        from.maxDeliveryCount,
                        upstreamProxy,
                        countingProxies,
                        appSettings,
                        hostJvmOptions,
                        tablesAccessLog);
            }
        }
    }

    private final Options options;
    private final Path root;
    private final Path work;
    private final Path logs;
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final String sbKey = randomKey(32);
    private final String signalRKey = randomKey(33);
    private final String ingressKey = "ik" + urlKey(20);
    private final String dispatchKey = "dk" + urlKey(20);
    private final String presenceKey = "pk" + urlKey(20);
    private final String masterKey = "mk" + urlKey(20);
    private final int sbPort = FreePorts.free();
    private final int signalRPort = FreePorts.free();
    private final int ingressPort = FreePorts.free();
    private final int dispatchPort = FreePorts.free();
    private final int presencePort = FreePorts.free();

    private EntraPart entra;
    private AzuritePart azurite;
    private ServiceBusPart serviceBus;
    private SignalRPart signalR;
    private UpstreamProxy upstreamProxy;
    private final Map<String, FunctionsAppPart> apps = new LinkedHashMap<>();
    private final Route route;
    private final Map<String, CountingProxy> tableProxies = new LinkedHashMap<>();
    private final Map<String, CountingProxy> signalRProxies = new LinkedHashMap<>();

    /**
     * Which port an app is given for a backing service ({@code "tables"}, {@code "servicebus"}, {@code "signalr"}):
     * lets a benchmark put a proxy (e.g. a latency model) between one app and one service. Default: the service itself.
     * With {@link Options#withCountingProxies()} Tables and SignalR REST go through the counting proxies instead (their
     * {@code delay} models latency); only Service Bus is routed then.
     */
    @FunctionalInterface
    public interface Route {
        int port(String app, String service, int servicePort);

        Route DIRECT = (app, service, port) -> port;
    }

    private Stack(Options options, Route route) {
        this.options = options;
        this.route = route;
        this.root = repositoryRoot();
        try {
            this.work = Files.createTempDirectory("reliability-");
            this.logs = root.resolve("reliability/target/reliability-logs");
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        secrets.put("Service Bus SAS key", sbKey);
        secrets.put("SignalR AccessKey", signalRKey);
        secrets.put("ingress function key", ingressKey);
        secrets.put("dispatch host key", dispatchKey);
        secrets.put("presence host key", presenceKey);
        secrets.put("master key", masterKey);
    }

    public static Stack start(Options options) {
        return start(options, Route.DIRECT);
    }

    /** As {@link #start(Options)}, with each app's connection to Tables, Service Bus and SignalR going where {@code route} says. */
    public static Stack start(Options options, Route route) {
        Stack s = new Stack(options, route);
        try {
            s.startAll();
            return s;
        } catch (Exception e) {
            s.close();
            throw new IllegalStateException("stack did not start: " + e, e);
        }
    }

    private void startAll() throws Exception {
        if (options.presence() || options.requireAppToken()) {
            entra = new EntraPart(FreePorts.free());
            entra.start();
        }
        // On disk, so that a restart keeps the tables as the Azure service would; its log is scanned for secrets.
        azurite = new AzuritePart(Azurite.builder()
                .binary(Azurite.binaryUnder(root))
                .location(work.resolve("azurite"))
                .log(logs.resolve("azurite.log"))
                .accessLog(options.tablesAccessLog())
                .build());
        azurite.start();
        secrets.put("Tables connection string", azurite.connectionString());
        // Entities as infra/ Bicep creates them (Topology), with the shorter locks of the options.
        serviceBus = new ServiceBusPart(
                sbPort,
                work.resolve("sb-journal"),
                "RootManageSharedAccessKey",
                sbKey,
                Topology.bicep()
                        .withCallEvents(options.lockDuration(), options.maxDeliveryCount())
                        .withSubscriptionLock(options.lockDuration()));
        serviceBus.start();
        secrets.put("Service Bus connection string", serviceBus.emulator().connectionString());
        if (options.upstreamProxy()) upstreamProxy = new UpstreamProxy(FreePorts.free(), presencePort);
        if (options.dispatch() || options.presence()) {
            int upstreamPort = upstreamProxy != null ? upstreamProxy.port() : presencePort;
            signalR = new SignalRPart(
                    signalRPort,
                    signalRKey,
                    "http://127.0.0.1:" + upstreamPort + "/api/" + Names.SIGNALR_UPSTREAM_ROUTE,
                    ALLOWED_ORIGIN);
            signalR.start();
            secrets.put("SignalR connection string", signalR.emulator().connectionString());
        }
        if (options.countingProxies()) {
            for (String app : List.of("ingress", "dispatch", "presence")) {
                tableProxies.put(app, CountingProxy.start(app + " tables", RequestClass.Service.TABLE, azurite.port()));
                if (signalR != null) {
                    signalRProxies.put(
                            app, CountingProxy.start(app + " signalr", RequestClass.Service.SIGNALR, signalRPort));
                }
            }
        }
        if (options.ingress()) apps.put("ingress", appPart("ingress"));
        if (options.dispatch()) apps.put("dispatch", appPart("dispatch"));
        if (options.presence()) apps.put("presence", appPart("presence"));
        List<CompletableFuture<Void>> starting = new ArrayList<>();
        apps.values().forEach(part -> starting.add(CompletableFuture.runAsync(part::start)));
        CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- Service Bus

    public ServiceBusEmulator serviceBus() {
        return serviceBus.emulator();
    }

    public Options options() {
        return options;
    }

    public synchronized void stopServiceBus() {
        serviceBus.stop();
    }

    /** Same port, same journal: what was accepted before must still be there. */
    public synchronized void restartServiceBus() {
        serviceBus.start();
    }

    /**
     * Restarts the Service Bus emulator (same port and journal) with other call-events lock duration and
     * MaxDeliveryCount, as an operator changing the queue's properties would; the apps reconnect by themselves.
     */
    public synchronized void reconfigureCallEvents(Duration lockDuration, int maxDeliveryCount) {
        serviceBus.reconfigure(serviceBus.topology().withCallEvents(lockDuration, maxDeliveryCount));
    }

    // ---------------------------------------------------------------- SignalR

    public synchronized void startSignalR() {
        signalR.start();
    }

    public SignalREmulator signalR() {
        return signalR == null ? null : signalR.emulator();
    }

    /** The fault-injecting proxy in front of presence's SignalR webhook ({@link Options#withUpstreamProxy()}). */
    public UpstreamProxy upstreamProxy() {
        if (upstreamProxy == null) throw new IllegalStateException("stack started without Options.withUpstreamProxy()");
        return upstreamProxy;
    }

    public synchronized void restartSignalR() {
        signalR.stop();
        signalR.start();
    }

    public synchronized void stopSignalR() {
        signalR.stop();
    }

    // ---------------------------------------------------------------- counting proxies

    /** The proxy between {@code app} and Azurite ({@link Options#withCountingProxies()}). */
    public CountingProxy tableProxy(String app) {
        CountingProxy p = tableProxies.get(app);
        if (p == null) throw new IllegalStateException("stack started without Options.withCountingProxies()");
        return p;
    }

    /** The proxy between {@code app} and the SignalR REST API ({@link Options#withCountingProxies()}). */
    public CountingProxy signalRProxy(String app) {
        CountingProxy p = signalRProxies.get(app);
        if (p == null)
            throw new IllegalStateException("stack started without Options.withCountingProxies() or SignalR");
        return p;
    }

    /** Every counting proxy (empty without {@link Options#withCountingProxies()}). */
    public List<CountingProxy> countingProxies() {
        List<CountingProxy> all = new ArrayList<>(tableProxies.values());
        all.addAll(signalRProxies.values());
        return all;
    }

    // ---------------------------------------------------------------- Azurite

    public String tablesConnectionString() {
        return azurite.connectionString();
    }

    public synchronized void killAzurite() {
        azurite.kill();
    }

    /** SIGTERM: Azurite saves its on-disk data before exiting (kill -9 loses its last unsaved writes). */
    public synchronized void stopAzurite() {
        azurite.stop();
    }

    public synchronized void startAzurite() {
        azurite.start();
    }

    // ---------------------------------------------------------------- Entra

    public Optional<MockOAuth2Server> entra() {
        return Optional.ofNullable(entra).map(EntraPart::server);
    }

    public String issuer() {
        return entra.issuer(ISSUER_ID);
    }

    // ---------------------------------------------------------------- Functions apps

    /** A Functions app part; its settings are computed at each start from the stack's current addresses. */
    private FunctionsAppPart appPart(String app) {
        return new FunctionsAppPart(
                app, () -> hostBuilder(app), work.resolve(app + "-logback.xml").toString());
    }

    private FunctionsHost.Builder hostBuilder(String app) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("FUNCTIONS_WORKER_RUNTIME", "java");
        // Binding expressions (%CallEventsQueue%) need every setting present, defaults included, as devstack does.
        for (Setting s : Setting.values()) s.defaultValue().ifPresent(v -> settings.put(s.key(), v));
        settings.put(
                Setting.SERVICE_BUS_CONNECTION.key(),
                routed(app, "servicebus", serviceBus.emulator().connectionString(), sbPort));
        CountingProxy tables = tableProxies.get(app);
        settings.put(
                Setting.TABLES_CONNECTION.key(),
                tables == null
                        ? routed(app, "tables", azurite.connectionString(), azurite.port())
                        : azurite.connectionString()
                                .replace("127.0.0.1:" + azurite.port() + "/", "127.0.0.1:" + tables.port() + "/"));
        if (signalR != null) {
            CountingProxy rest = signalRProxies.get(app);
            // ServerEndpoint redirects only the REST calls (as in Azure's connection string); clients still connect
            // directly.
            String signalRConnection = signalR.emulator().connectionString();
            settings.put(
                    Setting.SIGNALR_CONNECTION.key(),
                    rest == null
                            ? routed(app, "signalr", signalRConnection, signalRPort)
                            : signalRConnection + "ServerEndpoint=" + rest.url() + ";");
        }
        if (entra != null) {
            settings.put(Setting.AUTHORITY.key(), issuer());
            settings.put(Setting.CLIENT_ID.key(), API_CLIENT_ID);
        }
        settings.put(Setting.ALLOWED_ORIGINS.key(), ALLOWED_ORIGIN);
        settings.put(Setting.INGRESS_REQUIRE_APP_TOKEN.key(), Boolean.toString(options.requireAppToken()));
        settings.put(Setting.OFFLINE_RETRY_SECONDS.key(), "1");
        settings.put(Setting.EXPIRY_SWEEP_SCHEDULE.key(), "*/1 * * * * *");
        settings.put(
                Setting.OUTCOME_REPUBLISH_SCHEDULE.key(), "*/30 * * * * *"); // faster than the Azure default, as above
        settings.putAll(options.appSettings()); // a test's own overrides last
        int port =
                switch (app) {
                    case "ingress" -> ingressPort;
                    case "dispatch" -> dispatchPort;
                    default -> presencePort;
                };
        String key =
                switch (app) {
                    case "ingress" -> ingressKey;
                    case "dispatch" -> dispatchKey;
                    default -> presenceKey;
                };
        FunctionsHost.Builder b = FunctionsHost.builder()
                .appName(app)
                .appDirectory(appDirectory(app))
                .port(port)
                .settings(settings)
                .masterKey(masterKey)
                .hostKeys(Map.of("default", key))
                .jvmOptions(hostJvmOptions(app));
        if (app.equals("ingress")) b.functionKeys(Map.of("postCalls", ingressKey, "getCall", ingressKey));
        return b;
    }

    private List<String> hostJvmOptions(String app) {
        // C1 only: a test or bench lives minutes, in which C2's compilations cost more CPU than they save.
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        jvm.add("-Dlogback.configurationFile=" + logbackFor(app));
        for (String o : options.hostJvmOptions()) jvm.add(o.replace("{app}", app));
        return jvm;
    }

    /** The connection string with its loopback port replaced by the one {@link #route} gives this app. */
    private String routed(String app, String service, String connectionString, int port) {
        int to = route.port(app, service, port);
        return to == port
                ? connectionString
                : connectionString
                        .replace("127.0.0.1:" + port, "127.0.0.1:" + to)
                        .replace("Port=" + port + ";", "Port=" + to + ";");
    }

    private Path appDirectory(String app) {
        Path dir = root.resolve("functions-" + app + "/target/azure-functions/cifpipe-" + app);
        if (!Files.isRegularFile(dir.resolve("host.json"))) {
            throw new IllegalStateException(
                    "Functions app not built: " + dir + " (mvn -pl functions-" + app + " package)");
        }
        return dir;
    }

    /**
     * Each child JVM logs to its own file under target/reliability-logs (scanned for secrets), without the Tables
     * SDK's lines for the 404/409/412 the apps expect (as the host's own logback configuration).
     */
    private Path logbackFor(String app) {
        Path xml = work.resolve(app + "-logback.xml");
        Path file = logs.resolve(app + ".log");
        String content = """
                <configuration>
                  <turboFilter class="io.cifpipe.host.ExpectedTableStatusFilter"/>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file><append>true</append>
                    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level %%logger{30} - %%msg%%n</pattern></encoder>
                  </appender>
                  <logger name="com.azure" level="WARN"/>
                  <logger name="io.netty" level="WARN"/>
                  <logger name="reactor" level="WARN"/>
                  <logger name="io.vertx" level="WARN"/>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(file);
        try {
            Files.writeString(xml, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return xml;
    }

    public FunctionsHost host(String app) {
        return app(app).host();
    }

    private FunctionsAppPart app(String app) {
        FunctionsAppPart part = apps.get(app);
        if (part == null) throw new IllegalStateException(app + " is not part of this stack");
        return part;
    }

    public String url(String app) {
        return "http://127.0.0.1:"
                + switch (app) {
                    case "ingress" -> ingressPort;
                    case "dispatch" -> dispatchPort;
                    default -> presencePort;
                };
    }

    /** kill -9 of the app's child JVM (found among this JVM's own child processes by its logback file). */
    public void killHost(String app) throws InterruptedException {
        app(app).kill();
    }

    public void restartHost(String app) {
        app(app).start();
    }

    public String ingressKey() {
        return ingressKey;
    }

    public String presenceKey() {
        return presenceKey;
    }

    public String signalRAccessKey() {
        return signalRKey;
    }

    /** Every secret this stack invented (name → value), plus those a test adds (tokens it used). */
    public Map<String, String> secrets() {
        synchronized (secrets) {
            return Map.copyOf(secrets);
        }
    }

    public void addSecret(String name, String value) {
        synchronized (secrets) {
            secrets.put(name, value);
        }
    }

    public Path logDirectory() {
        return logs;
    }

    @Override
    public void close() {
        apps.values().forEach(FunctionsAppPart::stop);
        if (signalR != null) signalR.stop();
        if (upstreamProxy != null) upstreamProxy.close();
        countingProxies().forEach(CountingProxy::close);
        if (serviceBus != null) serviceBus.stop();
        if (azurite != null) azurite.close();
        if (entra != null) entra.stop();
    }

    static Path repositoryRoot() {
        String prop = System.getProperty("reliability.root");
        if (prop != null) return Path.of(prop).toAbsolutePath().normalize();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("functions-ingress")) && Files.isDirectory(dir.resolve("local")))
                return dir;
        }
        throw new IllegalStateException("repository root not found (set -Dreliability.root)");
    }

    /** Keys that travel in URLs (?code=) must not need escaping. */
    private static String urlKey(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String randomKey(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
