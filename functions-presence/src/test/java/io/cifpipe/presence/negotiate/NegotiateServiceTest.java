package io.cifpipe.presence.negotiate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.cifpipe.model.json.Json;
import io.cifpipe.presence.testing.FakeSignalRService;
import io.cifpipe.presence.testing.TestIdp;
import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.http.CorsPolicy;
import io.cifpipe.runtime.http.HttpCall;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.testsupport.FreePorts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** negotiate against a real OIDC provider and the real SignalR token minting. */
class NegotiateServiceTest {
    static final String ORIGIN = "https://contoso.crm.dynamics.com";
    static final String AGENT = "0a0a0a0a-1111-2222-3333-444444444444";

    static TestIdp idp;
    static FakeSignalRService signalR;
    static NegotiateService service;

    @BeforeAll
    static void start() {
        idp = new TestIdp();
        signalR = new FakeSignalRService();
        SignalRRestClient client = signalR.client();
        service = new NegotiateService(
                idp.validator(),
                TestIdp.SCOPE,
                client::clientNegotiation,
                Duration.ofMinutes(15),
                new CorsPolicy(Set.of(ORIGIN, "http://localhost:8080")));
    }

    @AfterAll
    static void stop() {
        idp.close();
        signalR.close();
    }

    static HttpReply post(Map<String, String> headers) {
        return service.handle(new HttpCall("POST", headers, Map.of("negotiateVersion", "1"), ""));
    }

    static Map<String, String> bearer(String token) {
        Map<String, String> h = new HashMap<>();
        h.put("authorization", "Bearer " + token);
        return h;
    }

