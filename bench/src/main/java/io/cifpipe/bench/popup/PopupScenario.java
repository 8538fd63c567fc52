package io.cifpipe.bench.popup;

import io.cifpipe.bench.core.Latencies;
import io.cifpipe.bench.core.ScenarioResult;
import io.cifpipe.bench.model.LatencyModel;
import java.io.PrintStream;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * Scenario 1, call → popup end to end: the real pipeline (ingress HTTP → Service Bus emulator → dispatch → SignalR
 * emulator → client) with N connected agents, open-loop {@code call.offered} at R/s, the decision round trip
 * (client {@code decide} → outcome on {@code call-outcomes}), and the floor (bare Vert.x WebSocket push to the same
 * number of clients at the same rate) in the same run.
 */
public final class PopupScenario {
    /** The quiet window after the measured phase that measures each process's fixed CPU cost. */
    static final Duration IDLE = Duration.ofSeconds(5);

    /**
     * @param decideFraction share of received notifications the client decides (accept), 0..1
     * @param targetsPerCall agents offered each call (a batch of call.offered events with one callId)
     */
    /** @param model null: the stand-ins on plain loopback; else the Azure latency model (scenario {@code azure-model}) */
    public record Options(
            int agents,
            int javaClients,
            double rate,
            Duration duration,
            Duration warmup,
            double decideFraction,
            int targetsPerCall,
            boolean floor,
            LatencyModel model) {
        public Options(
                int agents,
                int javaClients,
                double rate,
                Duration duration,
                Duration warmup,
                double decideFraction,
                int targetsPerCall,
                boolean floor) {
            this(agents, javaClients, rate, duration, warmup, decideFraction, targetsPerCall, floor, null);
        }
    }

    static final String PIPELINE = "pipeline, all clients";
    static final String FLOOR = "bare Vert.x WebSocket push (floor)";
    private final Options options;
    private final PrintStream progress;

    public PopupScenario(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public ScenarioResult run() throws Exception {
        LatencyModel model = options.model();
        ScenarioResult result = new ScenarioResult(
                model == null ? "popup" : "azure-model",
                String.format(
                        "call → popup end to end, %d agents, %.0f calls/s: ingress → Service Bus → dispatch → SignalR → client%s",
                        options.agents(),
                        options.rate(),
                        model == null ? "" : ", Azure latency model (delay proxies)"));
        result.summary("scenario", result.scenario());
        result.parameter("agents", options.agents())
                .parameter("javaClients", options.javaClients())
                .parameter("rate", options.rate())
                .parameter("duration", options.duration().toString())
                .parameter("warmup", options.warmup().toString())
                .parameter("decideFraction", options.decideFraction())
                .parameter("targetsPerCall", options.targetsPerCall());
        if (model != null) {
            result.parameter("model", model.describe());
        }
        PopupPhase measured;
        try (PopupRig rig = new PopupRig(
                        config(
                                options.agents(),
                                options.javaClients(),
                                options.targetsPerCall(),
                                options.decideFraction(),
                                model),
                        progress)
                .start()) {
            if (!options.warmup().isZero()) {
                rig.run("warm-up", options.rate(), options.warmup(), true, Duration.ofSeconds(10));
            }
            // Drain up to 30 s: under overload the backlog's latencies are recorded rather than cut off, and the run
            // still
            // ends within 3 minutes at 1,000 agents (stack ≈ 20 s, sign-in ≈ 20-45 s, phases, floor ≈ 35 s).
            measured = rig.run("measured", options.rate(), options.duration(), true, Duration.ofSeconds(30));
            // After the measured phase: the JIT has seen the path and no call is left to drain.
            DispatchProbe.Window idle = rig.idle(IDLE);
            measured.report(result, "", options.javaClients() > 0);
            result.figure("outcome messages read from call-outcomes (whole run)", rig.outcomesRead(), "count");
            measured.summarize(result, options.agents());
            Pipeline.reportCosts(result, measured, rig, idle);
            if (model != null) {
                Pipeline.reportModel(result, measured, model, rig);
            }
        }
        if (options.floor()) {
            FloorPhase.Outcome floor =
                    FloorPhase.run(options.agents(), options.rate(), options.warmup(), options.duration(), progress);
            result.latency(
                    "call POST (scheduled) → client receives notify",
                    FLOOR,
                    floor.latency().snapshot());
            result.figure("floor pushes sent", floor.sent(), "count");
            result.figure("floor pushes received", floor.received(), "count");
            result.figure("floor push failures", floor.failed(), "count");
            Latencies.ratio(result, PIPELINE, FLOOR);
            Histogram f = floor.latency().snapshot();
            result.summary("floor_p50_ms", f.getTotalCount() == 0 ? Double.NaN : f.getValueAtPercentile(50) / 1000.0);
            result.summary("floor_p99_ms", f.getTotalCount() == 0 ? Double.NaN : f.getValueAtPercentile(99) / 1000.0);
        } else {
            result.summary("floor_p50_ms", null).summary("floor_p99_ms", null);
        }
        result.note(
                "Latency of a notification is measured from the call's scheduled (open-loop) POST time to the"
                        + " client's parse of the notify frame; decide latencies from the decide invocation. The stack runs in this"
                        + " JVM (Service Bus and SignalR emulators, mock-oauth2-server, load generator, clients) plus Azurite (node)"
                        + " and one child JVM per Functions app; the reader has its own subscription of call-outcomes (telephony), so every outcome is seen here.");
        result.note(
                "Each phase waits (bounded: warm-up 10 s, measured 30 s) until every accepted call was received and every"
                        + " decision's outcome read; what is still missing then is counted as not received (late or lost).");
        result.note("Floor: the same clients and rate against a bare Vert.x WebSocket server in this JVM (one HTTP POST"
                + " → one frame), run after the stack was stopped.");
        return result;
    }

    static PopupRig.Config config(
            int agents, int javaClients, int targetsPerCall, double decideFraction, LatencyModel model) {
        // A 30 s lock: a slow dispatch under load must not see its messages redelivered mid-run.
        return new PopupRig.Config(
                agents, javaClients, Math.max(1, targetsPerCall), decideFraction, Duration.ofSeconds(30), 10, model);
    }
}
