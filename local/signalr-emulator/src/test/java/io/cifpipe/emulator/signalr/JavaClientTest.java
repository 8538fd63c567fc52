package io.cifpipe.emulator.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import com.microsoft.signalr.HubException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Java client (com.microsoft.signalr 6.0.0) against the emulator and a test Functions app. */
class JavaClientTest {
    static final String KEY = "javaclienttestkey-0123456789abcdefghijklmnopqrstuvwxyz";
    static final Duration WAIT = Duration.ofSeconds(10);

    private TestFunctionsApp app;
    private SignalREmulator emulator;
    private Rest rest;
    private final List<HubConnection> hubs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        app = new TestFunctionsApp(KEY);
        emulator = SignalREmulator.builder()
                .port(0)
                .accessKey(KEY)
                .upstreamTemplate(app.webhookTemplate())
                .build()
                .start();
        app.emulator = emulator;
        rest = new Rest(emulator);
    }

    @AfterEach
    void stop() throws Exception {
        for (HubConnection hub : hubs) {
            hub.stop().blockingAwait(5, TimeUnit.SECONDS);
        }
        emulator.close();
        app.close();
    }

    private HubConnection connect(String user, BlockingQueue<String> notifications) {
        HubConnection hub = HubConnectionBuilder.create(app.baseUrl() + "/api")
                .withHeader("x-test-user", user)
                .build();
        hub.on("notify", notifications::add, String.class);
        hubs.add(hub);
        assertThat(hub.start().blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("connected")
                .isTrue();
        return hub;
    }

    @Test
    void negotiatesThroughRedirectAndReceivesRestSendToUser() throws Exception {
        BlockingQueue<String> notifications = new LinkedBlockingQueue<>();
        HubConnection hub = connect("agent-1", notifications);

        TestFunctionsApp.Received connected = app.next("connections", "connected", WAIT);
        assertThat(connected.signatureValid()).isTrue();
        assertThat(connected.userId()).isEqualTo("agent-1");
        assertThat(connected.hub()).isEqualTo("chat");
        assertThat(connected.connectionId()).isEqualTo(hub.getConnectionId());
        assertThat(connected.body()).isEqualTo("{\"type\":10}");
        assertThat(connected.headers().get("X-ASRS-Client-Query"))
                .startsWith("?")
                .contains("hub=chat")
                .doesNotContain("access_token");
        assertThat(connected.headers().get("X-ASRS-User-Claims")).contains("nameid: agent-1");

        HttpResponse<String> sent = rest.call(
                "POST",
                "/api/hubs/chat/users/agent-1/:send?api-version=2022-06-01",
                "{\"target\":\"notify\",\"arguments\":[\"hello agent\"]}");
        assertThat(sent.statusCode()).isEqualTo(202);
        assertThat(notifications.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("hello agent");

        assertThat(rest.call("HEAD", "/api/hubs/chat/connections/" + hub.getConnectionId(), null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(rest.call("HEAD", "/api/hubs/chat/users/agent-1", null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> toConnection = rest.call(
                "POST",
                "/api/hubs/chat/connections/" + hub.getConnectionId() + "/:send",
                "{\"target\":\"notify\",\"arguments\":[\"direct\"]}");
        assertThat(toConnection.statusCode()).isEqualTo(202);
        assertThat(notifications.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("direct");

        hub.stop().blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS);
        TestFunctionsApp.Received disconnected = app.next("connections", "disconnected", WAIT);
        assertThat(disconnected.connectionId()).isEqualTo(connected.connectionId());
        assertThat(disconnected.body()).isEqualTo("{\"type\":11}");
        assertThat(disconnected.signatureValid()).isTrue();
        assertThat(rest.call("HEAD", "/api/hubs/chat/users/agent-1", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void invocationsReachTheUpstreamAndReturnItsCompletion() throws Exception {
        HubConnection hub = connect("agent-2", new LinkedBlockingQueue<>());

        assertThat(hub.invoke(String.class, "echo", "ping-1").blockingGet()).isEqualTo("ping-1");
        TestFunctionsApp.Received echo = app.next("messages", "echo", WAIT);
        assertThat(echo.signatureValid()).isTrue();
        assertThat(echo.connectionId()).isEqualTo(hub.getConnectionId());
        assertThat(echo.body())
                .endsWith("\u001e")
                .contains("\"target\":\"echo\"")
                .contains("\"invocationId\"");

        assertThatThrownBy(() -> hub.invoke(String.class, "fail", "x").blockingGet())
                .isInstanceOf(HubException.class)
                .hasMessageContaining("Invocation failed, status code 500");

        // non-blocking send: delivered upstream, never answered
        hub.send("fire", "and-forget");
        TestFunctionsApp.Received fire = app.next("messages", "fire", WAIT);
        assertThat(fire.body()).doesNotContain("invocationId").contains("and-forget");

        // the connection survived all of that
        assertThat(hub.invoke(String.class, "echo", "still-here").blockingGet()).isEqualTo("still-here");
    }

    @Test
    void serverSideCloseEndsTheConnectionAndTheClientCanReconnect() throws Exception {
        BlockingQueue<String> notifications = new LinkedBlockingQueue<>();
        HubConnection hub = connect("agent-3", notifications);
        String firstId = hub.getConnectionId();
        CompletableFuture<Exception> closed = new CompletableFuture<>();
        hub.onClosed(closed::complete);

        HttpResponse<String> close =
                rest.call("DELETE", "/api/hubs/chat/connections/" + firstId + "?reason=maintenance", null);
        assertThat(close.statusCode()).isEqualTo(200);
        Exception closeError = closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(closeError).isNotNull();
        assertThat(closeError.getMessage()).contains("maintenance");
        assertThat(app.next("connections", "disconnected", WAIT).connectionId()).isEqualTo(firstId);

        HttpResponse<String> gone = rest.call("HEAD", "/api/hubs/chat/connections/" + firstId, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("x-ms-error-code")).hasValue("Warning.Connection.NotExisted");

        assertThat(hub.start().blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
        assertThat(hub.getConnectionId()).isNotEqualTo(firstId);
        assertThat(rest.call(
                                "POST",
                                "/api/hubs/chat/connections/" + hub.getConnectionId() + "/:send",
                                "{\"target\":\"notify\",\"arguments\":[\"welcome back\"]}")
                        .statusCode())
                .isEqualTo(202);
        assertThat(notifications.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("welcome back");
    }

    @Test
    void groupsUsersWithManyConnectionsAndExclusions() throws Exception {
        BlockingQueue<String> tab1 = new LinkedBlockingQueue<>();
        BlockingQueue<String> tab2 = new LinkedBlockingQueue<>();
        BlockingQueue<String> other = new LinkedBlockingQueue<>();
        HubConnection a1 = connect("alice", tab1);
        HubConnection a2 = connect("alice", tab2);
        HubConnection b = connect("bob", other);

        // user send reaches every tab
        assertThat(rest.call(
                                "POST",
                                "/api/hubs/chat/users/alice/:send",
                                "{\"target\":\"notify\",\"arguments\":[\"both\"]}")
                        .statusCode())
                .isEqualTo(202);
        assertThat(tab1.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("both");
        assertThat(tab2.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("both");

        // connection-level group
        assertThat(rest.call("PUT", "/api/hubs/chat/groups/ops/connections/" + b.getConnectionId(), null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(rest.call(
                                "POST",
                                "/api/hubs/chat/groups/ops/:send",
                                "{\"target\":\"notify\",\"arguments\":[\"ops only\"]}")
                        .statusCode())
                .isEqualTo(202);
        assertThat(other.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ops only");
        assertThat(rest.call("HEAD", "/api/hubs/chat/groups/ops", null).statusCode())
                .isEqualTo(200);

        // user-level group (v1 path) covers both of alice's connections
        assertThat(rest.call("PUT", "/api/v1/hubs/chat/groups/vip/users/alice", null)
                        .statusCode())
                .isEqualTo(202);
        assertThat(rest.call("HEAD", "/api/hubs/chat/users/alice/groups/vip", null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(rest.call("POST", "/api/v1/hubs/chat/groups/vip", "{\"target\":\"notify\",\"arguments\":[\"vip\"]}")
                        .statusCode())
                .isEqualTo(202);
        assertThat(tab1.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("vip");
        assertThat(tab2.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("vip");
        assertThat(rest.call("DELETE", "/api/hubs/chat/users/alice/groups/vip", null)
                        .statusCode())
                .isEqualTo(204);
        HttpResponse<String> notIn = rest.call("HEAD", "/api/hubs/chat/users/alice/groups/vip", null);
        assertThat(notIn.statusCode()).isEqualTo(404);
        assertThat(notIn.headers().firstValue("x-ms-error-code")).hasValue("Info.User.NotInGroup");

        // broadcast with an exclusion
        assertThat(rest.call(
                                "POST",
                                "/api/hubs/chat/:send?excluded=" + a1.getConnectionId(),
                                "{\"target\":\"notify\",\"arguments\":[\"all but one\"]}")
                        .statusCode())
                .isEqualTo(202);
        assertThat(tab2.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("all but one");
        assertThat(other.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("all but one");
        // a1 must not have it: a later message to a1 arrives first
        rest.call(
                "POST",
                "/api/hubs/chat/connections/" + a1.getConnectionId() + "/:send",
                "{\"target\":\"notify\",\"arguments\":[\"marker\"]}");
        assertThat(tab1.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("marker");
        assertThat(tab1).isEmpty();
        assertThat(tab2).isEmpty();
        assertThat(other).isEmpty();

        // like Azure, a send to a gone connection is accepted (fire and forget); HEAD is how a dispatcher learns it is
        // gone
        HttpResponse<String> gone =
                rest.call("POST", "/api/hubs/chat/connections/nope/:send", "{\"target\":\"notify\",\"arguments\":[]}");
        assertThat(gone.statusCode()).isEqualTo(202);
        HttpResponse<String> head = rest.call("HEAD", "/api/hubs/chat/connections/nope", null);
        assertThat(head.statusCode()).isEqualTo(404);
        assertThat(head.headers().firstValue("x-ms-error-code")).hasValue("Warning.Connection.NotExisted");
    }
}
