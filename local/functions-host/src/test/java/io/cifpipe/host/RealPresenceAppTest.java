package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cifpipe.host.signalr.SignalRSignature;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REAL generated presence app folder: its custom {@code signalRTrigger} bindings (written by the Maven
 * plugin from the app's @SignalRTrigger annotation) index and route; the upstream checks run before any
 * presence code (which would need Tables) is reached.
 */
class RealPresenceAppTest {
    private static final Path APP = Path.of("").toAbsolutePath().getParent().getParent()
            .resolve("functions-presence/target/azure-functions/cifpipe-presence");
    private static final String KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
    static FunctionsHost host;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isRegularFile(APP.resolve("host.json")), "presence app not built: mvn -pl functions-presence package");
        host = FunctionsHost.builder().appDirectory(APP).inProcess(true).systemKeys(Map.of("signalr_extension", "sys"))
                .settings(Map.of("AzureSignalRConnectionString", "Endpoint=http://localhost;Port=8888;AccessKey=" + KEY + ";Version=1.0;",
                        "ConnectionSweepSchedule", "0 0 0 1 1 *"))
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    @Test
    void everyFunctionIndexes() {
        assertThat(host.functionErrors()).isEmpty();
        assertThat(host.functions()).contains("connected", "disconnected", "decide", "negotiate", "userclient", "staleConnectionSweep");
    }

    @Test
    void upstreamRoutesToTheSignalRTriggerFunctionsAndChecksSignatures() {
        String body = "{\"type\":1,\"invocationId\":\"1\",\"target\":\"decide\",\"arguments\":[{}]}";
        assertThat(post("cifhub", "messages", "decide", "c1", SignalRSignature.sign("wrong-key", "c1"), body)).isEqualTo(401);
        assertThat(post("CIFHUB", "messages", "nosuchmethod", "c1", SignalRSignature.sign(KEY, "c1"), body)).isEqualTo(404);
        assertThat(post("cifhub", "connections", "connected", "c1", null, "{\"type\":10}")).isEqualTo(401);
    }

    private static int post(String hub, String category, String event, String connectionId, String signature, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(host.url() + "/runtime/webhooks/signalr?code=sys"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("X-ASRS-Hub", hub).header("X-ASRS-Category", category).header("X-ASRS-Event", event)
                .header("X-ASRS-Connection-Id", connectionId);
        if (signature != null) b.header("X-ASRS-Signature", signature);
        return TestApp.send(b).statusCode();
    }
}
