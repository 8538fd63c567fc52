package io.cifpipe.runtime.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts Microsoft's Azurite table emulator (npm, installed in {@code local/azurite}) on a free ephemeral port for a
 * test, in memory. Fails loudly (never skips) when it cannot start. Azurite cannot report an OS-assigned port, so we
 * pick a free one and retry a few times if another process takes it first.
 */
public final class Azurite implements AutoCloseable {
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(45);

    private final Process process;
    private final int port;
    private final Path workDir;

    private Azurite(Process process, int port, Path workDir) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
    }

    private static Azurite shared;

    /** One Azurite for the whole test JVM (tests use unique table names), stopped when the JVM exits. */
    public static synchronized Azurite shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
            Azurite instance = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "azurite-stop"));
        }
        return shared;
    }

    /** A table client on a fresh, uniquely named table of the shared Azurite. */
    public static com.azure.data.tables.TableClient freshTable(String prefix) {
        String name = prefix + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new com.azure.data.tables.TableServiceClientBuilder().connectionString(shared().connectionString())
                .buildClient().createTableIfNotExists(name);
    }

    public static Azurite start() {
        Path bin = findBinary();
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOn(bin, freePort());
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    public int port() { return port; }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                + ";TableEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }

    private static Azurite startOn(Path bin, int port) {
        Path workDir;
        Process process;
        try {
            workDir = Files.createTempDirectory("azurite-");
            process = new ProcessBuilder(bin.toString(), "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck",
                    "--tableHost", "127.0.0.1", "--tablePort", Integer.toString(port))
                    .directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start Azurite at " + bin + ": " + e.getMessage(), e);
        }
        List<String> output = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (output.size() < 200) {
                        output.add(line);
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "azurite-output");
        pump.setDaemon(true);
        pump.start();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with " + process.exitValue() + ": " + String.join("\n", output));
            }
            if (output.stream().anyMatch(l -> l.contains("successfully")) && accepts(port)) {
                return new Azurite(process, port, workDir);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("Azurite did not start within " + START_TIMEOUT + ": " + String.join("\n", output));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port", e);
        }
    }

    private static Path findBinary() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("local/azurite/node_modules/.bin/azurite-table");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Azurite not found: run 'npm ci' in local/azurite (looked upwards from "
                + Path.of("").toAbsolutePath() + " for local/azurite/node_modules/.bin/azurite-table)");
    }
}
