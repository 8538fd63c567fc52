package io.cifpipe.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A local stand-in for the Azure Functions host running ONE Functions app (the generated
 * {@code target/azure-functions/<app>/} folder) on one HTTP port, with the app's real {@code @FunctionName}
 * classes loaded from its jars.
 *
 * <p>By default the app runs in its own child JVM whose environment is the app settings, so function
 * code reading {@code System.getenv} sees them exactly as in Azure, and apps are isolated from each other.
 * {@link Builder#inProcess(boolean) inProcess(true)} runs it inside this JVM instead (faster, for tests):
 * then {@code %Setting%} binding expressions use the settings map, but function code's
 * {@code System.getenv} sees only this JVM's environment.
 *
 * <pre>{@code
 * try (FunctionsHost host = FunctionsHost.builder()
 *         .appDirectory(Path.of("functions-ingress/target/azure-functions/cifpipe-ingress"))
 *         .port(7071).settings(Map.of("ServiceBusConnection", sb.connectionString()))
 *         .build()) {
 *     host.start();
 *     ... host.url() ... host.keys().masterKey() ...
 * }
 * }</pre>
 */
public final class FunctionsHost implements AutoCloseable {
    private final Config config;
    private InProcessHost inProcess;
    private ChildProcessHost child;
    private int port = -1;

    /** Everything one host instance needs; also what the parent hands a child JVM. */
    record Config(
            String appName,
            Path appDirectory,
            String bindHost,
            int port,
            Map<String, String> settings,
            HostKeys keys,
            List<String> corsOrigins,
            boolean corsCredentials,
            boolean inProcess,
            List<String> jvmOptions,
            Path childLog) {}

    private FunctionsHost(Config config) {
        this.config = config;
    }

    static FunctionsHost of(Config config) {
        return new FunctionsHost(config);
    }

    /** Command line: see {@link FunctionsHostCli}. */
    public static void main(String[] args) {
        FunctionsHostCli.main(args);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads the app and starts listening; returns when the port is open (child: when the child says so). */
    public synchronized FunctionsHost start() {
        if (port >= 0) throw new IllegalStateException("already started");
        Map<String, String> local = AppDirectory.open(config.appDirectory()).localSettingsValues();
        if (config.inProcess()) {
            inProcess = new InProcessHost(config, Settings.layered(local, System.getenv(), config.settings()));
            port = inProcess.start();
        } else {
            child = new ChildProcessHost(config, childEnvironment(local));
            port = child.start();
        }
        return this;
    }

    /** Parent environment, then local.settings.json Values not already set, then the builder's settings. */
    private Map<String, String> childEnvironment(Map<String, String> local) {
        Map<String, String> env = new LinkedHashMap<>();
        local.forEach(env::put);
        env.putAll(System.getenv());
        env.putAll(config.settings());
        return env;
    }

    public int port() {
        if (port < 0) throw new IllegalStateException("not started");
        return port;
    }

    /** {@code http://<bind host>:<port>} */
    public String url() {
        return "http://" + config.bindHost() + ":" + port();
    }

    public String appName() {
        return config.appName();
    }

    /** The keys callers must present (function/admin levels). */
    public HostKeys keys() {
        return config.keys();
    }

    /** Functions that could not be indexed or started, with the reason (empty when all run). */
    public Map<String, String> functionErrors() {
        if (inProcess != null) return inProcess.app().errors();
        if (child != null) return child.errors();
        return Map.of();
    }

    /** Names of the functions that run. */
    public List<String> functions() {
        if (inProcess != null) return inProcess.app().functionNames();
        if (child != null) return child.functions();
        return List.of();
    }

    @Override
    public synchronized void close() {
        if (inProcess != null) inProcess.close();
        if (child != null) child.close();
    }

    public static final class Builder {
        private String appName;
        private Path appDirectory;
        private String bindHost = "127.0.0.1";
        private int port = 0;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private String masterKey;
        private final Map<String, String> hostKeys = new LinkedHashMap<>();
        private final Map<String, String> functionKeys = new LinkedHashMap<>();
        private final Map<String, String> systemKeys = new LinkedHashMap<>();
        private final List<String> corsOrigins = new ArrayList<>();
        private boolean corsCredentials;
        private boolean inProcess;
        private final List<String> jvmOptions = new ArrayList<>();
        private Path childLog;

        /** Name used in logs; defaults to the app folder's name. */
        public Builder appName(String name) {
            this.appName = name;
            return this;
        }

        /** The generated app folder, e.g. {@code functions-ingress/target/azure-functions/cifpipe-ingress}. */
        public Builder appDirectory(Path dir) {
            this.appDirectory = dir;
            return this;
        }

        public Builder bindHost(String host) {
            this.bindHost = Objects.requireNonNull(host);
            return this;
        }

        /** HTTP port; 0 picks a free one (read it back with {@link FunctionsHost#port()}). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** App settings (highest precedence, above the environment and local.settings.json). */
        public Builder settings(Map<String, String> values) {
            settings.putAll(values);
            return this;
        }

        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** The admin ({@code _master}) key; generated when not set. */
        public Builder masterKey(String key) {
            this.masterKey = key;
            return this;
        }

        /** Host keys by name (valid for every function); default: one generated key "default". */
        public Builder hostKeys(Map<String, String> keys) {
            hostKeys.putAll(keys);
            return this;
        }

        /** Function keys by function name. */
        public Builder functionKeys(Map<String, String> keys) {
            functionKeys.putAll(keys);
            return this;
        }

        /** System keys by name (extension webhooks; none of the supported triggers has one). */
        public Builder systemKeys(Map<String, String> keys) {
            systemKeys.putAll(keys);
            return this;
        }

        /** CORS allow-list handled by the host (like App Service CORS / local.settings.json Host.CORS). */
        public Builder cors(List<String> origins, boolean allowCredentials) {
            corsOrigins.addAll(origins);
            corsCredentials = allowCredentials;
            return this;
        }

        /** true: run in this JVM (tests); default false: own child JVM with the settings as environment. */
        public Builder inProcess(boolean value) {
            this.inProcess = value;
            return this;
        }

        /** Extra JVM options for the child JVM (e.g. -Xmx256m). */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        /** Child JVM: append its log (stderr) and stdout to this file instead of this process's console. */
        public Builder childLog(Path file) {
            this.childLog = file;
            return this;
        }

        public FunctionsHost build() {
            Objects.requireNonNull(appDirectory, "appDirectory");
            Path dir = appDirectory.toAbsolutePath().normalize();
            String name = appName != null ? appName : dir.getFileName().toString();
            Map<String, String> sys = new LinkedHashMap<>(systemKeys);
            Map<String, String> hk = new LinkedHashMap<>(hostKeys);
            if (hk.isEmpty()) hk.put("default", HostKeys.newKey());
            HostKeys keys = new HostKeys(masterKey != null ? masterKey : HostKeys.newKey(), hk, functionKeys, sys);
            List<String> origins = corsOrigins;
            boolean credentials = corsCredentials;
            if (origins.isEmpty()) {
                var hostSection = AppDirectory.open(dir).localSettingsHost();
                origins = hostSection.corsOrigins();
                credentials = hostSection.corsCredentials();
            }
            return new FunctionsHost(new Config(
                    name,
                    dir,
                    bindHost,
                    port,
                    Map.copyOf(settings),
                    keys,
                    List.copyOf(origins),
                    credentials,
                    inProcess,
                    List.copyOf(jvmOptions),
                    childLog));
        }
    }
}
