package io.cifpipe.devstack;

import io.cifpipe.devstack.parts.ProcessTree;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --wait} and {@code down}: the stack runs as a detached background JVM (its own session, output in
 * {@code .devstack/devstack.log}, pid in {@code .devstack/devstack.pid}); the foreground process echoes its
 * progress, waits for {@code status.json} to say READY (every part answered) and exits 0.
 */
final class Background {
    private final Path root;
    private final Path stateDir;
    private final PrintStream out;
    private final PidFile pidFile;
    private final StatusFile statusFile;

    Background(Path root, Path stateDir, PrintStream out) {
        this.root = root;
        this.stateDir = stateDir;
        this.out = out;
        this.pidFile = new PidFile(stateDir);
        this.statusFile = new StatusFile(stateDir);
    }

    int startAndWait(Path data, boolean ephemeralPorts, Duration timeout) throws IOException, InterruptedException {
        Optional<ProcessHandle> running = pidFile.running();
        if (running.isPresent()) {
            Optional<StatusFile.Status> st = statusFile.read();
            if (st.isPresent() && st.get().state() == StatusFile.State.READY) {
                out.println("The local stack is already running (pid "
                        + running.get().pid() + ").");
                out.print(st.get().summary());
                return 0;
            }
            throw new StackException(
                    "A local stack is already running or starting (pid "
                            + running.get().pid() + ").",
                    "Wait for it, or stop it with './dev down'.");
        }
        if (!ephemeralPorts) {
            PortCheck.ensureFree(Ports.defaults());
        }
        Files.createDirectories(stateDir);
        statusFile.delete();
        Path log = stateDir.resolve("devstack.log");
        Files.deleteIfExists(log);

        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid"); // own session: a later Ctrl-C in this terminal does not reach the stack
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                DevStack.class.getName(),
                "--background-child",
                "--root",
                root.toString(),
                "--state-dir",
                stateDir.toString()));
        if (ephemeralPorts) {
            cmd.add("--ephemeral-ports");
        }
        if (data != null) {
            cmd.add("--data");
            cmd.add(data.toAbsolutePath().normalize().toString());
        }
        out.println("Starting the local stack in the background (log: " + log + ")");
        Process child = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Thread abort = new Thread(() -> ProcessTree.destroy(child, Duration.ofSeconds(20)), "devstack-abort");
        Runtime.getRuntime().addShutdownHook(abort);

        long deadline = System.nanoTime() + timeout.toNanos();
        long logOffset = 0;
        while (System.nanoTime() < deadline) {
            logOffset = echoProgress(log, logOffset);
            Optional<StatusFile.Status> st = statusFile.read();
            if (st.isPresent() && st.get().state() == StatusFile.State.READY) {
                Runtime.getRuntime().removeShutdownHook(abort);
                out.print(st.get().summary());
                out.println("Running in the background (pid " + st.get().pid() + "). Stop it with: ./dev down");
                return 0;
            }
            if (st.isPresent() && st.get().state() == StatusFile.State.FAILED) {
                child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
                Runtime.getRuntime().removeShutdownHook(abort);
                ProcessTree.destroy(child, Duration.ofSeconds(10));
                throw new StackException(st.get().message(), st.get().fix());
            }
            if (!child.isAlive()) {
                Runtime.getRuntime().removeShutdownHook(abort);
                echoProgress(log, logOffset);
                out.println("The background stack exited (code " + child.exitValue() + "). Last log lines:");
                out.println(tail(log, 20));
                return 1;
            }
            Thread.sleep(200);
        }
        Runtime.getRuntime().removeShutdownHook(abort);
        ProcessTree.destroy(child, Duration.ofSeconds(20));
        throw new StackException(
                "The stack did not become ready within " + timeout.toSeconds() + " s (stopped it again).",
                "See " + log + " for the part that hangs; raise --timeout on a slow machine.");
    }

    int stop() {
        Optional<ProcessHandle> running = pidFile.running();
        if (running.isEmpty()) {
            out.println("No local stack is running.");
            return 0;
        }
        ProcessHandle p = running.get();
        out.println("Stopping the local stack (pid " + p.pid() + ")…");
        // SIGTERM: the stack's shutdown hook stops its children (Azurite, servers) before the JVM exits.
        ProcessTree.destroy(p, Duration.ofSeconds(30));
        out.println(p.isAlive() ? "Could not stop pid " + p.pid() + "." : "Stopped.");
        return p.isAlive() ? 1 : 0;
    }

    int status() {
        Optional<ProcessHandle> running = pidFile.running();
        if (running.isEmpty()) {
            out.println("No local stack is running.");
            return 3;
        }
        Optional<StatusFile.Status> st = statusFile.read();
        out.println("Local stack pid " + running.get().pid() + ": "
                + st.map(s -> s.state().name()).orElse("UNKNOWN"));
        st.filter(s -> s.summary() != null).ifPresent(s -> out.print(s.summary()));
        st.filter(s -> s.state() == StatusFile.State.FAILED)
                .ifPresent(s -> out.println(s.message() + (s.fix() == null ? "" : "\nFix: " + s.fix())));
        return st.filter(s -> s.state() == StatusFile.State.READY).isPresent() ? 0 : 1;
    }

    /** Prints new ✓/✗ progress lines the background stack wrote to its log. */
    private long echoProgress(Path log, long offset) {
        if (!Files.exists(log)) {
            return offset;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            if (f.length() <= offset) {
                return offset;
            }
            f.seek(offset);
            byte[] bytes = new byte[(int) Math.min(1 << 20, f.length() - offset)];
            f.readFully(bytes);
            String chunk = new String(bytes, StandardCharsets.UTF_8);
            int lastNl = chunk.lastIndexOf('\n');
            if (lastNl < 0) {
                return offset;
            }
            for (String line : chunk.substring(0, lastNl).split("\n")) {
                if (line.contains("\u2713") || line.contains("\u2717")) {
                    out.println(line);
                }
            }
            return offset + chunk.substring(0, lastNl + 1).getBytes(StandardCharsets.UTF_8).length;
        } catch (IOException e) {
            return offset;
        }
    }

    private static String tail(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
