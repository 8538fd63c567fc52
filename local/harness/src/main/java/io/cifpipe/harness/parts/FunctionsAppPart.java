package io.cifpipe.harness.parts;

import io.cifpipe.harness.Part;
import io.cifpipe.host.FunctionsHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One generated Functions app folder in its own child JVM (like one Azure app), through the local Functions host.
 * The host is configured anew at each start ({@code configure} reads the stack's current addresses). {@link #kill()}
 * is kill -9 of the child JVM, found among this JVM's children by {@code marker}, a string only its command line has.
 */
public final class FunctionsAppPart implements Part {
    private final String app;
    private final Supplier<FunctionsHost.Builder> configure;
    private final String marker;
    private boolean keepsFailedFunctions;
    private volatile FunctionsHost host;

    public FunctionsAppPart(String app, Supplier<FunctionsHost.Builder> configure, String marker) {
        this.app = app;
        this.configure = configure;
        this.marker = marker;
    }

    /** A part whose child JVM gets a system property of its own as the marker (for a test that sets no logback file). */
    public static FunctionsAppPart marked(String app, Supplier<FunctionsHost.Builder> configure) {
        String marker = "-Dcifpipe.part=" + app + "-" + UUID.randomUUID();
        return new FunctionsAppPart(app, () -> configure.get().jvmOptions(List.of(marker)), marker);
    }

    /**
     * Keeps the host running when some functions fail to index (devstack lists them in its progress line; the others
     * still serve). By default such a start fails.
     */
    public FunctionsAppPart keepingFailedFunctions() {
        keepsFailedFunctions = true;
        return this;
    }

    @Override
    public String name() {
        return "functions-" + app;
    }

    @Override
    public synchronized void start() {
        if (host != null) return;
        FunctionsHost built = configure.get().build();
        FunctionsHost started;
        try {
            started = built.start();
        } catch (RuntimeException e) {
            built.close(); // a child JVM that came up halfway must not outlive the failed start
            throw e;
        }
        if (!keepsFailedFunctions && !started.functionErrors().isEmpty()) {
            started.close();
            throw new IllegalStateException(app + " functions failed to index: " + started.functionErrors());
        }
        host = started;
    }

    @Override
    public synchronized void stop() {
        if (host == null) return;
        try {
            host.close();
        } catch (RuntimeException ignored) {
            // stopping anyway
        }
        host = null;
    }

    /** kill -9 of the app's child JVM: no shutdown hooks, in-flight work lost, as a crashed worker. */
    @Override
    public void kill() {
        List<ProcessHandle> victims = ProcessHandle.current()
                .children()
                .filter(p -> commandLine(p).contains(marker))
                .toList();
        if (victims.isEmpty()) {
            throw new IllegalStateException("no child JVM found for " + app + " among "
                    + ProcessHandle.current()
                            .children()
                            .map(p -> p.pid() + ":" + commandLine(p))
                            .toList());
        }
        for (ProcessHandle p : victims) {
            p.destroyForcibly();
            p.onExit().join();
        }
        stop();
    }

    @Override
    public boolean answers() {
        return host != null;
    }

    /** The running host; throws when the app is not running. */
    public FunctionsHost host() {
        FunctionsHost h = host;
        if (h == null) throw new IllegalStateException(app + " is not running");
        return h;
    }

    /** /proc/<pid>/cmdline (ProcessHandle.Info truncates long command lines). */
    private static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return p.info().commandLine().orElse("");
        }
    }
}
