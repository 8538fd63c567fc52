package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import com.microsoft.signalr.HubException;
import io.cifpipe.emulator.signalr.SignalREmulator;
import io.reactivex.rxjava3.core.Single;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Java SignalR client → the SignalR emulator → signed upstream webhooks → this host → the test
 * app's signalRTrigger functions, and the Completion back to the client's invoke().
 */
class SignalREmulatorEndToEndTest {
    private static final String KEY = "host-e2e-key-0123456789abcdefghijklmnopqrstuvwxyz";

    @TempDir
    static Path dir;
    static FunctionsHost host;
    static SignalREmulator emulator;
    static HubConnection hub;

    @BeforeAll
    static void start() throws Exception {
        host = FunctionsHost.builder().appDirectory(TestApp.create(dir)).inProcess(true)
                .settings(Map.of("AzureSignalRConnectionString", "Endpoint=http://127.0.0.1;AccessKey=" + KEY + ";Version=1.0;"))
                .build().start();
        emulator = SignalREmulator.builder().port(0).accessKey(KEY).upstreamTemplate(host.signalRUpstreamUrl()).build().start();
        String token = emulator.accessTokens().mintClientToken(emulator.endpoint(), "testhub", "agent-9", Duration.ofMinutes(5));
        hub = HubConnectionBuilder.create(emulator.clientUrl("testhub")).withAccessTokenProvider(Single.defer(() -> Single.just(token)))
                .build();
        assertThat(hub.start().blockingAwait(20, TimeUnit.SECONDS)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (hub != null) hub.stop().blockingAwait(5, TimeUnit.SECONDS);
        if (emulator != null) emulator.close();
        if (host != null) host.close();
    }

    @Test
    void connectedEventReachesTheFunctionWithUserAndConnectionId() throws Exception {
        JsonNode event = TestApp.awaitRecorded(host.url(), e -> e.path("kind").asText().equals("connected")
                && e.path("invocation").asText().contains(hub.getConnectionId()));
        JsonNode ctx = HostJson.MAPPER.readTree(event.get("invocation").asText());
        assertThat(ctx.get("UserId").asText()).isEqualTo("agent-9");
        assertThat(ctx.get("Hub").asText()).isEqualTo("testhub");
    }

    @Test
    @SuppressWarnings("rawtypes")
    void invokeResolvesWithTheFunctionsReturnValue() {
        Map result = hub.invoke(Map.class, "echo", "ping").blockingGet();
        assertThat(result.get("echo")).isEqualTo("ping");
        assertThat(result.get("connectionId")).isEqualTo(hub.getConnectionId());
    }

    @Test
    void aThrowingHubFunctionRejectsTheInvokeWithItsMessage() {
        assertThatThrownBy(() -> hub.invoke(Map.class, "echo", "fail").blockingGet())
                .isInstanceOf(HubException.class).hasMessageContaining("cannot echo 'fail'");
    }
}
