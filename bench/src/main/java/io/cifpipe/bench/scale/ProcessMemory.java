package io.cifpipe.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Memory of this JVM's descendant processes (Linux /proc) and live heap of a JVM via {@code jcmd}. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** The descendant processes whose command line contains {@code marker}. */
    public static List<ProcessHandle> descendants(String marker) {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> commandLine(p).contains(marker))
                .toList();
    }

    public static Optional<ProcessHandle> descendant(String marker) {
        return descendants(marker).stream().findFirst();
    }

    /** Resident set size in bytes (VmRSS), -1 when unknown. */
    static long rss(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // process gone or not Linux
        }
        return -1;
    }

    static long rss(List<ProcessHandle> processes) {
        long sum = 0;
        for (ProcessHandle p : processes) {
            long r = rss(p.pid());
            if (r < 0) {
                return -1;
            }
            sum += r;
        }
        return processes.isEmpty() ? -1 : sum;
    }

    /**
     * Bytes of live objects in another JVM: {@code jcmd <pid> GC.class_histogram} runs a full GC first and ends with
     * a {@code Total <instances> <bytes>} line. -1 when jcmd is missing or the JVM does not answer within a minute.
     */
    static long liveHeap(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            for (String line : out.split("\n")) {
                String t = line.trim();
                if (t.startsWith("Total")) {
                    String[] parts = t.split("\\s+");
                    return Long.parseLong(parts[parts.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** Heap used by this JVM after a few System.gc() calls. */
    static long ownHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Max open files of this JVM (-1 if unknown). */
    static long maxFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return os.getMaxFileDescriptorCount();
        }
        return -1;
    }

    private static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }
}
