package io.cifpipe.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Azurite (tables) on a fixed port so it can be killed and restarted at the same address; its output goes to a
 * log file that the secret scan reads. (The shared-runtime test launcher picks a new port per start.)
 */
final class AzuriteProcess implements AutoCloseable {
    static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private final Path binary;
    private final int port;
    private final Path workDir;
    private final Path log;
    private Process process;

    AzuriteProcess(Path root, int port, Path workDir, Path log) {
        this.binary = root.resolve("local/azurite/node_modules/.bin/azurite-table");
        this.port = port;
        this.workDir = workDir;
        this.log = log;
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Azurite not installed: run 'npm ci' in " + binary.getParent().getParent().getParent());
        }
    }

    int port() { return port; }

    String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                + ";TableEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;";
    }

    /** On-disk (not in-memory) so that a restart keeps the tables, like the Azure service would. */
    synchronized void start() throws IOException {
        Files.createDirectories(workDir);
        process = new ProcessBuilder(binary.toString(), "--disableTelemetry", "--skipApiVersionCheck", "--location",
                workDir.toString(), "--tableHost", "127.0.0.1", "--tablePort", Integer.toString(port))
                .directory(workDir.toFile()).redirectErrorStream(true).start();
        Process p = process;
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
                for (String line; (line = r.readLine()) != null; ) w.println(line);
            } catch (IOException ignored) {
                // process ended
            }
        }, "azurite-log");
        pump.setDaemon(true);
        pump.start();
        Await.until(Duration.ofSeconds(60), "Azurite listening on " + port, () -> {
            if (!p.isAlive()) throw new IllegalStateException("Azurite exited with " + p.exitValue() + "; see " + log);
            return accepts();
        });
    }

    boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: no graceful shutdown, like a crashed storage node. */
    synchronized void kill() throws InterruptedException {
        if (process == null) return;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        process = null;
    }

    @Override
    public synchronized void close() {
        if (process == null) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }
}
