package io.cifpipe.bench.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/** Where and when a run happened: timestamp, git commit, machine description. */
public record RunInfo(String timestamp, String commit, String machine, String command, String name) {
    private static final DateTimeFormatter DIR =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** @param name what ran (the scenario, or e.g. {@code all-19}); the summary's {@code scenario} for multi-scenario runs */
    public static RunInfo capture(String command, String name) {
        return new RunInfo(DIR.format(Instant.now()), gitCommit(), describeMachine(), command, name);
    }

    static String describeMachine() {
        Runtime rt = Runtime.getRuntime();
        String cpu = "unknown cpu";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: keep "unknown cpu"
        }
        String load = "";
        try {
            load = " loadavg "
                    + Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
        } catch (IOException | RuntimeException ignored) {
            // no /proc/loadavg
        }
        return String.format(
                "%d cores (%s), %s %s, Java %s (%s), max heap %d MiB,%s",
                rt.availableProcessors(),
                cpu,
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"),
                rt.maxMemory() >> 20,
                load);
    }

    static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                Process d = new ProcessBuilder("git", "status", "--porcelain", "--", "bench")
                        .redirectErrorStream(true)
                        .start();
                String dirty = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                d.waitFor(5, TimeUnit.SECONDS);
                return dirty.isEmpty() ? out : out + "+bench-uncommitted";
            }
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // no git: unknown
        }
        return "unknown";
    }
}
