package io.cifpipe.bench.core;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A named, thread-safe latency recorder in microseconds (1 µs .. 1 h, 3 significant digits).
 * Values are taken from the intended send time (coordinated-omission aware): callers pass the
 * nanoTime at which the operation was scheduled, not the time it actually went out.
 */
public final class Latency {
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private final String name;
    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private final Histogram total = new Histogram(MAX_MICROS, 3);

    public Latency(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Records {@code now - intendedNanos}; negative values (clock noise) count as zero. */
    public void recordSince(long intendedNanos) {
        recordMicros(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - intendedNanos));
    }

    public void recordMicros(long micros) {
        recorder.recordValue(Math.max(0, Math.min(MAX_MICROS, micros)));
    }

    /** Values recorded since the previous call (for progress lines); also folded into the total. */
    public synchronized Histogram interval() {
        Histogram h = recorder.getIntervalHistogram();
        total.add(h);
        return h;
    }

    /** Everything recorded so far. */
    public synchronized Histogram snapshot() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }
}
