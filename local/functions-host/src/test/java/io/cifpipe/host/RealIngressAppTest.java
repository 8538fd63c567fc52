package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.testsupport.Azurite;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REAL generated ingress app folder (functions-ingress/target/azure-functions/cifpipe-ingress, built by
 * the reactor before this module) in a child JVM, wired to the Service Bus emulator and Azurite, exactly as
 * devstack runs it: an accepted CloudEvent must land on the call-events queue.
 */
class RealIngressAppTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    private static final Path APP = ROOT.resolve("functions-ingress/target/azure-functions/cifpipe-ingress");

    static ServiceBusEmulator broker;
    static Azurite azurite;
    static FunctionsHost host;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                Files.isRegularFile(APP.resolve("host.json")),
                "ingress app not built: mvn -pl functions-ingress package");
        broker = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .adminPort(0)
                .queue(QueueOptions.of("call-events"))
                .build();
        broker.start();
        azurite = Azurite.start();
        String tables = azurite.connectionString();
        host = FunctionsHost.builder()
                .appDirectory(APP)
                .appName("ingress")
                .settings(Map.of("ServiceBusConnection", broker.connectionString(), "TablesConnection", tables))
                .functionKeys(Map.of("postCalls", "post-key"))
                .jvmOptions(java.util.List.of("-Xmx256m"))
                .build()
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) host.close();
        if (broker != null) broker.close();
        if (azurite != null) azurite.close();
    }

    @Test
    void healthIsAnonymous() {
        HttpResponse<String> r = TestApp.get(host.url() + "/api/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    @Test
    void postCallsNeedsTheFunctionKey() throws Exception {
        String event = Files.readString(ROOT.resolve("shared-model/examples/call-offered.json"));
        assertThat(TestApp.post(host.url() + "/api/calls", event, "Content-Type", "application/cloudevents+json")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void anAcceptedEventLandsOnTheQueue() throws Exception {
        String event = Files.readString(ROOT.resolve("shared-model/examples/call-offered.json"));
        HttpResponse<String> r = TestApp.post(
                host.url() + "/api/calls",
                event,
                "Content-Type",
                "application/cloudevents+json",
                "x-functions-key",
                "post-key");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (broker.queueStats("call-events").active() < 1 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(broker.queueStats("call-events").active()).isEqualTo(1);
    }

    @Test
    void badInputGetsProblemJsonNot500() {
        HttpResponse<String> r = TestApp.post(
                host.url() + "/api/calls?code=post-key", "{not json", "Content-Type", "application/cloudevents+json");
        assertThat(r.statusCode()).isBetween(400, 499);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(ct -> assertThat(ct).contains("problem+json"));
    }
}
