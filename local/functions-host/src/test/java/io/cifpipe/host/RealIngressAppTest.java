package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    private static final Path AZURITE = ROOT.resolve("local/azurite/node_modules/.bin/azurite-table");
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    static ServiceBusEmulator broker;
    static Process azurite;
    static FunctionsHost host;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isRegularFile(APP.resolve("host.json")), "ingress app not built: mvn -pl functions-ingress package");
        assumeTrue(Files.isExecutable(AZURITE), "Azurite not installed in local/azurite (npm ci)");
        broker = ServiceBusEmulator.builder().host("127.0.0.1").port(0).adminPort(0).queue(QueueOptions.of("call-events")).build();
        broker.start();
        int tablePort = azurite();
        String tables = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                + ";TableEndpoint=http://127.0.0.1:" + tablePort + "/devstoreaccount1;";
        host = FunctionsHost.builder().appDirectory(APP).appName("ingress")
                .settings(Map.of("ServiceBusConnection", broker.connectionString(), "TablesConnection", tables))
                .functionKeys(Map.of("postCalls", "post-key")).jvmOptions(java.util.List.of("-Xmx256m")).build().start();
    }

    private static int azurite() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        azurite = new ProcessBuilder(AZURITE.toString(), "--inMemoryPersistence", "--disableTelemetry", "--tableHost", "127.0.0.1",
                "--tablePort", String.valueOf(port))
                .redirectErrorStream(true).start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(azurite.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains("successfully started")) listening.complete(null);
                }
            } catch (java.io.IOException ignored) {
                // process ended
            }
            listening.completeExceptionally(new IllegalStateException("azurite exited"));
        });
        reader.setDaemon(true);
        reader.start();
        listening.get(60, TimeUnit.SECONDS);
        return port;
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) host.close();
        if (broker != null) broker.close();
        if (azurite != null) {
            azurite.destroy();
            azurite.waitFor(10, TimeUnit.SECONDS);
        }
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
        assertThat(TestApp.post(host.url() + "/api/calls", event, "Content-Type", "application/cloudevents+json").statusCode())
                .isEqualTo(401);
    }

    @Test
    void anAcceptedEventLandsOnTheQueue() throws Exception {
        String event = Files.readString(ROOT.resolve("shared-model/examples/call-offered.json"));
        HttpResponse<String> r = TestApp.post(host.url() + "/api/calls", event, "Content-Type", "application/cloudevents+json",
                "x-functions-key", "post-key");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (broker.queueStats("call-events").active() < 1 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(broker.queueStats("call-events").active()).isEqualTo(1);
    }

    @Test
    void badInputGetsProblemJsonNot500() {
        HttpResponse<String> r = TestApp.post(host.url() + "/api/calls?code=post-key", "{not json", "Content-Type",
                "application/cloudevents+json");
        assertThat(r.statusCode()).isBetween(400, 499);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).contains("problem+json"));
    }
}
