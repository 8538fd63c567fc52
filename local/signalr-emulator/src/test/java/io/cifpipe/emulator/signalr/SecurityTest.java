package io.cifpipe.emulator.signalr;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Client and server token checks, REST authorization, and the upstream signature. */
class SecurityTest {
    static final String KEY = "securitytestkey-0123456789abcdefghijklmnopqrstuvwxyz";
    static final String OTHER_KEY = "someotherkey-0123456789abcdefghijklmnopqrstuvwxyz";
    static SignalREmulator emulator;
    static Rest rest;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        emulator = SignalREmulator.builder().port(0).accessKey(KEY).build().start();
        rest = new Rest(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private HttpResponse<String> negotiate(String hub, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(emulator.endpoint() + "/client/negotiate?hub=" + hub + "&negotiateVersion=1"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void validClientTokensAreAcceptedWhateverTheSdkAudienceQuirks() throws Exception {
        AccessTokens tokens = emulator.accessTokens();
        // SDK style: no port
        assertThat(negotiate("chat", tokens.mintClientToken("http://127.0.0.1", "chat", "u1", Duration.ofMinutes(5)))
                        .statusCode())
                .isEqualTo(200);
        // with port, other host spelling, hub case differs
        assertThat(negotiate(
                                "Chat",
                                tokens.mintClientToken(
                                        "http://localhost:" + emulator.port(), "CHAT", "u1", Duration.ofMinutes(5)))
                        .statusCode())
                .isEqualTo(200);
        // user id from asrs.s.uid / sub and anonymous tokens
        String uid = tokens.mint(
                new JWTClaimsSet.Builder().audience(emulator.clientUrl("chat")).claim("asrs.s.uid", "u2"),
                Duration.ofMinutes(5));
        HttpResponse<String> ok = negotiate("chat", uid);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body())
                .contains("\"negotiateVersion\":1")
                .contains("\"connectionToken\"")
                .contains("\"WebSockets\"");
    }

    @Test
    void forgedExpiredWrongAudienceAndMissingClientTokensGet401WithAReason() throws Exception {
        AccessTokens forger = new AccessTokens(OTHER_KEY);
        HttpResponse<String> forged =
                negotiate("chat", forger.mintClientToken("http://127.0.0.1", "chat", "u1", Duration.ofMinutes(5)));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("invalid token signature");

        HttpResponse<String> expired = negotiate(
                "chat",
                emulator.accessTokens().mintClientToken("http://127.0.0.1", "chat", "u1", Duration.ofMinutes(-10)));
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("token expired");

        HttpResponse<String> otherHub = negotiate(
                "chat",
                emulator.accessTokens().mintClientToken("http://127.0.0.1", "admin", "u1", Duration.ofMinutes(5)));
        assertThat(otherHub.statusCode()).isEqualTo(401);
        assertThat(otherHub.body()).contains("does not match the client URL");

        String restAudience =
                emulator.accessTokens().mintServerToken("http://127.0.0.1/api/hubs/chat", Duration.ofMinutes(5));
        assertThat(negotiate("chat", restAudience).statusCode()).isEqualTo(401);

        String noExp = emulator.accessTokens()
                .mint(new JWTClaimsSet.Builder().audience(emulator.clientUrl("chat")), Duration.ofMinutes(5));
        String stripped = stripExp(noExp);
        assertThat(negotiate("chat", stripped).statusCode()).isEqualTo(401);

        HttpResponse<String> missing = negotiate("chat", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).contains("missing access token");

        assertThat(negotiate("chat", "not-a-jwt").statusCode()).isEqualTo(401);
        assertThat(negotiate(
                                "1bad",
                                emulator.accessTokens()
                                        .mintClientToken("http://127.0.0.1", "1bad", "u", Duration.ofMinutes(5)))
                        .statusCode())
                .isEqualTo(400);
    }

    /** Re-signing without exp: a valid signature must not be enough. */
    private static String stripExp(String token) throws Exception {
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder(com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet())
                        .expirationTime(null)
                        .build());
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void restRequiresAServerTokenForThatUrl() throws Exception {
        String path = "/api/hubs/chat/:send?api-version=2022-06-01";
        String body = "{\"target\":\"notify\",\"arguments\":[]}";
        assertThat(rest.call("POST", path, body).statusCode()).isEqualTo(202);
        assertThat(rest.call("POST", path, body, null).statusCode()).isEqualTo(401);
        assertThat(rest.call("POST", path, body, "Bearer garbage").statusCode()).isEqualTo(401);
        String forged = new AccessTokens(OTHER_KEY)
                .mintServerToken("http://127.0.0.1/api/hubs/chat/:send", Duration.ofMinutes(5));
        assertThat(rest.call("POST", path, body, "Bearer " + forged).statusCode())
                .isEqualTo(401);
        String expired = emulator.accessTokens()
                .mintServerToken("http://127.0.0.1/api/hubs/chat/:send", Duration.ofMinutes(-10));
        assertThat(rest.call("POST", path, body, "Bearer " + expired).body()).contains("token expired");
        String otherHub =
                emulator.accessTokens().mintServerToken("http://127.0.0.1/api/hubs/admin/:send", Duration.ofMinutes(5));
        assertThat(rest.call("POST", path, body, "Bearer " + otherHub).statusCode())
                .isEqualTo(401);
        String clientToken =
                emulator.accessTokens().mintClientToken("http://127.0.0.1", "chat", "u1", Duration.ofMinutes(5));
        assertThat(rest.call("POST", path, body, "Bearer " + clientToken).statusCode())
                .isEqualTo(401);
        // documented v1 form: the hub URL as audience covers requests below it
        String hubLevel =
                emulator.accessTokens().mintServerToken("http://127.0.0.1/api/v1/hubs/chat", Duration.ofMinutes(5));
        assertThat(rest.call("POST", "/api/v1/hubs/chat/users/u1", body, "Bearer " + hubLevel)
                        .statusCode())
                .isEqualTo(202);
        // ... but a token for one connection does not cover another
        String oneConnection = emulator.accessTokens()
                .mintServerToken("http://127.0.0.1/api/hubs/chat/connections/a", Duration.ofMinutes(5));
        assertThat(rest.call("HEAD", "/api/hubs/chat/connections/b", null, "Bearer " + oneConnection)
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void restBadInputGets400Or404WithAzureErrorCodes() throws Exception {
        HttpResponse<String> noTarget = rest.call("POST", "/api/hubs/chat/:send", "{\"arguments\":[]}");
        assertThat(noTarget.statusCode()).isEqualTo(400);
        assertThat(noTarget.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(noTarget.body()).contains("'target' is required");
        assertThat(rest.call("POST", "/api/hubs/chat/:send", "{not json").body())
                .contains("not valid JSON");
        assertThat(rest.call("POST", "/api/hubs/chat/:send", "{\"target\":\"t\",\"arguments\":{}}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(rest.call("POST", "/api/hubs/chat/:send", "").statusCode()).isEqualTo(400);
        assertThat(rest.call("PUT", "/api/hubs/chat/users/u/groups/g?ttl=abc", null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(rest.call(
                                "POST",
                                "/api/hubs/chat/:send",
                                "{\"target\":\"t\",\"arguments\":[\"" + "x".repeat(1_100_000) + "\"]}")
                        .statusCode())
                .isEqualTo(413);

        HttpResponse<String> unknown = rest.call("GET", "/api/hubs/chat/connections/nope", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("x-ms-error-code")).hasValue("Warning.Connection.NotExisted");
        assertThat(rest.call("PUT", "/api/hubs/chat/groups/g/connections/nope", null)
                        .headers()
                        .firstValue("x-ms-error-code"))
                .hasValue("Error.Connection.NotExisted");
        assertThat(rest.call("HEAD", "/api/hubs/chat/users/nobody", null)
                        .headers()
                        .firstValue("x-ms-error-code"))
                .hasValue("Warning.User.NotExisted");
        assertThat(rest.call("HEAD", "/api/hubs/chat/groups/empty", null)
                        .headers()
                        .firstValue("x-ms-error-code"))
                .hasValue("Warning.Group.NotExisted");
        assertThat(rest.call("DELETE", "/api/hubs/chat/connections/nope", null).statusCode())
                .isEqualTo(404);
        assertThat(rest.call("POST", "/api/hubs/chat/users/u/:closeConnections", null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(rest.call("HEAD", "/api/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void upstreamSignatureMatchesAzuresTestVectorAndVerifies() {
        String key = SignalREmulator.DEFAULT_ACCESS_KEY;
        String signature = UpstreamSignature.of(key, "conn1");
        assertThat(signature).isEqualTo("sha256=8DE7281E588E23B0A30A7180FFA240257B8176E983004C240C9F3F7A7233C993");
        assertThat(UpstreamSignature.verify(signature.toLowerCase(), key, "conn1"))
                .isTrue();
        assertThat(UpstreamSignature.verify("sha256=00," + signature, key, "conn1"))
                .isTrue();
        assertThat(UpstreamSignature.verify(signature, key, "conn2")).isFalse();
        assertThat(UpstreamSignature.verify(signature, OTHER_KEY, "conn1")).isFalse();
    }
}
