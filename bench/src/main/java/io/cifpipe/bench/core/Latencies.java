package io.cifpipe.bench.core;

import org.HdrHistogram.Histogram;

/** Ratio figures between two recorded latency series (p50 and p99). */
public final class Latencies {
    private Latencies() {}

    public static void ratio(ScenarioResult result, String subject, String floor) {
        Histogram a = result.latencyOf(subject);
        Histogram b = result.latencyOf(floor);
        if (a == null || b == null || a.getTotalCount() == 0 || b.getTotalCount() == 0) {
            return;
        }
        for (double p : new double[] {50, 99}) {
            result.figure(
                    String.format("p%.0f ratio %s / %s", p, subject, floor),
                    (double) a.getValueAtPercentile(p) / Math.max(1, b.getValueAtPercentile(p)),
                    "x");
        }
    }
}
