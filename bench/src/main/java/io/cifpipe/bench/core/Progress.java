package io.cifpipe.bench.core;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Prints one status line per second while a phase runs (to stderr, so stdout stays the table). */
public final class Progress implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final long startNanos = System.nanoTime();

    public Progress(String phase, Supplier<String> status, PrintStream out) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(
                () -> {
                    long s = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
                    out.printf("  [%s %3ds] %s%n", phase, s, status.get());
                    out.flush();
                },
                1,
                1,
                TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
