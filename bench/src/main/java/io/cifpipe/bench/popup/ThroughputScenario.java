package io.cifpipe.bench.popup;

import io.cifpipe.bench.core.ScenarioResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Scenario 2, throughput: the popup pipeline at increasing fixed rates (one step after the other on the same
 * connected agents); a step passes when every accepted call's notification arrived, nothing was refused and p99
 * stays under the bound. Stops at the first failing step; reports the highest passing rate.
 */
public final class ThroughputScenario {
    public record Options(
            int agents, List<Double> steps, Duration stepDuration, Duration warmup, long p99BoundMillis) {}

    private final Options options;
    private final PrintStream progress;

    public ThroughputScenario(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public ScenarioResult run() throws Exception {
        ScenarioResult result = new ScenarioResult(
                "throughput",
                String.format(
                        Locale.ROOT,
                        "highest sustained notifications/s end to end with p99 < %d ms and none lost, %d agents",
                        options.p99BoundMillis(),
                        options.agents()));
        result.parameter("agents", options.agents())
                .parameter("steps", options.steps())
                .parameter("stepDuration", options.stepDuration().toString())
                .parameter("warmup", options.warmup().toString())
                .parameter("p99BoundMs", options.p99BoundMillis());
        double best = 0;
        double bestComplete = 0;
        PopupPhase bestPhase = null;
        PopupPhase lastPhase = null;
        AzuriteCeiling.Result ceiling;
        try (PopupRig rig = new PopupRig(PopupScenario.config(options.agents(), 0, 1, 0, null), progress).start()) {
            if (!options.warmup().isZero()) {
                rig.run("warm-up", options.steps().get(0), options.warmup(), false, Duration.ofSeconds(10));
            }
            for (double rate : options.steps()) {
                String tag = String.format(Locale.ROOT, "%.0f/s", rate);
                PopupPhase p = rig.run("step " + tag, rate, options.stepDuration(), false, Duration.ofSeconds(10));
                lastPhase = p;
                Histogram h = p.notify.snapshot();
                result.latency("call POST (scheduled) → client receives notify, per step", tag, h);
                long lost = Math.max(0, p.expectedNotifications() - (p.received.get() - p.duplicates.get()));
                double p99 = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0;
                boolean complete = p.rejected.get() == 0
                        && p.accepted.get() == p.fired.get()
                        && lost == 0
                        && h.getTotalCount() > 0;
                boolean pass = complete && p99 < options.p99BoundMillis();
                result.figure(tag + " calls sent", p.fired.get(), "count");
                result.figure(tag + " refused or failed", p.rejected.get(), "count");
                result.figure(tag + " notifications not received within the drain", lost, "count");
                result.figure(tag + " p99", p99, "ms");
                result.figure(tag + " passed", pass ? 1 : 0, "bool");
                if (p.firstFailure.get() != null) {
                    result.note(tag + " first failure: " + p.firstFailure.get());
                }
                progress.printf(
                        "throughput: step %s %s (p99 %.1f ms, not received %d, refused %d)%n",
                        tag,
                        pass ? "PASSED" : complete ? "FAILED on p99 (all delivered)" : "FAILED",
                        p99,
                        lost,
                        p.rejected.get());
                if (pass) {
                    // Any passing step counts: the lowest step also pays for JIT/connection warm-up left over from the
                    // short warm-up, so "consecutive from the first" under-reported (10/s failing at 57 ms hid 20/s
                    // passing).
                    if (rate > best) {
                        best = rate;
                        bestPhase = p;
                    }
                }
                if (!complete) {
                    break; // a backlog would spill into every later step
                }
                bestComplete = rate;
            }
            // Same stack, same machine, right after the steps, once dispatch has no backlog left: what Azurite
            // sustains.
            if (!rig.awaitCallEventsEmpty(Duration.ofSeconds(30))) {
                result.note(
                        "Azurite's ceiling was measured while dispatch still worked off a backlog (call-events not empty"
                                + " after 30 s): it is a lower bound.");
            }
            progress.printf("throughput: measuring Azurite's own ceiling (5 s of point upserts/reads, 64 in flight)%n");
            ceiling = AzuriteCeiling.measure(rig.stack().tablesConnectionString(), Duration.ofSeconds(5), 64);
            PopupPhase reported = bestPhase != null ? bestPhase : lastPhase;
            result.summary("scenario", "throughput");
            if (reported != null) {
                reported.summarize(result, options.agents());
                Pipeline.reportCosts(result, reported, rig);
                result.note("Summary latencies, counts and costs are those of the "
                        + (bestPhase != null ? "highest passing step" : "last step run (none passed)")
                        + String.format(Locale.ROOT, " (%.0f/s).", reported.rate));
            }
            result.summary("floor_p50_ms", null);
            result.summary("best_rate_p99_under_bound", best);
            result.summary("p99_bound_ms", options.p99BoundMillis());
            result.summary("table_ceiling_ops_per_s", ceiling.opsPerSecond());
            double tablePerNotification = reported == null ? Double.NaN : reported.opsPerNotification()[0];
            result.summary("pipeline_table_ops_per_s_at_best_rate", tablePerNotification * best);
            result.summary("pipeline_share_of_table_ceiling", tablePerNotification * best / ceiling.opsPerSecond());
            result.figure(
                    "Azurite ceiling (point upsert/read, 64 in flight, same run)", ceiling.opsPerSecond(), "ops/s");
            result.figure("Azurite ceiling errors", ceiling.errors(), "count");
            result.figure(
                    "pipeline Table ops/s at the best rate / Azurite ceiling",
                    tablePerNotification * best / ceiling.opsPerSecond(),
                    "share");
        }
        result.figure(
                "highest rate with every notification delivered within the drain (any latency)",
                bestComplete,
                "notifications/s");
        result.figure(
                "highest sustained notifications/s (p99 < " + options.p99BoundMillis() + " ms, none lost)",
                best,
                "notifications/s");
        result.note("Steps continue while every notification arrives (even above the p99 bound) and stop at the first"
                + " step that leaves notifications undelivered after its 10 s drain or has calls refused.");
        result.note(
                "One notification per call (one agent per call.offered), no decisions; each step is a fixed-rate,"
                        + " coordinated-omission-aware phase after the previous one, on the same running stack and connected agents.");
        return result;
    }
}