    @Test
    void validTokenYieldsHubUrlAndShortLivedTokenForTheOid() throws Exception {
        HttpReply reply = post(bearer(idp.agentToken(AGENT)));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers())
                .containsEntry("Content-Type", "application/json")
                .containsEntry("Cache-Control", "no-store");
        var body = Json.mapper().readTree(reply.body());
        assertThat(body.size()).isEqualTo(2);
        assertThat(body.get("url").asText()).endsWith("/client/?hub=cifhub").startsWith("http://127.0.0.1:");
        SignedJWT token = SignedJWT.parse(body.get("accessToken").asText());
        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(token.verify(new MACVerifier(FakeSignalRService.ACCESS_KEY.getBytes(StandardCharsets.UTF_8))))
                .isTrue();
        JWTClaimsSet c = token.getJWTClaimsSet();
        assertThat(c.getStringClaim("nameid")).isEqualTo(AGENT);
        assertThat(c.getAudience()).containsExactly("http://127.0.0.1/client/?hub=cifhub");
        assertThat(c.getExpirationTime().toInstant())
                .isCloseTo(Instant.now().plus(Duration.ofMinutes(15)), within(Duration.ofSeconds(30)));
    }

    @Test
    void getIsServedToo() {
        HttpReply reply = service.handle(new HttpCall("GET", bearer(idp.agentToken(AGENT)), Map.of(), null));
        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void forgedPrincipalHeadersAndQueryHaveNoEffect() throws Exception {
        Map<String, String> h = bearer(idp.agentToken(AGENT));
        h.put("x-ms-client-principal-id", "victim-oid");
        h.put("x-ms-client-principal-name", "victim@contoso.test");
        h.put("x-ms-signalr-userid", "victim-oid");
        HttpReply reply =
                service.handle(new HttpCall("POST", h, Map.of("userId", "victim-oid"), "{\"userId\":\"victim-oid\"}"));
        assertThat(reply.status()).isEqualTo(200);
        String accessToken =
                Json.mapper().readTree(reply.body()).get("accessToken").asText();
        JWTClaimsSet c = SignedJWT.parse(accessToken).getJWTClaimsSet();
        assertThat(c.getStringClaim("nameid")).isEqualTo(AGENT);
        assertThat(c.getClaims().values()).doesNotContain("victim-oid");
    }

    @Test
    void forgedHeaderWithoutTokenIsStill401() {
        HttpReply reply = post(Map.of("x-ms-client-principal-id", AGENT));
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.headers()).containsEntry("WWW-Authenticate", "Bearer");
        assertThat(reply.headers().get("Content-Type")).isEqualTo("application/problem+json");
    }

    @Test
    void expiredTokenIs401() {
        JwtValidator later = JwtValidator.builder()
                .authority(idp.authority())
                .audience("api://" + TestIdp.CLIENT_ID)
                .httpTimeout(Duration.ofSeconds(30))
                .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(2)))
                .build();
        NegotiateService s = new NegotiateService(
                later,
                TestIdp.SCOPE,
                signalR.client()::clientNegotiation,
                Duration.ofMinutes(15),
                new CorsPolicy(Set.of()));
        HttpReply reply = s.handle(new HttpCall("POST", bearer(idp.agentToken(AGENT)), Map.of(), ""));
        assertInvalidToken(reply, "token expired");
    }

    @Test
    void wrongAudienceIs401() {
        assertInvalidToken(
                post(bearer(idp.token("entra", "api://another-app", AGENT, Map.of("scp", TestIdp.SCOPE), 600))),
                "audience not accepted");
    }

    @Test
    void wrongIssuerIs401() {
        assertInvalidToken(
                post(bearer(idp.token("evil", "api://" + TestIdp.CLIENT_ID, AGENT, Map.of("scp", TestIdp.SCOPE), 600))),
                "issuer not accepted");
    }

    @Test
    void unsignedAlgNoneIs401() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(idp.authority())
                .audience("api://" + TestIdp.CLIENT_ID)
                .claim("oid", AGENT)
                .claim("scp", TestIdp.SCOPE)
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build();
        assertInvalidToken(
                post(bearer(new PlainJWT(claims).serialize())), "unsigned tokens (alg none) are not accepted");
    }

    @Test
    void tamperedTokenIs401() {
        String[] parts = idp.agentToken(AGENT).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(AGENT, "ffffffff-1111-2222-3333-444444444444");
        String forged = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        assertInvalidToken(post(bearer(forged)), "signature invalid");
    }

    @Test
    void missingScopeIs403InsufficientScope() {
        HttpReply reply =
                post(bearer(idp.token("entra", "api://" + TestIdp.CLIENT_ID, AGENT, Map.of("scp", "Other.Read"), 600)));
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.headers().get("WWW-Authenticate"))
                .startsWith("Bearer error=\"insufficient_scope\"")
                .contains("scope=\"user_impersonation\"");
        assertThat(reply.body()).contains("\"type\":\"urn:cifpipe:problem:insufficient-scope\"");
    }

    @Test
    void allowedOriginGetsCredentialedCorsEvenOn401() {
        Map<String, String> h = bearer(idp.agentToken(AGENT));
        h.put("origin", ORIGIN);
        HttpReply ok = post(h);
        assertThat(ok.headers())
                .containsEntry("Access-Control-Allow-Origin", ORIGIN)
                .containsEntry("Access-Control-Allow-Credentials", "true")
                .containsEntry("Vary", "Origin");

        HttpReply refused = post(Map.of("Origin", ORIGIN));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.headers())
                .containsEntry("Access-Control-Allow-Origin", ORIGIN)
                .containsEntry("Access-Control-Expose-Headers", "WWW-Authenticate");
    }

    @Test
    void unknownOriginGetsNoAllowHeaders() {
        Map<String, String> h = bearer(idp.agentToken(AGENT));
        h.put("Origin", "https://evil.example");
        HttpReply reply = post(h);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().keySet()).noneMatch(k -> k.startsWith("Access-Control-"));
    }

    @Test
    void preflightForAllowedOriginAndRefusedForUnknown() {
        HttpReply ok = service.handle(new HttpCall(
                "OPTIONS",
                Map.of(
                        "Origin",
                        ORIGIN,
                        "Access-Control-Request-Method",
                        "POST",
                        "Access-Control-Request-Headers",
                        "authorization, x-requested-with, x-signalr-user-agent, x-evil"),
                Map.of(),
                null));
        assertThat(ok.status()).isEqualTo(204);
        assertThat(ok.headers())
                .containsEntry("Access-Control-Allow-Origin", ORIGIN)
                .containsEntry("Access-Control-Allow-Credentials", "true")
                .containsEntry("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                .containsEntry("Access-Control-Allow-Headers", "authorization, x-requested-with, x-signalr-user-agent");

        HttpReply refused = service.handle(new HttpCall(
                "OPTIONS",
                Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"),
                Map.of(),
                null));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.headers().keySet()).noneMatch(k -> k.startsWith("Access-Control-"));

        HttpReply badMethod = service.handle(new HttpCall(
                "OPTIONS", Map.of("Origin", ORIGIN, "Access-Control-Request-Method", "DELETE"), Map.of(), null));
        assertThat(badMethod.status()).isEqualTo(403);
    }

    @Test
    void unreachableIdentityProviderIs503NotA401() throws Exception {
        int port = FreePorts.free();
        JwtValidator down = JwtValidator.builder()
                .authority("http://127.0.0.1:" + port + "/entra")
                .issuer(idp.authority())
                .audience("api://" + TestIdp.CLIENT_ID)
                .httpTimeout(Duration.ofSeconds(1))
                .build();
        NegotiateService s = new NegotiateService(
                down,
                TestIdp.SCOPE,
                signalR.client()::clientNegotiation,
                Duration.ofMinutes(15),
                new CorsPolicy(Set.of()));
        HttpReply reply = s.handle(new HttpCall("POST", bearer(idp.agentToken(AGENT)), Map.of(), ""));
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.headers()).containsKey("Retry-After");
        assertThat(reply.body()).contains("\"type\":\"urn:cifpipe:problem:unavailable\"");
    }

    static void assertInvalidToken(HttpReply reply, String reason) {
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.headers().get("WWW-Authenticate"))
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"" + reason + "\"");
        assertThat(reply.body()).contains("\"status\":401").doesNotContain("accessToken");
    }
}
