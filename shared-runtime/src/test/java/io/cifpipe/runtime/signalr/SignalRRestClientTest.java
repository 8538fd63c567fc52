package io.cifpipe.runtime.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the client against a small HTTP server that records requests (the HTTP wire is the SDK boundary). */
class SignalRRestClientTest {
    private static final String KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
    private final ObjectMapper json = new ObjectMapper();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> statusByConnection = new ConcurrentHashMap<>();
    private volatile CountDownLatch parallelGate;
    private HttpServer server;
    private SignalRRestClient client;

    record Recorded(String method, String pathAndQuery, String authorization, String body) {}

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
        client = SignalRRestClient.builder()
                .connectionString("Endpoint=http://127.0.0.1;Port="
                        + server.getAddress().getPort() + ";AccessKey=" + KEY + ";Version=1.0;")
                .hub("CifHub")
                .requestTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getRawPath();
        requests.add(new Recorded(
                ex.getRequestMethod(),
                path + "?" + ex.getRequestURI().getRawQuery(),
                ex.getRequestHeaders().getFirst("Authorization"),
                body));
        CountDownLatch gate = parallelGate;
        if (gate != null) {
            gate.countDown();
            try {
                gate.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String id = path.contains("/users/")
                ? path.replaceAll(".*/users/([^/]+).*", "$1")
                : path.replaceAll(".*/connections/([^/]+).*", "$1");
        int status = statusByConnection.getOrDefault(id, path.endsWith(":send") ? 202 : 200);
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    @Test
    void sendsTargetAndArgumentsWithAServerTokenForTheRequestUrl() throws Exception {
        SendResult result = client.sendToConnection("c 1", "notify", List.of(Map.of("callId", "call-1")));

        assertThat(result).isEqualTo(SendResult.SENT);
        assertThat(requests).extracting(Recorded::method).containsExactly("HEAD", "POST");
        Recorded r = requests.get(1);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.pathAndQuery()).isEqualTo("/api/hubs/cifhub/connections/c%201/:send?api-version=2022-06-01");
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("target").asText()).isEqualTo("notify");
        assertThat(body.get("arguments").get(0).get("callId").asText()).isEqualTo("call-1");

        SignedJWT jwt = SignedJWT.parse(r.authorization().substring("Bearer ".length()));
        assertThat(jwt.verify(new MACVerifier(KEY.getBytes(StandardCharsets.UTF_8))))
                .isTrue();
        assertThat(jwt.getJWTClaimsSet().getAudience())
                .containsExactly("http://127.0.0.1/api/hubs/cifhub/connections/c%201/:send?api-version=2022-06-01");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isAfter(new java.util.Date());
    }

    @Test
    void serverTokenIsReusedForTheSameUrl() {
        client.sendToConnection("a", "notify", List.of());
        client.sendToConnection("a", "notify", List.of());
        client.sendToConnection("b", "notify", List.of());
        List<Recorded> sends =
                requests.stream().filter(r -> r.method().equals("POST")).toList();
        assertThat(sends.get(0).authorization()).isEqualTo(sends.get(1).authorization());
        assertThat(sends.get(2).authorization()).isNotEqualTo(sends.get(0).authorization());
    }

    @Test
    void sendsToAllConnectionsInParallelAndSortsOutGoneAndFailed() {
        statusByConnection.put("gone", 404);
        statusByConnection.put("broken", 503);
        parallelGate = new CountDownLatch(3); // each handler waits until all three requests are in flight

        DeliveryReport report = client.sendToConnections(List.of("ok", "gone", "broken"), "notify", List.of("x"));

        assertThat(parallelGate.getCount()).isZero();
        assertThat(report.sent()).containsExactly("ok");
        assertThat(report.gone()).containsExactly("gone");
        assertThat(report.failed()).containsOnlyKeys("broken");
        assertThat(report.failed().get("broken").status()).isEqualTo(503);
        assertThat(report.failed().get("broken").isTransient()).isTrue();
        // Azure answers 202 to a send for a gone connection, so gone is decided by HEAD before sending
        assertThat(requests)
                .filteredOn(r -> r.method().equals("POST"))
                .extracting(Recorded::pathAndQuery)
                .allMatch(path -> path.contains("/connections/ok/"));
    }

    @Test
    void connectionExistsUsesHeadAndCloseToleratesGone() {
        statusByConnection.put("dead", 404);
        assertThat(client.connectionExists("live")).isTrue();
        assertThat(client.connectionExists("dead")).isFalse();
        client.closeConnection("dead", "stale");
        assertThat(requests).extracting(Recorded::method).containsExactly("HEAD", "HEAD", "DELETE");
        assertThat(requests.get(2).pathAndQuery())
                .isEqualTo("/api/hubs/cifhub/connections/dead?api-version=2022-06-01&reason=stale");
    }

    @Test
    void unauthorizedIsANonTransientError() {
        statusByConnection.put("c", 401);
        assertThatThrownBy(() -> client.sendToConnection("c", "notify", List.of()))
                .isInstanceOfSatisfying(SignalRException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.isTransient()).isFalse();
                });
    }

    @Test
    void unreachableServiceIsTransient() {
        server.stop(0);
        assertThatThrownBy(() -> client.sendToConnection("c", "notify", List.of()))
                .isInstanceOfSatisfying(
                        SignalRException.class, e -> assertThat(e.isTransient()).isTrue());
    }

    @Test
    void clientNegotiationCarriesUserIdAndClientAudienceWithoutPort() throws Exception {
        ClientNegotiation n = client.clientNegotiation("user-1", Duration.ofMinutes(10));
        int port = server.getAddress().getPort();
        assertThat(n.url()).isEqualTo("http://127.0.0.1:" + port + "/client/?hub=cifhub");
        var claims = SignedJWT.parse(n.accessToken()).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly("http://127.0.0.1/client/?hub=cifhub");
        assertThat(claims.getStringClaim("nameid")).isEqualTo("user-1");
        assertThat(claims.getStringClaim("asrs.s.uid")).isEqualTo("user-1");
    }

    @Test
    void userExistenceIsOneHeadAndSendToUserOnePost() {
        statusByConnection.put("gone-user", 404);
        assertThat(client.userExists("agent 1")).isTrue();
        assertThat(client.userExists("gone-user")).isFalse();
        client.sendToUser("agent 1", "notify", List.of(Map.of("callId", "call-1")));
        assertThat(requests)
                .extracting(r -> r.method() + " " + r.pathAndQuery())
                .containsExactly(
                        "HEAD /api/hubs/cifhub/users/agent%201?api-version=2022-06-01",
                        "HEAD /api/hubs/cifhub/users/gone-user?api-version=2022-06-01",
                        "POST /api/hubs/cifhub/users/agent%201/:send?api-version=2022-06-01");
        statusByConnection.put("broken", 500);
        assertThatThrownBy(() -> client.userExists("broken"))
                .isInstanceOf(SignalRException.class)
                .hasMessageContaining("500");
    }
}
