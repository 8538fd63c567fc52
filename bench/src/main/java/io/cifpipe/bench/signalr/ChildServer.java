package io.cifpipe.bench.signalr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Parent-side handle on a {@link ServerProcess} child JVM (same classpath as the bench). */
public final class ChildServer implements ServerHandle {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final int port;
    private final Path log;

    private ChildServer(Process process, int port, BufferedReader out, PrintWriter in, Path log) {
        this.process = process;
        this.port = port;
        this.out = out;
        this.in = in;
        this.log = log;
    }

    /** Starts {@code mode} ("signalr" or "bare") on {@code port} (0 = any) and waits until it listens. */
    public static ChildServer start(String mode, int port, String heap) throws IOException {
        return start(mode, port, heap, java.util.Map.of());
    }

    /** As {@link #start(String, int, String)}, with extra environment variables for the child (e.g. keys). */
    public static ChildServer start(String mode, int port, String heap, java.util.Map<String, String> env)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("bench-" + mode + "-", ".log");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseG1GC"));
        // e.g. BENCH_CHILD_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/{mode}.jfr" to profile the server under
        // test; {mode} becomes signalr or bare so that the two children of a push run do not overwrite each other.
        String extra = System.getenv("BENCH_CHILD_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().replace("{mode}", mode).split("\\s+")));
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ServerProcess.class.getName(),
                mode,
                String.valueOf(port)));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process p = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
        String ready = readLineStartingWith(out, "READY ", 90);
        if (ready == null || !ready.startsWith("READY ")) {
            p.destroyForcibly();
            throw new IOException(mode + " child did not start (" + ready + "); see " + log + ":\n" + tail(log));
        }
        return new ChildServer(p, Integer.parseInt(ready.substring(6).trim()), out, in, log);
    }

    /** Skips other output (e.g. JVM diagnostics) until a line with the prefix; null on EOF or timeout. */
    private static String readLineStartingWith(BufferedReader r, String prefix, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = readLine(r, (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())));
            if (line == null || line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    private static String readLine(BufferedReader r, int seconds) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                        try {
                            return r.readLine();
                        } catch (IOException e) {
                            return null;
                        }
                    })
                    .get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public synchronized Memory memory() throws IOException {
        in.println("heap");
        String line = readLineStartingWith(out, "HEAP ", 60);
        if (line == null) {
            throw new IOException("child did not report heap: " + line);
        }
        String[] parts = line.split(" ");
        return new Memory(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }

    /** Simulates a crash: SIGKILL, no graceful close frames. */
    @Override
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            in.println("quit");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // temp file
        }
    }
}
