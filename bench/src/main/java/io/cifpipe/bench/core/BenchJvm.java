package io.cifpipe.bench.core;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bench JVM's JIT mode, and a child bench JVM with another one.
 *
 * <p>In the pipeline scenarios (popup, throughput, azure-model) the bench JVM is part of the system under load: it
 * runs the Service Bus and SignalR emulators, the counting proxies and the 1,000 agents' clients. Like the Functions
 * hosts it then runs C1 only: within a bench's minutes C2's compile storms cost more CPU than its code saves (run 6:
 * half the bench JVM's CPU in a 100/s popup was C2 compiling). The broker comparison ({@code sb}) and the SignalR
 * scenarios keep the full JIT. A run that needs the other mode for a scenario runs it in a child JVM and reads its
 * results back ({@link ResultsReader}).
 */
public final class BenchJvm {
    public static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    /** Bounds the wait for a child; every scenario bounds its own phases far below this. */
    private static final long CHILD_TIMEOUT_MINUTES = 60;

    private BenchJvm() {}

    public static boolean isC1Only() {
        return inputArguments().contains(C1_ONLY);
    }

    /** For a scenario's parameters: which JIT measured it. */
    public static String jit() {
        return isC1Only() ? "C1 only" : "tiered (C1+C2)";
    }

    /**
     * Runs {@code java [this JVM's options, JIT mode switched] -cp [this classpath] mainClass args --out tmp} with
     * its progress on this process's stderr, and returns the scenarios it wrote.
     */
    public static List<ScenarioResult> runChild(
            boolean c1Only, Class<?> mainClass, List<String> args, PrintStream progress) {
        Path out = null;
        try {
            out = Files.createTempDirectory("bench-child-");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : inputArguments()) {
                // the JIT is what changes; a debugger agent would clash on its port
                if (!a.startsWith("-XX:TieredStopAtLevel") && !a.startsWith("-agentlib:jdwp")) {
                    cmd.add(a);
                }
            }
            if (c1Only) {
                cmd.add(C1_ONLY);
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
            cmd.addAll(args);
            cmd.addAll(List.of("--out", out.toString()));
            progress.printf(
                    "bench: running %s in a child JVM (%s)%n",
                    String.join(" ", args), c1Only ? "C1 only" : "tiered JIT");
            Process child = new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD) // its table: this process prints the merged one
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Thread stop = new Thread(child::destroy, "bench-child-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            try {
                if (!child.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    child.destroyForcibly();
                    throw new IllegalStateException(
                            "child bench still running after " + CHILD_TIMEOUT_MINUTES + " min: " + args);
                }
            } finally {
                Runtime.getRuntime().removeShutdownHook(stop);
            }
            if (child.exitValue() != 0) {
                throw new IllegalStateException(
                        "child bench " + args + " exited with " + child.exitValue() + " (its log is above)");
            }
            try (Stream<Path> runs = Files.list(out)) {
                Path results = runs.map(d -> d.resolve("results.json"))
                        .filter(Files::isRegularFile)
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("child bench " + args + " wrote no results.json"));
                return ResultsReader.read(results);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a child bench ran", e);
        } finally {
            delete(out);
        }
    }

    private static List<String> inputArguments() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
