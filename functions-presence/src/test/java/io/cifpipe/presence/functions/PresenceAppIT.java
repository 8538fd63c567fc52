package io.cifpipe.presence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.harness.parts.FunctionsAppPart;
import io.cifpipe.host.FunctionsHost;
import io.cifpipe.model.Setting;
import io.cifpipe.runtime.signalr.UpstreamSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged presence app folder in the local Functions host: every function indexes (HTTP and timers only) and
 * SignalR upstream reaches the anonymous HTTP route {@code /api/signalr/{hub}/{category}/{event}}, whose handler
 * authenticates before any presence code that would need Tables runs (no Azurite here: a request that got past
 * authentication would fail differently).
 */
class PresenceAppIT {
    private static final String KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
    private static final String NEVER = "0 0 0 1 1 *";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static FunctionsAppPart presence;
    static FunctionsHost host;

    @BeforeAll
    static void start() {
        Path app = Path.of(System.getProperty("functions.dir", "target/azure-functions/cifpipe-presence"));
        // A child JVM: app settings must be the environment the function code reads, as on Azure.
        presence = FunctionsAppPart.marked("presence", () -> FunctionsHost.builder()
                .appDirectory(app)
                .inProcess(false)
                .port(0)
                .settings(Map.of(
                        Setting.SIGNALR_CONNECTION.key(),
                        "Endpoint=http://localhost;Port=8888;AccessKey=" + KEY + ";Version=1.0;",
                        Setting.CONNECTION_SWEEP_SCHEDULE.key(),
                        NEVER,
                        Setting.OUTCOME_REPUBLISH_SCHEDULE.key(),
                        NEVER)));
        presence.start();
        host = presence.host();
    }

    @AfterAll
    static void stop() {
        if (presence != null) presence.close();
    }

    @Test
    void everyFunctionIndexes() {
        assertThat(host.functionErrors()).isEmpty();
        assertThat(host.functions())
                .containsExactlyInAnyOrder(
                        "signalrUpstream", "negotiate", "userclient", "staleConnectionSweep", "outcomeRepublish");
    }

    @Test
    void upstreamReachesTheHttpRouteWhichAuthenticatesFirst() throws Exception {
        String body = "{\"type\":1,\"invocationId\":\"1\",\"target\":\"decide\",\"arguments\":[{}]}";
        assertThat(post(
                        "cifhub",
                        "messages",
                        "decide",
                        "c1",
                        UpstreamSignature.sign("wrong-key-0123456789abcdefghijklmnopq", "c1"),
                        body))
                .isEqualTo(401);
        assertThat(post("CIFHUB", "messages", "nosuchmethod", "c1", UpstreamSignature.sign(KEY, "c1"), body))
                .isEqualTo(404);
        assertThat(post("cifhub", "connections", "connected", "c1", null, "{\"type\":10}"))
                .isEqualTo(401);
        assertThat(post("cifhub", "connections", "connected", "c1", UpstreamSignature.sign(KEY, "c1"), "{\"type\":"))
                .isEqualTo(400);
        // the old extension webhook is gone: nothing answers there any more
        HttpRequest old = HttpRequest.newBuilder(URI.create(host.url() + "/runtime/webhooks/signalr"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build();
        assertThat(HTTP.send(old, HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(404);
    }

    private static int post(
            String hub, String category, String event, String connectionId, String signature, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(host.url() + "/api/signalr/" + hub + "/" + category + "/" + event))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("X-ASRS-Hub", hub)
                .header("X-ASRS-Category", category)
                .header("X-ASRS-Event", event)
                .header("X-ASRS-Connection-Id", connectionId);
        if (signature != null) b.header("X-ASRS-Signature", signature);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
