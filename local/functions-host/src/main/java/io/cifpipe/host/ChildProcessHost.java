package io.cifpipe.host;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one app in a child JVM ({@code FunctionsHostCli --child}) whose environment is the app settings.
 * The parent sends the rest of the config (port, keys) as one JSON line on stdin — keys never appear in
 * the environment or the command line — and keeps stdin open: the child exits when it closes, so a
 * killed parent leaves no orphan. The child reports readiness with one marker line on stdout; its other
 * stdout lines are forwarded with an {@code [app]} prefix, stderr (its log) is inherited.
 */
final class ChildProcessHost implements AutoCloseable {
    static final String READY = "@@functions-host-ready ";
    static final String FAILED = "@@functions-host-failed ";
    private static final long START_TIMEOUT_SECONDS = 90;

    private final FunctionsHost.Config config;
    private final Map<String, String> environment;
    private Process process;
    private Thread shutdownHook;
    private JsonNode ready;

    ChildProcessHost(FunctionsHost.Config config, Map<String, String> environment) {
        this.config = config;
        this.environment = environment;
    }

    int start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(config.jvmOptions());
        if (config.jvmOptions().stream().noneMatch(o -> o.startsWith("-Dlogback.configurationFile"))) {
            command.add("-Dlogback.configurationFile=io/cifpipe/host/functions-host-logback.xml");
        }
        // The SDK's processor runs each concurrent call on Reactor's bounded-elastic pool (10 x cores by default):
        // size it so host.json's maxConcurrentCalls is honoured, as on Azure (see ServiceBusConcurrency).
        if (config.jvmOptions().stream()
                .noneMatch(o -> o.startsWith("-D" + ServiceBusConcurrency.POOL_PROPERTY + "="))) {
            command.add("-D" + ServiceBusConcurrency.POOL_PROPERTY + "="
                    + ServiceBusConcurrency.requiredPool(AppDirectory.open(config.appDirectory())));
        }
        command.add("-cp");
        command.add(childClassPath());
        command.add(FunctionsHostCli.class.getName());
        command.add("--child");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(
                        config.childLog() == null
                                ? ProcessBuilder.Redirect.INHERIT
                                : ProcessBuilder.Redirect.appendTo(
                                        config.childLog().toFile()));
        pb.environment().clear();
        pb.environment().putAll(environment);
        CompletableFuture<JsonNode> readiness = new CompletableFuture<>();
        Deque<String> tail = new ArrayDeque<>();
        try {
            process = pb.start();
            OutputStream stdin = process.getOutputStream();
            stdin.write((configJson().toString() + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new FunctionsHostException(
                    "cannot start the child JVM for app '" + config.appName() + "': " + e.getMessage(), e);
        }
        shutdownHook = new Thread(this::destroy, "functions-host-" + config.appName() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Thread pump = new Thread(() -> pumpStdout(readiness, tail), "functions-host-" + config.appName() + "-stdout");
        pump.setDaemon(true);
        pump.start();
        try {
            ready = readiness.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return ready.path("port").asInt();
        } catch (ExecutionException e) {
            close();
            throw new FunctionsHostException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new FunctionsHostException(
                    "app '" + config.appName() + "' did not start within " + START_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new FunctionsHostException("interrupted while starting app '" + config.appName() + "'");
        }
    }

    /**
     * The host's own class path, with absolute entries (the child may resolve paths differently). Under a
     * URLClassLoader (e.g. {@code mvn exec:java}) {@code java.class.path} is Maven's, so its URLs are used.
     */
    static String childClassPath() {
        List<String> entries = new ArrayList<>();
        ClassLoader loader = ChildProcessHost.class.getClassLoader();
        if (loader instanceof java.net.URLClassLoader ucl) {
            for (java.net.URL u : ucl.getURLs()) {
                try {
                    entries.add(Path.of(u.toURI()).toAbsolutePath().toString());
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    // not a file URL: cannot be passed to a child JVM
                }
            }
        }
        if (entries.isEmpty()) {
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (!e.isEmpty()) entries.add(Path.of(e).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private void pumpStdout(CompletableFuture<JsonNode> readiness, Deque<String> tail) {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(READY)) {
                    readiness.complete(HostJson.MAPPER.readTree(line.substring(READY.length())));
                } else if (line.startsWith(FAILED)) {
                    readiness.completeExceptionally(new FunctionsHostException(line.substring(FAILED.length())));
                } else {
                    forward(line);
                    tail.addLast(line);
                    if (tail.size() > 20) tail.removeFirst();
                }
            }
        } catch (IOException e) {
            // the child went away; handled below
        }
        readiness.completeExceptionally(
                new FunctionsHostException("the child JVM of app '" + config.appName() + "' exited before it was ready"
                        + (tail.isEmpty() ? "" : "; last output:\n" + String.join("\n", tail))));
    }

    private void forward(String line) {
        if (config.childLog() == null) {
            System.out.println("[" + config.appName() + "] " + line);
            return;
        }
        try {
            java.nio.file.Files.writeString(
                    config.childLog(),
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log file became unwritable: keep the line on the console rather than lose it
            System.out.println("[" + config.appName() + "] " + line);
        }
    }

    private ObjectNode configJson() {
        ObjectNode c = HostJson.MAPPER.createObjectNode();
        c.put("appName", config.appName());
        c.put("appDirectory", config.appDirectory().toString());
        c.put("bindHost", config.bindHost());
        c.put("port", config.port());
        c.set(
                "keys",
                HostJson.MAPPER.valueToTree(Map.of(
                        "masterKey", config.keys().masterKey(),
                        "hostKeys", config.keys().hostKeys(),
                        "functionKeys", config.keys().functionKeys(),
                        "systemKeys", config.keys().systemKeys())));
        c.set("corsOrigins", HostJson.MAPPER.valueToTree(config.corsOrigins()));
        c.put("corsCredentials", config.corsCredentials());
        return c;
    }

    /** The config a child reads from its stdin. */
    static FunctionsHost.Config readConfig(String line) throws IOException {
        JsonNode c = HostJson.MAPPER.readTree(line);
        JsonNode k = c.path("keys");
        TypeReference<Map<String, String>> map = new TypeReference<>() {};
        HostKeys keys = new HostKeys(
                k.path("masterKey").asText(),
                HostJson.MAPPER.convertValue(k.path("hostKeys"), map),
                HostJson.MAPPER.convertValue(k.path("functionKeys"), map),
                HostJson.MAPPER.convertValue(k.path("systemKeys"), map));
        List<String> origins = new ArrayList<>();
        c.path("corsOrigins").forEach(o -> origins.add(o.asText()));
        return new FunctionsHost.Config(
                c.path("appName").asText(),
                Path.of(c.path("appDirectory").asText()),
                c.path("bindHost").asText("127.0.0.1"),
                c.path("port").asInt(0),
                Map.of(),
                keys,
                origins,
                c.path("corsCredentials").asBoolean(false),
                true,
                List.of(),
                null);
    }

    Map<String, String> errors() {
        return HostJson.MAPPER.convertValue(ready.path("errors"), new TypeReference<Map<String, String>>() {});
    }

    List<String> functions() {
        List<String> out = new ArrayList<>();
        ready.path("functions").forEach(f -> out.add(f.asText()));
        return out;
    }

    private void destroy() {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        destroy();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // JVM already shutting down: the hook itself is running
            }
        }
    }
}
