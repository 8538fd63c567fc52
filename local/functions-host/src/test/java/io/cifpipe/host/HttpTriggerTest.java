package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTriggerTest {
    @TempDir
    static Path dir;

    static FunctionsHost host;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        host = FunctionsHost.builder()
                .appDirectory(TestApp.create(dir))
                .appName("testapp")
                .inProcess(true)
                .masterKey("master-secret")
                .hostKeys(Map.of("default", "host-secret"))
                .functionKeys(Map.of("item", "item-secret"))
                .build()
                .start();
        base = host.url();
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    @Test
    void routeParametersAreBoundAndResponseHeadersKept() {
        HttpResponse<String> r = TestApp.get(base + "/api/hello/World");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello World");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(r.headers().firstValue("x-invocation"))
                .hasValueSatisfying(id -> assertThat(id).hasSize(36));
    }

    @Test
    void routeLiteralsAreCaseInsensitiveAndUnknownRoutesAre404() {
        assertThat(TestApp.get(base + "/API/Hello/x").statusCode()).isEqualTo(200);
        assertThat(TestApp.get(base + "/api/nothing-here").statusCode()).isEqualTo(404);
        assertThat(TestApp.get(base + "/hello/x").statusCode())
                .as("route prefix is required")
                .isEqualTo(404);
    }

    @Test
    void functionAuthLevelNeedsAFunctionHostOrMasterKey() throws Exception {
        assertThat(TestApp.get(base + "/api/items/7").statusCode()).isEqualTo(401);
        assertThat(TestApp.get(base + "/api/items/7?code=wrong").statusCode()).isEqualTo(401);
        assertThat(TestApp.get(base + "/api/items/7", "x-functions-key", "item-secret")
                        .statusCode())
                .isEqualTo(200);
        assertThat(TestApp.get(base + "/api/items/7?code=host-secret").statusCode())
                .isEqualTo(200);
        HttpResponse<String> r = TestApp.get(base + "/api/items/7", "x-functions-key", "master-secret");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        JsonNode item = HostJson.MAPPER.readTree(r.body());
        assertThat(item.get("id").asInt()).isEqualTo(7);
        assertThat(item.get("label").asText()).isEqualTo("item-7");
    }

    @Test
    void routeConstraintsFilter() {
        assertThat(TestApp.get(base + "/api/items/abc?code=master-secret").statusCode())
                .isEqualTo(404);
    }

    @Test
    void adminLevelNeedsTheMasterKey() {
        assertThat(TestApp.get(base + "/api/admin-only?code=host-secret").statusCode())
                .isEqualTo(401);
        HttpResponse<String> r = TestApp.get(base + "/api/admin-only?code=master-secret");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("admin ok");
    }

    @Test
    void requestSeesLowerCasedHeadersQueryBodyAndUri() throws Exception {
        HttpResponse<String> r = TestApp.post(
                base + "/api/echo?q=1&empty=&Q2=two",
                "{\"a\":1}",
                "X-Custom-Header",
                "Value",
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode echo = HostJson.MAPPER.readTree(r.body());
        assertThat(echo.get("method").asText()).isEqualTo("POST");
        assertThat(echo.get("body").asText()).isEqualTo("{\"a\":1}");
        assertThat(echo.get("headers").get("x-custom-header").asText()).isEqualTo("Value");
        assertThat(echo.get("headers").has("X-Custom-Header")).isFalse();
        assertThat(echo.get("query").get("q").asText()).isEqualTo("1");
        assertThat(echo.get("query").get("Q2").asText()).isEqualTo("two");
        assertThat(echo.get("query").has("empty"))
                .as("empty query values are dropped")
                .isFalse();
        assertThat(echo.get("uri").asText()).startsWith(base + "/api/echo?");
        assertThat(echo.get("function").asText()).isEqualTo("echo");
        assertThat(echo.get("traceparent").asText())
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void formBodiesReachTheFunctionUndecodedLikeAzure() throws Exception {
        // undecodable form encoding must not be answered by the host: the function sees the raw bytes
        HttpResponse<String> r = TestApp.post(
                base + "/api/echo", "a=%zz&{\"x\":1}", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(HostJson.MAPPER.readTree(r.body()).get("body").asText()).isEqualTo("a=%zz&{\"x\":1}");
    }

    @Test
    void methodsOutsideTheListAreNotRouted() {
        assertThat(TestApp.get(base + "/api/echo").statusCode()).isEqualTo(404);
        HttpResponse<String> put = TestApp.send(
                HttpRequest.newBuilder(URI.create(base + "/api/echo")).PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).contains("\"body\":\"<empty>\"");
    }

    @Test
    void optionalRouteSegment() {
        assertThat(TestApp.get(base + "/api/opt/5").body()).isEqualTo("x=5");
        assertThat(TestApp.get(base + "/api/opt").body()).isEqualTo("x=null");
    }

    @Test
    void binaryBodiesPassThroughUnchanged() throws Exception {
        HttpResponse<byte[]> r = TestApp.HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/binary"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, (byte) 0xff}))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.body()).containsExactly((byte) 0xff, 2, 1);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
    }

    @Test
    void exceptionBecomes500AndTheHostKeepsServing() {
        assertThat(TestApp.get(base + "/api/boom").statusCode()).isEqualTo(500);
        assertThat(TestApp.get(base + "/api/boom").statusCode()).isEqualTo(500);
        assertThat(TestApp.get(base + "/api/hello/again").statusCode()).isEqualTo(200);
    }

    @Test
    void adminStatusListsFunctionsAndErrorsWithTheMasterKeyOnly() throws Exception {
        assertThat(TestApp.get(base + "/admin/host/status").statusCode()).isEqualTo(401);
        HttpResponse<String> r = TestApp.get(base + "/admin/host/status", "x-functions-key", "master-secret");
        JsonNode status = HostJson.MAPPER.readTree(r.body());
        assertThat(status.get("state").asText()).isEqualTo("Running");
        assertThat(status.get("functions").toString()).contains("hello", "echo", "startupTimer");
        // No SbConn setting in this test, and signalRTrigger is not a trigger Azure runs for Java: both are
        // reported in error, the rest run.
        assertThat(status.get("errors").get("consume").asText()).contains("%InQueue%");
        assertThat(status.get("errors").get("onConnected").asText())
                .contains("trigger type 'signalRTrigger' is not supported");
        assertThat(host.functionErrors()).containsOnlyKeys("consume", "onConnected");
    }

    @Test
    void namedHttpOutputBindingCarriesTheResponse() {
        HttpResponse<String> r = TestApp.get(base + "/api/out");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("via output binding");
    }

    @Test
    void rawCharactersInTheRequestLineStillReachTheFunction() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", host.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("PUT /api/echo?q=a|b HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                                    + "Connection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response =
                    new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(response)
                    .startsWith("HTTP/1.1 200")
                    .contains("\"q\":\"a|b\"")
                    .contains("q=a%7Cb");
        }
    }

    @Test
    void rootAnswersForReadinessChecks() {
        assertThat(TestApp.get(base + "/").statusCode()).isEqualTo(200);
    }
}
