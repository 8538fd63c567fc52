package io.cifpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.bench.core.ScenarioResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Seconds-long runs of every scenario with tiny numbers: checks that the harness measures and reports
 * (histograms filled, counts add up, files written) — never how fast anything is.
 */
class BenchSmokeTest {
    @TempDir
    Path out;

    private Bench run(String... args) {
        Bench bench = new Bench();
        int code = new CommandLine(bench).execute(args);
        assertThat(code).as("exit code").isZero();
        assertThat(bench.writtenTo()).isNotNull();
        assertThat(bench.writtenTo().resolve("results.json")).isNotEmptyFile();
        assertThat(bench.writtenTo().resolve("summary.txt")).isNotEmptyFile();
        assertThat(bench.writtenTo().resolve("report.html")).isNotEmptyFile();
        return bench;
    }

    private static ScenarioResult only(Bench bench) {
        assertThat(bench.results()).hasSize(1);
        return bench.results().get(0);
    }

    @Test
    @Timeout(120)
    void serviceBusScenarioMeasuresEmulatorAndArtemis() throws Exception {
        ScenarioResult r = only(run(
                "sb",
                "--duration",
                "500ms",
                "--warmup",
                "0s",
                "--rate",
                "50",
                "--window",
                "20",
                "--rounds",
                "2",
                "--out",
                out.toString()));
        for (String system : new String[] {"emulator+SDK", "emulator+proton", "Artemis+proton"}) {
            Histogram fixed = r.latencyOf(system + " fixed rate");
            assertThat(fixed).as(system).isNotNull();
            // two rounds of 25 messages each, merged
            assertThat(fixed.getTotalCount()).as(system + " fixed-rate samples").isEqualTo(50);
            assertThat(r.figureValue(system + " fixed-rate messages sent")).isEqualTo(50);
            assertThat(r.figureValue(system + " fixed-rate messages completed")).isEqualTo(50);
            assertThat(r.figureValue(system + " round 2 throughput")).isPositive();
            assertThat(r.latencyOf(system + " saturation").getTotalCount()).isPositive();
            assertThat(r.figureValue(system + " sustained throughput (send+receive+settle)"))
                    .isPositive();
            assertThat(r.figureValue(system + " errors")).isZero();
        }
        assertThat(r.figureValue("throughput ratio emulator/Artemis, same plain AMQP client"))
                .isPositive();
        assertThat(r.notes())
                .anyMatch(n -> n.contains("emulator+SDK → emulator+proton → Artemis+proton; "
                        + "Artemis+proton → emulator+proton → emulator+SDK"));
        assertThat(r.summary().get("emulator_vs_artemis_throughput_ratio")).isInstanceOf(Double.class);
        assertThat(r.parameters()).containsEntry("benchJvmJit", "tiered (C1+C2)");
    }

    @Test
    void childJvmGetsThisRunsOptionsWithItsOwnScenarioAndNoOut() {
        Bench bench = new Bench();
        new CommandLine(bench).parseArgs("--agents", "5", "all-19", "--out", "/tmp/x", "--decide-fraction=0.5");
        List<String> child = bench.childArgs(List.of("all-19", "--all-19-part", "popup"));
        assertThat(child).containsExactly("all-19", "--all-19-part", "popup", "--agents", "5", "--decide-fraction=0.5");
        Bench parsed = new Bench();
        new CommandLine(parsed).parseArgs(child.toArray(String[]::new));
        assertThat(parsed.all19Part).isEqualTo("popup");
        assertThat(parsed.scenario).isEqualTo("all-19");
    }

    @Test
    @Timeout(120)
    void connectionsScenarioConnectsEveryClientAndReconnectsAfterRestart() throws Exception {
        Bench bench = run(
                "connections",
                "--connections",
                "20",
                "--duration",
                "0s",
                "--emulator-heap",
                "in-process",
                "--out",
                out.toString());
        ScenarioResult r = only(bench);
        assertThat(r.figureValue("connected after storm")).isEqualTo(20);
        assertThat(r.figureValue("connect failures")).isZero();
        assertThat(r.latencyOf("connect storm: time from storm start to connected")
                        .getTotalCount())
                .isEqualTo(20);
        assertThat(r.figureValue("still connected after idle")).isEqualTo(20);
        assertThat(r.figureValue("reconnected after restart")).isEqualTo(20);
        assertThat(r.figureValue("connect storm rate")).isPositive();
        String html = Files.readString(bench.writtenTo().resolve("report.html"));
        assertThat(html).contains("<svg").contains("connect storm");
    }

