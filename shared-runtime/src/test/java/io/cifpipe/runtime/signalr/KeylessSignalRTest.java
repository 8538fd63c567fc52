package io.cifpipe.runtime.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.emulator.signalr.SignalREmulator;
import io.cifpipe.model.json.Json;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keyless SignalR ({@code AuthType=azure.msi}) end to end on loopback: the real {@link SignalRRestClient} gets Entra
 * tokens from a real OIDC provider (mock-oauth2-server, client credentials) and talks to the SignalR emulator with
 * local auth disabled. Client tokens come from {@code :generateToken}; a client connects with one (negotiate +
 * WebSocket + handshake) and receives a REST send made with an Entra token.
 */
class KeylessSignalRTest {
    static final String APP_OID = "presence-mi-oid";
    static MockOAuth2Server idp;
    static SignalREmulator emulator;
    static LocalEntraCredential credential;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        // Tokens for SignalR's data-plane scope carry its audience and the app identity's oid; other scopes another
        // aud.
        String config = """
                {"interactiveLogin": false, "tokenCallbacks": [{"issuerId": "entra", "tokenExpiry": 3600,
                  "requestMappings": [
                    {"requestParam": "scope", "match": "https://signalr.azure.com/.default",
                     "claims": {"aud": ["https://signalr.azure.com"], "oid": "%s", "sub": "%s", "tid": "t1"}},
                    {"requestParam": "scope", "match": "*",
                     "claims": {"aud": ["api://another-resource"], "oid": "%s", "sub": "%s", "tid": "t1"}}]}]}
                """.formatted(APP_OID, APP_OID, APP_OID, APP_OID);
        idp = new MockOAuth2Server(OAuth2Config.Companion.fromJson(config));
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        emulator = SignalREmulator.builder()
                .port(0)
                .entraIssuer(idp.issuerUrl("entra").toString())
                .entraAllowedPrincipal(APP_OID)
                .disableLocalAuth(true)
                .build()
                .start();
        credential = new LocalEntraCredential(idp.tokenEndpointUrl("entra").uri(), "presence-app");
    }

    @AfterAll
    static void stop() {
        if (emulator != null) emulator.close();
        if (idp != null) idp.shutdown();
    }

    static SignalRRestClient keyless() {
        return SignalRRestClient.builder()
                .connectionString("Endpoint=" + emulator.endpoint() + ";AuthType=azure.msi;Version=1.0;")
                .hub("cifhub")
                .credential(credential)
                .build();
    }

    @Test
    void generatedClientTokenConnectsAndReceivesAnEntraAuthenticatedSend() throws Exception {
        SignalRRestClient client = keyless();
        assertThat(client.connection().isKeyless()).isTrue();
        assertThat(client.auth()).isInstanceOf(EntraAuth.class);
        ClientNegotiation n = client.clientNegotiation("agent-7", Duration.ofMinutes(10));
        assertThat(n.url()).isEqualTo(emulator.endpoint() + "/client/?hub=cifhub");

        // negotiate with the generated token, then the WebSocket and the JSON hub protocol handshake
        HttpResponse<String> negotiate = HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(emulator.endpoint() + "/client/negotiate?hub=cifhub&negotiateVersion=1"))
                        .header("Authorization", "Bearer " + n.accessToken())
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(negotiate.statusCode()).isEqualTo(200);
        JsonNode nr = Json.mapper().readTree(negotiate.body());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = HTTP.newWebSocketBuilder()
                .header("Authorization", "Bearer " + n.accessToken())
                .buildAsync(
                        URI.create(emulator.endpoint().replace("http", "ws") + "/client/?hub=cifhub&id="
                                + URLEncoder.encode(nr.get("connectionToken").asText(), StandardCharsets.UTF_8)),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                received.add(data.toString());
                                webSocket.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        try {
            ws.sendText("{\"protocol\":\"json\",\"version\":1}\u001e", true).get(5, TimeUnit.SECONDS);
            assertThat(received.poll(10, TimeUnit.SECONDS)).startsWith("{}");
            assertThat(client.connectionExists(nr.get("connectionId").asText())).isTrue();

            client.sendToUser("agent-7", "notify", List.of("keyless hello"));
            String message = null;
            for (int i = 0; i < 5 && (message == null || !message.contains("notify")); i++) {
                message = received.poll(5, TimeUnit.SECONDS);
            }
            assertThat(message).contains("\"target\":\"notify\"").contains("keyless hello");
        } finally {
            ws.abort();
        }
        // one Entra token served every call (cached until near expiry)
        assertThat(credential.requests.get()).isEqualTo(1);
    }

    @Test
    void accessKeyTokensAreRefusedWhenLocalAuthIsDisabled() {
        SignalRRestClient withKey = SignalRRestClient.builder()
                .connectionString("Endpoint=" + emulator.endpoint() + ";AccessKey=" + SignalREmulator.DEFAULT_ACCESS_KEY
                        + ";Version=1.0;")
                .hub("cifhub")
                .build();
        assertThatThrownBy(() -> withKey.sendToUser("agent-7", "notify", List.of()))
                .isInstanceOfSatisfying(
                        SignalRException.class, e -> assertThat(e.getMessage()).contains("401"));
    }

    @Test
    void entraTokensForAnotherAudienceAreRefused() throws Exception {
        String other = credential
                .getTokenSync(new com.azure.core.credential.TokenRequestContext()
                        .addScopes("api://another-resource/.default"))
                .getToken();
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(emulator.endpoint()
                                + "/api/hubs/cifhub/:generateToken?api-version=2023-07-01&userId=x"))
                        .header("Authorization", "Bearer " + other)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("audience");
    }

    @Test
    void connectionStringRulesForKeylessMode() {
        SignalRConnectionString cs = SignalRConnectionString.parse(
                "Endpoint=https://x.service.signalr.net;AuthType=azure.msi;ClientId=1234;Version=1.0;");
        assertThat(cs.isKeyless()).isTrue();
        assertThat(cs.clientId()).isEqualTo("1234");
        assertThat(cs.accessKey()).isNull();
        assertThat(cs.toString()).contains("azure.msi");
        assertThatThrownBy(() -> SignalRConnectionString.parse(
                        "Endpoint=https://x;AuthType=azure.msi;AccessKey=" + SignalREmulator.DEFAULT_ACCESS_KEY))
                .hasMessageContaining("both AccessKey and AuthType=azure.msi");
        assertThatThrownBy(() -> SignalRConnectionString.parse("Endpoint=https://x;AuthType=aad"))
                .hasMessageContaining("not supported");
    }
}
