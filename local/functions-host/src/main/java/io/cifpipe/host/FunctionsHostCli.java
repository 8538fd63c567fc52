package io.cifpipe.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code functions-host --app <folder> [--app <folder> ...] [--port 7071 ...]}: runs one or more generated
 * Functions app folders, each on its own port and (by default) in its own child JVM, until Ctrl-C.
 * No static logger here: the logback configuration property must be set before logging starts.
 */
@Command(
        name = "functions-host",
        mixinStandardHelpOptions = true,
        description = "Runs Azure Functions Java apps (generated target/azure-functions/<app>/ folders) locally.")
public final class FunctionsHostCli implements Callable<Integer> {

    @Option(names = "--app", required = false, description = "App folder (target/azure-functions/<app>); repeatable.")
    List<Path> apps = new ArrayList<>();

    @Option(names = "--port", description = "Port per app, in --app order (default 7071, 7072, ...; 0 = any free).")
    List<Integer> ports = new ArrayList<>();

    @Option(names = "--name", description = "Name per app, in --app order (default: folder name).")
    List<String> names = new ArrayList<>();

    @Option(
            names = "--settings",
            description = "JSON file of app settings (flat map or local.settings.json); repeatable.")
    List<Path> settingsFiles = new ArrayList<>();

    @Option(names = "--set", description = "App setting KEY=VALUE for every app; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--master-key", description = "Admin key (default: random).")
    String masterKey;

    @Option(names = "--host-key", description = "Host key NAME=VALUE; repeatable (default: random 'default').")
    Map<String, String> hostKeys = new LinkedHashMap<>();

    @Option(names = "--function-key", description = "Function key FUNCTION=VALUE; repeatable.")
    Map<String, String> functionKeys = new LinkedHashMap<>();

    @Option(names = "--system-key", description = "System key NAME=VALUE (extension webhooks); repeatable.")
    Map<String, String> systemKeys = new LinkedHashMap<>();

    @Option(names = "--cors", description = "Allowed CORS origin; repeatable (default: local.settings.json Host.CORS).")
    List<String> cors = new ArrayList<>();

    @Option(names = "--cors-credentials", description = "Allow credentials for the CORS origins.")
    boolean corsCredentials;

    @Option(names = "--bind", description = "Bind address (default ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(
            names = "--in-process",
            description = "Run apps inside this JVM (System.getenv then does not see the settings).")
    boolean inProcess;

    @Option(names = "--show-keys", description = "Print the keys (local development only).")
    boolean showKeys;

    @Option(names = "--child", hidden = true, description = "Internal: run one app configured from stdin.")
    boolean child;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/cifpipe/host/functions-host-logback.xml");
        }
        int code = new CommandLine(new FunctionsHostCli()).execute(args);
        if (code != 0) System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        return child ? runChild() : runApps();
    }

    private int runApps() throws Exception {
        if (apps.isEmpty()) {
            System.err.println(
                    "functions-host: give at least one --app <folder> (e.g. functions-ingress/target/azure-functions/cifpipe-ingress)");
            return 2;
        }
        Map<String, String> all = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (Path f : settingsFiles) {
            JsonNode root = json.readTree(f.toFile());
            JsonNode values = root.has("Values") ? root.get("Values") : root;
            values.fields()
                    .forEachRemaining(e -> all.put(e.getKey(), e.getValue().asText()));
        }
        all.putAll(settings);
        List<FunctionsHost> hosts = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hosts.forEach(FunctionsHost::close);
            stop.countDown();
        }));
        for (int i = 0; i < apps.size(); i++) {
            FunctionsHost.Builder b = FunctionsHost.builder()
                    .appDirectory(apps.get(i))
                    .bindHost(bind)
                    .port(i < ports.size() ? ports.get(i) : 7071 + i)
                    .settings(all)
                    .masterKey(masterKey)
                    .hostKeys(hostKeys)
                    .functionKeys(functionKeys)
                    .systemKeys(systemKeys)
                    .inProcess(inProcess)
                    .cors(cors, corsCredentials);
            if (i < names.size()) b.appName(names.get(i));
            FunctionsHost host;
            try {
                host = b.build();
                synchronized (hosts) {
                    hosts.add(host);
                }
                host.start();
            } catch (FunctionsHostException | IllegalArgumentException e) {
                System.err.println("functions-host: " + e.getMessage());
                return 1;
            }
            System.out.printf(
                    "%-20s %s  functions=%s%s%n",
                    host.appName(),
                    host.url(),
                    host.functions(),
                    host.functionErrors().isEmpty() ? "" : "  IN ERROR: " + host.functionErrors());
            if (showKeys) {
                System.out.printf(
                        "%-20s master=%s host=%s%n",
                        "", host.keys().masterKey(), host.keys().hostKeys());
            }
        }
        System.out.println("Ctrl-C to stop.");
        stop.await();
        return 0;
    }

    /** Child JVM: config on stdin's first line; stdin EOF (parent gone) stops the process. */
    private int runChild() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) return 2;
        FunctionsHost host;
        try {
            host = FunctionsHost.of(ChildProcessHost.readConfig(line));
            host.start();
        } catch (RuntimeException e) {
            System.out.println(ChildProcessHost.FAILED + e.getMessage());
            System.out.flush();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(host::close));
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("port", host.port());
        ready.put("functions", host.functions());
        ready.put("errors", host.functionErrors());
        System.out.println(ChildProcessHost.READY + Values.json(ready));
        System.out.flush();
        while (in.read() >= 0) {
            // wait for the parent to close stdin (or die)
        }
        System.exit(0);
        return 0;
    }
}
