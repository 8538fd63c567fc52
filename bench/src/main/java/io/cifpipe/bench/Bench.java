package io.cifpipe.bench;

import io.cifpipe.bench.core.BenchJvm;
import io.cifpipe.bench.core.Report;
import io.cifpipe.bench.core.RunInfo;
import io.cifpipe.bench.core.ScenarioResult;
import io.cifpipe.bench.model.LatencyModel;
import io.cifpipe.bench.popup.PopupScenario;
import io.cifpipe.bench.popup.ThroughputScenario;
import io.cifpipe.bench.sb.SbScenario;
import io.cifpipe.bench.scale.ScaleScenario;
import io.cifpipe.bench.signalr.ConnectionsScenario;
import io.cifpipe.bench.signalr.PushScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code java -jar bench.jar [sb|connections|push|popup|all] [options]}: runs scenarios and writes the report. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Reproducible, time-bounded, loopback-only benchmarks of the local stack.",
            "Prints a table and writes results.json + report.html under bench/results/<timestamp>/."
        })
public final class Bench implements Callable<Integer> {
    @Parameters(
            index = "0",
            arity = "0..1",
            defaultValue = "all",
            description =
                    "Scenario: sb, connections, push, popup, throughput, scale, azure-model, all, or all-19 (issue 19's"
                            + " figures: sb, popup, throughput, azure-model with fixed presets) (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Measured phase length per system, e.g. 10s, 1m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "3s",
            converter = DurationConverter.class,
            description = "Unrecorded warm-up before each measured phase (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--rate", description = "Fixed send rate per second (default: sb 1000, push 500, popup 500).")
    Double rate;

    @Option(
            names = {"--connections", "--agents"},
            description =
                    "Connected clients (default: connections 2000, push 1000, popup and throughput 1000, scale 10000).")
    Integer connections;

    @Option(
            names = "--message-bytes",
            defaultValue = "1024",
            description = "sb message body size (default: ${DEFAULT-VALUE}).")
    int messageBytes;

    @Option(
            names = "--window",
            defaultValue = "500",
            description = "sb saturation phase: messages in flight end to end (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--no-artemis", description = "sb: skip the Apache Artemis baseline.")
    boolean noArtemis;

    @Option(
            names = "--no-restart",
            description = "connections, scale: skip the reconnect storm after an emulator restart.")
    boolean noRestart;

    @Option(
            names = "--emulator-heap",
            defaultValue = "1g",
            description = "-Xmx of the SignalR emulator / bare server child processes (default: ${DEFAULT-VALUE}).")
    String emulatorHeap;

    @Option(names = "--out", description = "Results root (default: bench/results if ./bench exists, else ./results).")
    Path out;

    @Option(
            names = "--java-clients",
            defaultValue = "10",
            description = "popup: how many of the agents use the real Java SignalR client (default: ${DEFAULT-VALUE}).")
    int javaClients;

    @Option(
            names = "--decide-fraction",
            defaultValue = "0.2",
            description =
                    "popup: share of notifications the client decides (accept), 0..1 (default: ${DEFAULT-VALUE}).")
    double decideFraction;

    @Option(
            names = "--targets-per-call",
            defaultValue = "1",
            description = "popup: agents offered each call (default: ${DEFAULT-VALUE}).")
    int targetsPerCall;

    @Option(names = "--no-floor", description = "popup: skip the bare WebSocket floor.")
    boolean noFloor;

    @Option(
            names = "--steps",
            split = ",",
            defaultValue = "250,500,1000,1500,2000,3000",
            description = "throughput: notification rates per step (default: ${DEFAULT-VALUE}).")
    List<Double> steps;

    @Option(
            names = "--p99-bound",
            defaultValue = "50",
            description = "throughput: a step passes with p99 below this many ms (default: ${DEFAULT-VALUE}).")
    long p99Bound;

    @Option(
            names = "--storm",
            defaultValue = "1000",
            description =
                    "scale: agents in the 9:00 connect storm; the rest connect after (default: ${DEFAULT-VALUE}).")
    int storm;

    @Option(names = "--presence-only", description = "scale: run only the presence app (not idle ingress/dispatch).")
    boolean presenceOnly;

    @Option(
            names = "--rounds",
            defaultValue = "2",
            description = "sb: rounds over the three systems, order reversed every round (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--model-table-ms",
            defaultValue = "5",
            description =
                    "azure-model: assumed Table Storage round trip per operation, ms (default: ${DEFAULT-VALUE}).")
    double modelTableMs;

