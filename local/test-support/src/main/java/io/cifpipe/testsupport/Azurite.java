package io.cifpipe.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one launcher of Microsoft's Azurite table emulator (npm, installed in {@code local/azurite}) for tests,
 * devstack, reliability and bench. Fails loudly (never skips) when it cannot start.
 *
 * <p>{@link #start()} / {@link #shared()}: in memory on a free port, for a test. {@link #builder()}: a fixed port
 * (a restarted Azurite comes back at the same address), on disk under {@code location} if given (a restart keeps the
 * tables, as the Azure service would), output appended to a log file if given. Azurite cannot report an
 * OS-assigned port, so readiness is its "successfully listening" line plus the port accepting connections (a port
 * taken by someone else answers too, hence the line).
 */
public final class Azurite implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int KEPT_LINES = 200;

    private final Path binary;
    private final int port;
    private final Optional<Path> location;
    private final Optional<Path> log;
    private final boolean accessLog;
    private final Path workDir;
    private final Deque<String> output = new ArrayDeque<>();
    private Process process;

    private Azurite(Builder b) {
        this.binary = b.binary != null ? b.binary : findBinary();
        this.port = b.port > 0 ? b.port : FreePorts.free();
        this.location = Optional.ofNullable(b.location);
        this.log = Optional.ofNullable(b.log);
        this.accessLog = b.accessLog;
        try {
            // Azurite refuses --location with --inMemoryPersistence; in memory it runs in a temp working directory so
            // nothing lands in the repository.
            this.workDir = Files.createTempDirectory("azurite-");
        } catch (IOException e) {
            throw new IllegalStateException("no temp directory for Azurite", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Azurite shared;

    /** One Azurite for the whole test JVM (tests use unique table names), stopped when the JVM exits. */
    public static synchronized Azurite shared() {
        if (shared == null || !shared.isAlive()) {
            shared = start();
            Azurite instance = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "azurite-stop"));
        }
        return shared;
    }

    /** A table client on a fresh, uniquely named table of the shared Azurite. */
    public static com.azure.data.tables.TableClient freshTable(String prefix) {
        String name =
                prefix + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new com.azure.data.tables.TableServiceClientBuilder()
                .connectionString(shared().connectionString())
                .buildClient()
                .createTableIfNotExists(name);
    }

    /** In memory on a free port, started; a few attempts in case another process takes the port first. */
    public static Azurite start() {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            Azurite a = builder().build();
            try {
                a.startProcess();
                return a;
            } catch (IllegalStateException e) {
                a.close();
                last = e;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    public String connectionString() {
        return AzuriteAccount.connectionString(port);
    }

    /** Starts (or starts again, same port and location) and returns once Azurite listens. */
    public synchronized Azurite startProcess() {
        if (isAlive()) return this;
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--disableTelemetry",
                "--skipApiVersionCheck",
                "--tableHost",
                "127.0.0.1",
                "--tablePort",
                Integer.toString(port)));
        if (!accessLog) cmd.add("--silent");
        if (location.isPresent()) {
            cmd.add("--location");
            cmd.add(location.get().toString());
        } else {
            cmd.add("--inMemoryPersistence");
        }
        Process p;
        try {
            if (location.isPresent()) Files.createDirectories(location.get());
            synchronized (output) {
                output.clear();
            }
            p = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start Azurite at " + binary + ": " + e.getMessage(), e);
        }
        process = p;
        Thread pump = new Thread(() -> pump(p), "azurite-output");
        pump.setDaemon(true);
        pump.start();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                process = null;
                throw new IllegalStateException("Azurite exited with " + p.exitValue() + ": " + outputTail());
            }
            if (said("successfully") && accepts()) {
                return this;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        kill();
        throw new IllegalStateException(
                "Azurite did not start on port " + port + " within " + START_TIMEOUT + ": " + outputTail());
    }

    private void pump(Process p) {
        PrintWriter file = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            if (log.isPresent()) {
                Files.createDirectories(log.get().toAbsolutePath().getParent());
                file = new PrintWriter(
                        Files.newBufferedWriter(
                                log.get(),
                                StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND),
                        true);
            }
            for (String line; (line = r.readLine()) != null; ) {
                if (file != null) file.println(line);
                synchronized (output) {
                    if (output.size() == KEPT_LINES) output.removeFirst();
                    output.addLast(line);
                }
            }
        } catch (IOException ignored) {
            // process ended
        } finally {
            if (file != null) file.close();
        }
    }

    private boolean said(String word) {
        synchronized (output) {
            return output.stream().anyMatch(l -> l.contains(word));
        }
    }

    /** The last lines Azurite printed (for error messages). */
    public String outputTail() {
        synchronized (output) {
            List<String> lines = new ArrayList<>(output);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
    }

    public boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** SIGKILL of Azurite and its children: no graceful shutdown, like a crashed storage node. */
    public synchronized void kill() {
        if (process == null) return;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGTERM: Azurite saves its on-disk data before exiting (kill -9 loses its last unsaved writes). */
    public synchronized void stop() {
        if (process == null) return;
        Process p = process;
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops and starts again at the same port (and location: on disk the tables survive). */
    public synchronized void restart() {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }

    /** {@code local/azurite/node_modules/.bin/azurite-table}, looked up from the working directory upwards. */
    public static Path findBinary() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = binaryUnder(dir);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Azurite not found: run 'npm ci' in local/azurite (looked upwards from "
                + Path.of("").toAbsolutePath() + " for local/azurite/node_modules/.bin/azurite-table)");
    }

    /** Where {@code npm ci} in {@code local/azurite} puts the table emulator, for a repository root. */
    public static Path binaryUnder(Path repositoryRoot) {
        return repositoryRoot.resolve("local/azurite/node_modules/.bin/azurite-table");
    }

    public static final class Builder {
        private Path binary;
        private int port;
        private Path location;
        private Path log;
        private boolean accessLog = true;

        private Builder() {}

        /** The azurite-table executable (default: {@link #findBinary()}). */
        public Builder binary(Path value) {
            this.binary = value;
            return this;
        }

        /** A fixed loopback port (default: {@link FreePorts#free()}). */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** On disk in this folder instead of in memory. */
        public Builder location(Path value) {
            this.location = value;
            return this;
        }

        /** Azurite's output is appended to this file (as well as kept for error messages). */
        public Builder log(Path value) {
            this.log = value;
            return this;
        }

        /**
         * Whether Azurite prints a line per request (default: yes, the log then shows every request for debugging and
         * the secret scans). Off ({@code --silent}) for benchmarks: Azure's Table service spends nothing on it.
         */
        public Builder accessLog(boolean value) {
            this.accessLog = value;
            return this;
        }

        /** Not started yet: call {@link Azurite#startProcess()}. */
        public Azurite build() {
            if (binary != null && !Files.isExecutable(binary)) {
                throw new IllegalStateException(
                        "Azurite not installed (" + binary + " is missing): run 'npm ci' in local/azurite");
            }
            return new Azurite(this);
        }
    }
}
