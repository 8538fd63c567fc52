package io.cifpipe.bench.core;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Fixed-rate, open-loop load: operation {@code i} is scheduled at {@code start + i / rate} regardless
 * of how long earlier operations took. The callback gets the intended time, so a stall shows up as
 * latency of every operation that should have gone out during it (no coordinated omission).
 */
public final class OpenLoop {
    /** One scheduled operation. Must not block: start async work and return. */
    @FunctionalInterface
    public interface Op {
        void fire(long seq, long intendedNanos);
    }

    private OpenLoop() {}

    /**
     * Runs on the calling thread until {@code duration} has elapsed or {@code stop} says so.
     *
     * @return number of operations fired
     */
    public static long run(double ratePerSecond, Duration duration, Op op, BooleanSupplier stop) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be > 0");
        }
        double intervalNanos = 1e9 / ratePerSecond;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long seq = 0;
        while (!stop.getAsBoolean()) {
            long intended = start + (long) (seq * intervalNanos);
            if (intended >= end) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 50_000) {
                LockSupport.parkNanos(wait - 20_000);
                continue; // re-check: park may return early
            }
            while (System.nanoTime() < intended) {
                Thread.onSpinWait();
            }
            op.fire(seq++, intended);
        }
        return seq;
    }
}
