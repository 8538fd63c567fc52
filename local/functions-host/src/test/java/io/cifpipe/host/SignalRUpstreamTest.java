package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.host.signalr.SignalRSignature;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalRUpstreamTest {
    private static final String ACCESS_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
    private static final String SYSTEM_KEY = "signalr-system-key";

    @TempDir
    static Path dir;
    static FunctionsHost host;

    @BeforeAll
    static void start() throws Exception {
        host = FunctionsHost.builder().appDirectory(TestApp.create(dir)).inProcess(true)
                .settings(Map.of("AzureSignalRConnectionString", "Endpoint=http://localhost;Port=8888;AccessKey=" + ACCESS_KEY + ";Version=1.0;"))
                .systemKeys(Map.of(HostKeys.SIGNALR_EXTENSION, SYSTEM_KEY)).build().start();
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    private static HttpResponse<String> upstream(String code, String contentType, String hub, String category, String event,
                                                 String connectionId, String signature, String body, String... extra) {
        List<String> h = new ArrayList<>(List.of("Content-Type", contentType, "X-ASRS-Connection-Id", connectionId));
        if (hub != null) h.addAll(List.of("X-ASRS-Hub", hub));
        if (category != null) h.addAll(List.of("X-ASRS-Category", category));
        if (event != null) h.addAll(List.of("X-ASRS-Event", event));
        if (signature != null) h.addAll(List.of("X-ASRS-Signature", signature));
        h.addAll(List.of(extra));
        return TestApp.send(HttpRequest.newBuilder(URI.create(host.url() + "/runtime/webhooks/signalr?code=" + code))
                .POST(HttpRequest.BodyPublishers.ofString(body)), h.toArray(String[]::new));
    }

    private static String sig(String connectionId) {
        return SignalRSignature.sign(ACCESS_KEY, connectionId);
    }

    @Test
    void hubInvocationWithIdGetsACompletionWithTheReturnValue() throws Exception {
        String body = "{\"type\":1,\"invocationId\":\"7\",\"target\":\"echo\",\"arguments\":[\"hi\"]}\u001e";
        HttpResponse<String> r = upstream(SYSTEM_KEY, "application/json", "TestHub", "messages", "Echo", "c1", sig("c1"), body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).endsWith("\u001e");
        JsonNode completion = HostJson.MAPPER.readTree(r.body().substring(0, r.body().length() - 1));
        assertThat(completion.get("type").asInt()).isEqualTo(3);
        assertThat(completion.get("invocationId").asText()).isEqualTo("7");
        assertThat(completion.get("result").get("echo").asText()).isEqualTo("hi");
        assertThat(completion.get("result").get("connectionId").asText()).isEqualTo("c1");
        assertThat(completion.has("error")).isFalse();
    }

    @Test
    void functionExceptionBecomesACompletionError() throws Exception {
        String body = "{\"type\":1,\"invocationId\":\"8\",\"target\":\"echo\",\"arguments\":[\"fail\"]}\u001e";
        HttpResponse<String> r = upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "echo", "c1", sig("c1"), body);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode completion = HostJson.MAPPER.readTree(r.body().replace("\u001e", ""));
        assertThat(completion.get("error").asText()).isEqualTo("cannot echo 'fail'");
        assertThat(completion.has("result")).isFalse();
    }

    @Test
    void invocationWithoutIdGetsAnEmpty200() {
        String body = "{\"type\":1,\"target\":\"echo\",\"arguments\":[\"x\"]}\u001e";
        HttpResponse<String> r = upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "echo", "c1", sig("c1"), body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void connectedGetsThePascalCaseInvocationContext() throws Exception {
        HttpResponse<String> r = upstream(SYSTEM_KEY, "application/json", "testhub", "connections", "connected", "conn-a",
                sig("conn-a"), "{\"type\":10}", "X-ASRS-User-Id", "agent-1", "X-ASRS-User-Claims", "oid: agent-1, name: Ann",
                "X-ASRS-Client-Query", "?hub=testhub&id=tok");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode event = TestApp.awaitRecorded(host.url(), e -> e.path("kind").asText().equals("connected")
                && e.path("invocation").asText().contains("conn-a"));
        JsonNode ctx = HostJson.MAPPER.readTree(event.get("invocation").asText());
        assertThat(ctx.get("ConnectionId").asText()).isEqualTo("conn-a");
        assertThat(ctx.get("UserId").asText()).isEqualTo("agent-1");
        assertThat(ctx.get("Hub").asText()).isEqualTo("testhub");
        assertThat(ctx.get("Category").asText()).isEqualTo("connections");
        assertThat(ctx.get("Event").asText()).isEqualTo("connected");
        assertThat(ctx.get("Claims").get("oid").asText()).isEqualTo("agent-1");
        assertThat(ctx.get("Claims").get("name").asText()).isEqualTo("Ann");
        assertThat(ctx.get("Query").get("hub").asText()).isEqualTo("testhub");
        assertThat(ctx.get("Headers").toString()).containsIgnoringCase("\"X-ASRS-Connection-Id\":\"conn-a\"");
        assertThat(ctx.has("Arguments")).isTrue();
    }

    @Test
    void failingConnectedFunctionAnswers403() {
        HttpResponse<String> r = upstream(SYSTEM_KEY, "application/json", "testhub", "connections", "connected", "conn-b",
                sig("conn-b"), "{\"type\":10}", "X-ASRS-User-Id", "blocked");
        assertThat(r.statusCode()).isEqualTo(403);
    }

    @Test
    void badOrMissingSignatureIs401() {
        String body = "{\"type\":1,\"invocationId\":\"9\",\"target\":\"echo\",\"arguments\":[\"x\"]}";
        assertThat(upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "echo", "c1", sig("c2"), body).statusCode()).isEqualTo(401);
        assertThat(upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "echo", "c1", null, body).statusCode()).isEqualTo(401);
        String otherKey = SignalRSignature.sign("another-key-another-key-another-key-0000", "c1");
        assertThat(upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "echo", "c1", otherKey, body).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongSystemKeyIs401() {
        String body = "{\"type\":10}";
        assertThat(upstream("nope", "application/json", "testhub", "connections", "connected", "c1", sig("c1"), body).statusCode())
                .isEqualTo(401);
    }

    @Test
    void statusCodesForBadRequests() {
        String body = "{\"type\":1,\"invocationId\":\"1\",\"target\":\"echo\",\"arguments\":[\"x\"]}";
        assertThat(upstream(SYSTEM_KEY, "text/plain", "testhub", "messages", "echo", "c1", sig("c1"), body).statusCode()).isEqualTo(415);
        assertThat(upstream(SYSTEM_KEY, "application/x-msgpack", "testhub", "messages", "echo", "c1", sig("c1"), body).statusCode()).isEqualTo(415);
        assertThat(upstream(SYSTEM_KEY, "application/json", "testhub", null, "echo", "c1", sig("c1"), body).statusCode()).isEqualTo(400);
        assertThat(upstream(SYSTEM_KEY, "application/json", "otherhub", "messages", "echo", "c1", sig("c1"), body).statusCode()).isEqualTo(404);
        assertThat(upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "nosuch", "c1", sig("c1"), body).statusCode()).isEqualTo(404);
        String mismatch = "{\"type\":1,\"invocationId\":\"1\",\"target\":\"other\",\"arguments\":[\"x\"]}";
        assertThat(upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "echo", "c1", sig("c1"), mismatch).statusCode()).isEqualTo(500);
        String wrongArity = "{\"type\":1,\"invocationId\":\"1\",\"target\":\"echo\",\"arguments\":[\"x\",\"y\"]}";
        assertThat(upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "echo", "c1", sig("c1"), wrongArity).statusCode()).isEqualTo(500);
        assertThat(upstream(SYSTEM_KEY, "application/json", "testhub", "messages", "echo", "c1", sig("c1"), "{not json").statusCode()).isEqualTo(400);
    }
}