    @Option(
            names = "--model-servicebus-ms",
            defaultValue = "5",
            description =
                    "azure-model: assumed Service Bus round trip per AMQP exchange, ms (default: ${DEFAULT-VALUE}).")
    double modelServiceBusMs;

    @Option(
            names = "--model-signalr-ms",
            defaultValue = "5",
            description = "azure-model: assumed SignalR REST round trip per request, ms (default: ${DEFAULT-VALUE}).")
    double modelSignalrMs;

    @Option(
            names = "--model-functions-ms",
            defaultValue = "3",
            description = "azure-model: assumed Functions HTTP front-end round trip, ms (default: ${DEFAULT-VALUE}).")
    double modelFunctionsMs;

    @Option(names = "--all-19-part", hidden = true, description = "all-19: run only this part (a child JVM's share).")
    String all19Part;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final List<ScenarioResult> results = new ArrayList<>();
    private Path writtenTo;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (scenario.equals("all-19")) {
            return all19();
        }
        List<String> which = scenario.equals("all")
                ? List.of("sb", "connections", "push", "popup", "throughput", "scale")
                : List.of(scenario);
        for (String s : which) {
            System.err.printf("%n>>> scenario %s%n", s);
            results.add(run(s, childArgs(List.of(s)), () -> scenario(s)));
        }
        return write();
    }

    /** One scenario with this run's options, in this JVM. */
    private ScenarioResult scenario(String s) throws Exception {
        return switch (s) {
            case "sb" ->
                new SbScenario(
                                new SbScenario.Options(
                                        rate(1000),
                                        duration,
                                        duration,
                                        messageBytes,
                                        window,
                                        warmup,
                                        !noArtemis,
                                        rounds),
                                System.err)
                        .run();
            case "connections" ->
                new ConnectionsScenario(
                                new ConnectionsScenario.Options(connections(2000), !noRestart, emulatorHeap, duration),
                                System.err)
                        .run();
            case "push" ->
                new PushScenario(
                                new PushScenario.Options(connections(1000), rate(500), duration, warmup, emulatorHeap),
                                System.err)
                        .run();
            case "popup" ->
                new PopupScenario(
                                new PopupScenario.Options(
                                        connections(1000),
                                        javaClients,
                                        rate(500),
                                        duration,
                                        warmup,
                                        decideFraction,
                                        targetsPerCall,
                                        !noFloor),
                                System.err)
                        .run();
            case "throughput" ->
                new ThroughputScenario(
                                new ThroughputScenario.Options(connections(1000), steps, duration, warmup, p99Bound),
                                System.err)
                        .run();
            case "azure-model" ->
                new PopupScenario(
                                new PopupScenario.Options(
                                        connections(1000),
                                        javaClients,
                                        rate(100),
                                        duration,
                                        warmup,
                                        decideFraction,
                                        targetsPerCall,
                                        !noFloor,
                                        model()),
                                System.err)
                        .run();
            case "scale" ->
                new ScaleScenario(
                                new ScaleScenario.Options(
                                        connections(10_000), storm, !noRestart, emulatorHeap, !presenceOnly, duration),
                                System.err)
                        .run();
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown scenario: " + s);
        };
    }

    /**
     * Runs a scenario in this JVM when its JIT mode is the one the scenario wants ({@link BenchJvm}: C1 only for the
     * pipeline scenarios, where this JVM is part of the load), else in a child JVM started with {@code childArgs}.
     */
    private ScenarioResult run(String name, List<String> childArgs, Callable<ScenarioResult> here) throws Exception {
        boolean c1Only = C1_ONLY_SCENARIOS.contains(name);
        if (c1Only != BenchJvm.isC1Only()) {
            List<ScenarioResult> child = BenchJvm.runChild(c1Only, Bench.class, childArgs, System.err);
            if (child.size() != 1) {
                throw new IllegalStateException(
                        "child bench " + childArgs + " reported " + child.size() + " scenarios");
            }
            return child.get(0);
        }
        return here.call().parameter("benchJvmJit", BenchJvm.jit());
    }

    /** This run's command line with {@code head} in place of the scenario, and without {@code --out}. */
    List<String> childArgs(List<String> head) {
        List<String> args = new ArrayList<>(head);
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        boolean scenarioSeen = false;
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i);
            if (a.equals("--out")) {
                i++; // and its value
            } else if (!a.startsWith("--out=") && !(a.equals(scenario) && !scenarioSeen)) {
                args.add(a);
            }
            scenarioSeen |= a.equals(scenario);
        }
        return args;
    }

    /**
     * Scenarios where this JVM (emulators, counting proxies, the agents' clients) is part of the measured load for
     * seconds-long phases: they run C1 only, as the Functions hosts do ({@link BenchJvm}).
     */
    static final Set<String> C1_ONLY_SCENARIOS = Set.of("popup", "throughput", "azure-model");

    /** azure-model's rate in all-19: well inside what the local stack sustains on 2 cores (run 5 queued at 100/s). */
    static final double MODEL_RATE_PER_S = 20;

    /**
     * Every figure issue 19 asks for, in one run and one results folder, 6–10 minutes on 2 cores: sb (2 rounds,
     * order alternating), popup (1,000 agents at 100/s, 20 s, with its floor), throughput (rising steps on the same
     * agents, Azurite's ceiling in the same stack), azure-model (the popup scenario behind delay proxies, at
     * {@value #MODEL_RATE_PER_S}/s). Presets are fixed so runs compare; {@code --agents} and the model's
     * {@code --model-*} flags still apply. sb runs with the full JIT, the other three C1 only (in a child JVM for
     * whichever this JVM is not).
     */
    private int all19() throws Exception {
        int agents = connections(1000);
        Duration w = Duration.ofSeconds(5);
        Map<String, Callable<ScenarioResult>> parts = new LinkedHashMap<>();
        parts.put("sb", () -> new SbScenario(
                        new SbScenario.Options(
                                1000,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(5),
                                messageBytes,
                                window,
                                Duration.ofSeconds(2),
                                true,
                                2),
                        System.err)
                .run());
        parts.put("popup", () -> new PopupScenario(
                        new PopupScenario.Options(
                                agents, javaClients, 100, Duration.ofSeconds(20), w, decideFraction, 1, true),
                        System.err)
                .run());
        parts.put("throughput", () -> new ThroughputScenario(
                        new ThroughputScenario.Options(
                                agents,
                                // From a rate the local stack sustains up to the target (200/s) and past it.
                                List.of(20.0, 40.0, 60.0, 100.0, 200.0, 300.0),
                                Duration.ofSeconds(10),
                                w,
                                p99Bound),
                        System.err)
                .run());
        // At a rate the local stack sustains: the injected delays, not local queueing, must set the prediction.
        parts.put("azure-model", () -> new PopupScenario(
                        new PopupScenario.Options(
                                agents,
                                javaClients,
                                MODEL_RATE_PER_S,
                                Duration.ofSeconds(20),
                                w,
                                decideFraction,
                                1,
                                false,
                                model()),
                        System.err)
                .run());
        if (all19Part != null && !parts.containsKey(all19Part)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown all-19 part: " + all19Part);
        }
        int i = 0;
        for (Map.Entry<String, Callable<ScenarioResult>> part : parts.entrySet()) {
            i++;
            if (all19Part == null || all19Part.equals(part.getKey())) {
                System.err.printf("%n>>> all-19 %d/%d: %s%n", i, parts.size(), part.getKey());
                results.add(run(
                        part.getKey(), childArgs(List.of("all-19", "--all-19-part", part.getKey())), part.getValue()));
            }
        }
        return write();
    }

    private int write() throws Exception {
        Path root = out != null
                ? out
                : Files.isDirectory(Path.of("bench")) ? Path.of("bench", "results") : Path.of("results");
        RunInfo run = RunInfo.capture(
                "bench " + String.join(" ", spec.commandLine().getParseResult().originalArgs()), scenario);
        writtenTo = root.resolve(run.timestamp());
        new Report(run, results).write(writtenTo, System.out);
        return 0;
    }

    private LatencyModel model() {
        return new LatencyModel(
                millis(modelTableMs), millis(modelServiceBusMs), millis(modelSignalrMs), millis(modelFunctionsMs));
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos(Math.round(ms * 1e6));
    }

    private double rate(double dflt) {
        return rate != null ? rate : dflt;
    }

    private int connections(int dflt) {
        return connections != null ? connections : dflt;
    }

    /** For tests: what the last {@link #call()} measured and where it wrote the report. */
    public List<ScenarioResult> results() {
        return results;
    }

    public Path writtenTo() {
        return writtenTo;
    }

    /** Accepts 500ms, 10s, 2m or ISO-8601 (PT10S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase();
            if (s.startsWith("pt") || s.startsWith("p")) {
                return Duration.parse(s.toUpperCase());
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> throw new CommandLine.TypeConversionException("duration like 500ms, 10s or 1m: " + v);
            };
        }
    }
}