    @Test
    @Timeout(120)
    void pushScenarioDeliversEveryPushThroughEmulatorAndFloor() throws Exception {
        Bench bench = run(
                "push",
                "--connections",
                "10",
                "--rate",
                "50",
                "--duration",
                "1s",
                "--warmup",
                "0s",
                "--emulator-heap",
                "in-process",
                "--out",
                out.toString());
        ScenarioResult r = only(bench);
        for (String system : new String[] {"SignalR emulator", "bare Vert.x WebSocket (floor)"}) {
            assertThat(r.figureValue(system + " pushes sent")).isEqualTo(50);
            assertThat(r.figureValue(system + " REST failures")).isZero();
            assertThat(r.figureValue(system + " received by clients")).isEqualTo(50);
            assertThat(r.latencyOf(system).getTotalCount()).isEqualTo(50);
        }
        assertThat(r.figureValue("p50 ratio SignalR emulator / bare Vert.x WebSocket (floor)"))
                .isPositive();
        assertThat(Files.readString(bench.writtenTo().resolve("results.json"))).contains("\"hdrHistogramBase64\"");
    }

    @Test
    @Timeout(180)
    void popupScenarioDeliversEveryCallAndDecisionThroughTheRealPipeline() throws Exception {
        // 5 agents (1 on the Java SignalR client), 20 calls/s for 2 s, every notification decided; floor at the same
        // rate.
        Bench bench = run(
                "popup",
                "--agents",
                "5",
                "--java-clients",
                "1",
                "--rate",
                "20",
                "--duration",
                "2s",
                "--warmup",
                "500ms",
                "--decide-fraction",
                "1",
                "--out",
                out.toString());
        ScenarioResult r = only(bench);
        assertThat(r.isUnavailable()).as(r.unavailableReason()).isFalse();
        // run in a C1-only child JVM (this test JVM has the full JIT) and read back from its results.json
        assertThat(r.parameters()).containsEntry("benchJvmJit", "C1 only");
        assertThat(r.figureValue("calls sent")).isEqualTo(40);
        assertThat(r.figureValue("calls accepted (202)")).isEqualTo(40);
        assertThat(r.figureValue("notifications received")).isEqualTo(40);
        assertThat(r.figureValue("notifications not received by the end of the drain (late or lost)"))
                .isZero();
        assertThat(r.latencyOf("pipeline, all clients").getTotalCount()).isEqualTo(40);
        // agent 0 (Java client) is offered every 5th call
        assertThat(r.latencyOf("pipeline, Java SignalR client sample").getTotalCount())
                .isEqualTo(8);
        assertThat(r.figureValue("Delivered outcomes")).isEqualTo(40);
        assertThat(r.figureValue("decides invoked")).isEqualTo(32);
        assertThat(r.figureValue("Accepted outcomes")).isEqualTo(32);
        assertThat(r.latencyOf("decide → Accepted outcome on call-outcomes").getTotalCount())
                .isEqualTo(32);
        assertThat(r.latencyOf("decide completion (hub invocation result)").getTotalCount())
                .isEqualTo(32);
        assertThat(r.figureValue("floor pushes received")).isEqualTo(40);
        assertThat(r.figureValue("p50 ratio pipeline, all clients / bare Vert.x WebSocket push (floor)"))
                .isPositive();

        JsonNode summary = ResultsJson.summary(bench.writtenTo());
        ResultsJson.assertEndToEndSummary(summary, "popup", 20, 5, 40);
        assertThat(summary.get("floor_p50_ms").asDouble()).isPositive();
        // the host honours host.json: the trigger's limit is what host.json asks for, not Reactor's 10 x cores
        assertThat(summary.get("dispatch_sb_concurrency_limit").asInt())
                .isEqualTo(summary.get("dispatch_sb_max_concurrent_calls").asInt());
        // every process of the stack is found and charged: the apps, Azurite, this JVM, and the machine as a whole
        JsonNode cpu = summary.get("cpu_us_per_notification_by_process");
        assertThat(cpu.fieldNames())
                .toIterable()
                .containsExactly(
                        "ingress",
                        "dispatch",
                        "presence",
                        "Azurite (Table stand-in)",
                        "bench JVM (emulators, clients)",
                        "machine (all processes)");
        cpu.forEach(v -> assertThat(v.asDouble()).isPositive());
        assertThat(cpu.get("dispatch").asDouble())
                .isEqualTo(summary.get("dispatch_cpu_us_per_notification").asDouble());
        assertThat(summary.get("idle_cpu_ms_per_s_by_process").fieldNames())
                .toIterable()
                .hasSize(6);
        assertThat(summary.get("local_cpu_ceiling_notifications_per_s").isNumber())
                .isTrue();
        // how long each of dispatch's hot-path requests took at the stand-in, as its proxy saw it
        assertThat(r.figureValue("dispatch Table: table batch, mean service time"))
                .isPositive();
        assertThat(r.figureValue("dispatch SignalR REST: signalr POST user, mean service time"))
                .isPositive();
        // the decisions' path, on presence's own proxies: an Accept writes the ledger at least once
        assertThat(summary.get("presence_table_ops_per_decision").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(summary.get("presence_signalr_requests_per_decision").isNumber())
                .isTrue();
    }

    @Test
    @Timeout(180)
    void throughputReportsTheBestRateAndAzuritesCeiling() throws Exception {
        Bench bench = run(
                "throughput",
                "--agents",
                "3",
                "--steps",
                "10",
                "--duration",
                "1s",
                "--warmup",
                "0s",
                "--p99-bound",
                "60000",
                "--out",
                out.toString());
        ScenarioResult r = only(bench);
        assertThat(r.isUnavailable()).as(r.unavailableReason()).isFalse();
        JsonNode summary = ResultsJson.summary(bench.writtenTo());
        ResultsJson.assertEndToEndSummary(summary, "throughput", 10, 3, 10);
        assertThat(summary.get("best_rate_p99_under_bound").asDouble())
                .as("the only step passes a 60 s bound")
                .isEqualTo(10);
        assertThat(summary.get("table_ceiling_ops_per_s").asDouble()).isPositive();
        assertThat(r.figureValue("Azurite ceiling errors")).isZero();
        assertThat(summary.get("pipeline_share_of_table_ceiling").asDouble()).isPositive();
    }

    @Test
    @Timeout(180)
    void azureModelRunsThePopupScenarioBehindDelayProxies() throws Exception {
        Bench bench = run(
                "azure-model",
                "--agents",
                "3",
                "--java-clients",
                "0",
                "--rate",
                "10",
                "--duration",
                "1s",
                "--warmup",
                "0s",
                "--decide-fraction",
                "0",
                "--no-floor",
                "--model-table-ms",
                "4",
                "--out",
                out.toString());
        ScenarioResult r = only(bench);
        assertThat(r.isUnavailable()).as(r.unavailableReason()).isFalse();
        assertThat(r.figureValue("notifications received")).isEqualTo(10);
        for (String service : new String[] {"servicebus", "functions"}) {
            assertThat(r.figureValue("delay proxy " + service + ": connections"))
                    .as(service + " went through its proxy")
                    .isPositive();
        }
        assertThat(r.figureValue("counting proxy dispatch tables: delay per request"))
                .isEqualTo(4.0);
        assertThat(r.figureValue("counting proxy dispatch signalr: delay per request"))
                .isEqualTo(5.0);
        JsonNode summary = ResultsJson.summary(bench.writtenTo());
        ResultsJson.assertEndToEndSummary(summary, "azure-model", 10, 3, 10);
        assertThat(summary.get("model_p50_ms").asDouble())
                .isEqualTo(summary.get("pipeline_p50_ms").asDouble());
        assertThat(summary.get("model_p99_ms").asDouble())
                .isGreaterThanOrEqualTo(summary.get("model_p50_ms").asDouble());
        assertThat(summary.get("model_assumptions").get("table_rtt_ms").asDouble())
                .isEqualTo(4.0);
        assertThat(summary.get("model_ms_per_extra_tables_round_trip").asDouble())
                .isEqualTo(4.0);
        // a notification crosses at least the ingress hop and a Service Bus exchange: the model cannot be faster than
        // that
        assertThat(summary.get("model_p50_ms").asDouble()).isGreaterThanOrEqualTo(3 + 5);
    }

    @Test
    @Timeout(180)
    void scaleScenarioRegistersEveryAgentThroughPresenceAndAfterRestart() throws Exception {
        Bench bench = run(
                "scale",
                "--agents",
                "6",
                "--storm",
                "4",
                "--duration",
                "0s",
                "--emulator-heap",
                "in-process",
                "--presence-only",
                "--out",
                out.toString());
        ScenarioResult r = only(bench);
        assertThat(r.isUnavailable()).as(r.unavailableReason()).isFalse();
        assertThat(r.figureValue("9:00 storm: agents connected")).isEqualTo(4);
        assertThat(r.latencyOf("9:00 storm: time from storm start to connected").getTotalCount())
                .isEqualTo(4);
        assertThat(r.figureValue("agents connected")).isEqualTo(6);
        assertThat(r.figureValue("connect failures (all phases; a failed first connect is not retried)"))
                .isZero();
        // the registry really holds one row per connected agent, written by presence from the upstream events
        assertThat(r.figureValue("9:00 storm: registry rows / agents")).isEqualTo(4);
        assertThat(r.figureValue("registry rows")).isEqualTo(6);
        assertThat(r.figureValue("registry distinct agents")).isEqualTo(6);
        assertThat(r.figureValue("registry converged for all agents after (from 9:00)"))
                .isPositive();
        assertThat(r.figureValue("presence negotiate failures")).isZero();
        assertThat(r.figureValue("presence JVM live heap with agents (after full GC)"))
                .isPositive();
        // after stack.restartSignalR() every agent re-negotiated through presence and has a fresh row
        assertThat(r.figureValue("reconnected after restart")).isEqualTo(6);
        assertThat(r.figureValue("reconnect storm: presence negotiations (re-negotiated through presence)"))
                .isGreaterThanOrEqualTo(6);
        assertThat(r.figureValue("registry: new rows (ConnectedAt after restart)"))
                .isEqualTo(6);
        assertThat(Files.readString(bench.writtenTo().resolve("report.html"))).contains("9:00 connect storm");
    }
}
