package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * host.json's maxConcurrentCalls is honoured above Reactor's default pool (10 x cores), as the Azure host honours it:
 * the child JVM gets a pool sized for it, and the admin status reports configured and observed concurrency.
 */
class ServiceBusConcurrencyTest {
    private static final String QUEUE = "slow";

    @TempDir
    Path dir;

    @Test
    void maxConcurrentCallsAboveReactorsDefaultPoolRunsThatManyAtOnce() throws Exception {
        int calls = 10 * Runtime.getRuntime().availableProcessors() + 6; // more than Reactor's default would allow
        Path app = TestApp.create(dir);
        // Only this test's copy of the test app gets the slow function (other tests list the app's functions).
        Files.createDirectories(app.resolve("slowConsume"));
        Files.writeString(app.resolve("slowConsume/function.json"), """
                {"scriptFile": "../testapp.jar", "entryPoint": "io.cifpipe.host.testapp.SlowFunctions.slowConsume",
                 "bindings": [{"type": "serviceBusTrigger", "direction": "in", "name": "message",
                               "queueName": "%SlowQueue%", "connection": "SbConn"}]}
                """);
        Files.writeString(app.resolve("host.json"), """
                {"version": "2.0", "extensions": {"serviceBus": {"maxConcurrentCalls": %d, "prefetchCount": 7}}}
                """.formatted(calls));
        try (ServiceBusEmulator broker = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .adminPort(0)
                .queue(QueueOptions.of(QUEUE).withLockDuration(Duration.ofSeconds(60)))
                .build()) {
            broker.start();
            try (FunctionsHost host = FunctionsHost.builder()
                            .appDirectory(app)
                            .appName("concurrency")
                            .settings(Map.of(
                                    "SbConn", broker.connectionString(), "SlowQueue", QUEUE, "InQueue", "unused"))
                            .jvmOptions(List.of("-Xmx192m"))
                            .childLog(dir.resolve("child.log"))
                            .build()
                            .start();
                    ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                            .connectionString(broker.connectionString())
                            .sender()
                            .queueName(QUEUE)
                            .buildClient()) {
                List<ServiceBusMessage> batch = new ArrayList<>();
                for (int i = 0; i < calls + 10; i++) batch.add(new ServiceBusMessage("4000"));
                sender.sendMessages(batch);

                JsonNode slow = awaitPeak(host, calls, Duration.ofSeconds(30));
                assertThat(slow.path("maxConcurrentCalls").asInt()).isEqualTo(calls);
                assertThat(slow.path("prefetchCount").asInt()).isEqualTo(7);
                assertThat(slow.path("workerPool").asInt())
                        .as("pool sized for host.json")
                        .isGreaterThanOrEqualTo(calls);
                assertThat(slow.path("concurrencyLimit").asInt()).isEqualTo(calls);
                assertThat(slow.path("peakConcurrentCalls").asInt())
                        .as("never more than maxConcurrentCalls")
                        .isEqualTo(calls);
            }
        }
    }

    private static JsonNode awaitPeak(FunctionsHost host, int calls, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode slow = null;
        while (System.nanoTime() < deadline) {
            JsonNode status = HostJson.MAPPER.readTree(TestApp.get(
                            host.url() + "/admin/host/status",
                            "x-functions-key",
                            host.keys().masterKey())
                    .body());
            for (JsonNode t : status.path("serviceBus")) {
                if (t.path("function").asText().equals("slowConsume")) slow = t;
            }
            if (slow != null && slow.path("peakConcurrentCalls").asInt() >= calls) return slow;
            Thread.sleep(100);
        }
        throw new AssertionError("fewer than " + calls + " concurrent calls within " + timeout + ": " + slow);
    }
}
