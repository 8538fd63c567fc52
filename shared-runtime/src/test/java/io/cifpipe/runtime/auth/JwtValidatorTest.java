package io.cifpipe.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.cifpipe.testsupport.FreePorts;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real OIDC provider (mock-oauth2-server) on an ephemeral port: discovery, JWKS, signatures. */
class JwtValidatorTest {

    static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";
    static final String OID = "aaaaaaaa-0000-0000-0000-000000000001";

    static RotatingKeyProvider keys;
    static MockOAuth2Server idp;
    static String authority;

    /** Signing key that a test can roll over to a new key id, like Entra's periodic key rollover. */
    static final class RotatingKeyProvider extends KeyProvider {
        private volatile JWK current = newKey("k1");

        static JWK newKey(String kid) {
            try {
                return new RSAKeyGenerator(2048).keyID(kid).generate();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void rotate(String kid) {
            current = newKey(kid);
        }

        @Override
        public JWK signingKey(String issuerId) {
            return current;
        }
    }

    @BeforeAll
    static void startIdp() throws Exception {
        keys = new RotatingKeyProvider();
        idp = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(keys)));
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        authority = idp.issuerUrl("entra").toString();
    }

    @AfterAll
    static void stopIdp() {
        idp.shutdown();
    }

    static JwtValidator.Builder validatorBuilder() {
        // generous HTTP timeout: on a loaded CI machine the provider's first answers can take seconds
        return JwtValidator.builder()
                .authority(authority)
                .audience(CLIENT_ID)
                .audience("api://" + CLIENT_ID)
                .httpTimeout(Duration.ofSeconds(30));
    }

    static String token(String issuerId, String audience, Map<String, Object> extra, long lifetimeSeconds) {
        Map<String, Object> claims = new java.util.HashMap<>(Map.of(
                "oid",
                OID,
                "tid",
                "tenant-1",
                "scp",
                "user_impersonation Other.Read",
                "roles",
                List.of("Calls.Send"),
                "name",
                "Ada Agent",
                "preferred_username",
                "ada@contoso.test"));
        claims.putAll(extra);
        return idp.issueToken(issuerId, "subject-1", audience, claims, lifetimeSeconds)
                .serialize();
    }

    static String goodToken() {
        return token("entra", "api://" + CLIENT_ID, Map.of(), 3600);
    }

    @Test
    void goodTokenYieldsPrincipalFromClaims() {
        Principal p = validatorBuilder().build().validate(goodToken());
        assertThat(p.objectId()).isEqualTo(OID);
        assertThat(p.tenantId()).isEqualTo("tenant-1");
        assertThat(p.subject()).isEqualTo("subject-1");
        assertThat(p.name()).isEqualTo("Ada Agent");
        assertThat(p.preferredUsername()).isEqualTo("ada@contoso.test");
        assertThat(p.scopes()).containsExactlyInAnyOrder("user_impersonation", "Other.Read");
        assertThat(p.roles()).containsExactly("Calls.Send");
        assertThat(p.expiresAt()).isAfter(Instant.now().plusSeconds(3000));
        assertThat(p.requireScope("user_impersonation")).isSameAs(p);
        assertThat(p.requireRole("Calls.Send")).isSameAs(p);
    }

    @Test
    void es256SignedTokensAreAccepted() throws Exception {
        MockOAuth2Server ec = new MockOAuth2Server(new OAuth2Config(
                false, null, null, false, new OAuth2TokenProvider(new KeyProvider(List.of(), "ES256"))));
        ec.start(InetAddress.getByName("127.0.0.1"), 0);
        try {
            String issuer = ec.issuerUrl("entra").toString();
            SignedJWT t = ec.issueToken("entra", "s", "api://" + CLIENT_ID, Map.of("oid", OID), 600);
            assertThat(t.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            JwtValidator v = JwtValidator.builder()
                    .authority(issuer)
                    .audience("api://" + CLIENT_ID)
                    .httpTimeout(Duration.ofSeconds(30))
                    .build();
            assertThat(v.validate(t.serialize()).objectId()).isEqualTo(OID);
        } finally {
            ec.shutdown();
        }
    }

    @Test
    void clientIdAudienceIsAcceptedToo() {
        String t = token("entra", CLIENT_ID, Map.of(), 600);
        assertThat(validatorBuilder().build().validate(t).objectId()).isEqualTo(OID);
    }

    @Test
    void expiredTokenIsRejectedAfterClockSkew() {
        String t = goodToken();
        Instant exp = Instant.now().plusSeconds(3600);
        JwtValidator withinSkew = validatorBuilder()
                .clock(Clock.fixed(exp.plusSeconds(30), ZoneOffset.UTC))
                .build();
        assertThat(withinSkew.validate(t).objectId()).isEqualTo(OID);

        JwtValidator pastSkew = validatorBuilder()
                .clock(Clock.fixed(exp.plusSeconds(120), ZoneOffset.UTC))
                .build();
        assertRejected(() -> pastSkew.validate(t), "token expired");
    }

    @Test
    void notYetValidTokenIsRejected() {
        JwtValidator v = validatorBuilder()
                .clock(Clock.fixed(Instant.now().minusSeconds(600), ZoneOffset.UTC))
                .build();
        assertRejected(() -> v.validate(goodToken()), "token not yet valid");
    }

    @Test
    void wrongAudienceIsRejected() {
        String t = token("entra", "api://someone-else", Map.of(), 600);
        assertRejected(() -> validatorBuilder().build().validate(t), "audience not accepted");
    }

    @Test
    void wrongIssuerIsRejected() {
        // Same keys, same server, other issuer path: only the iss check can catch it.
        String t = token("other-tenant", "api://" + CLIENT_ID, Map.of(), 600);
        assertRejected(() -> validatorBuilder().build().validate(t), "issuer not accepted");
    }

    @Test
    void tokenWithoutOidIsRejected() throws Exception {
        // mock-oauth2-server always keeps our claims; build the no-oid token with its signing key directly.
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(authority)
                .audience(CLIENT_ID)
                .subject("s")
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(keys.signingKey("entra").getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(
                keys.signingKey("entra").toRSAKey()));
        assertRejected(() -> validatorBuilder().build().validate(jwt.serialize()), "token has no oid claim");
    }

    @Test
    void unsignedAlgNoneIsRejected() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(authority)
                .audience(CLIENT_ID)
                .claim("oid", OID)
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build();
        String none = new PlainJWT(claims).serialize();
        assertThat(none).endsWith(".");
        assertRejected(() -> validatorBuilder().build().validate(none), "unsigned tokens (alg none) are not accepted");
    }

    @Test
    void symmetricHs256IsRejected() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(authority)
                .audience(CLIENT_ID)
                .claim("oid", OID)
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build();
        SignedJWT hs = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims);
        hs.sign(new MACSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
        assertRejected(() -> validatorBuilder().build().validate(hs.serialize()), "algorithm HS256 is not accepted");
    }

    @Test
    void tamperedPayloadFailsSignature() {
        String[] parts = goodToken().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = payload.replace(OID, "bbbbbbbb-0000-0000-0000-000000000002");
        assertThat(forged).isNotEqualTo(payload);
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        assertRejected(() -> validatorBuilder().build().validate(tampered), "signature invalid");
    }

    @Test
    void malformedInputIsRejectedNot500() {
        JwtValidator v = validatorBuilder().build();
        assertRejected(() -> v.validate("not-a-jwt"), "malformed token");
        assertThatThrownBy(() -> v.validate(""))
                .isInstanceOf(TokenRejectedException.class)
                .satisfies(e ->
                        assertThat(((TokenRejectedException) e).errorCode()).isNull());
    }

    @Test
    void keyRotationTriggersJwksRefetch() {
        JwtValidator v = validatorBuilder().build();
        String before = goodToken();
        assertThat(v.validate(before).objectId()).isEqualTo(OID); // JWKS with k1 now cached

        synchronized (JwtValidatorTest.class) {
            keys.rotate("k2-" + System.nanoTime());
            try {
                String after = goodToken();
                // unknown kid → the cached set is refreshed once and the new key is found
                assertThat(v.validate(after).objectId()).isEqualTo(OID);
                // the provider no longer publishes the old key: tokens signed with it now fail
                assertRejected(() -> v.validate(before), "no matching signing key");
            } finally {
                keys.rotate("k1");
            }
        }
    }

    @Test
    void scopeAndRoleChecksAreForbiddenNotUnauthorized() {
        Principal p = validatorBuilder().build().validate(goodToken());
        assertThatThrownBy(() -> p.requireScope("Admin.All"))
                .isInstanceOfSatisfying(InsufficientScopeException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.wwwAuthenticate())
                            .isEqualTo(
                                    "Bearer error=\"insufficient_scope\", error_description=\"token lacks required scope Admin.All\", scope=\"Admin.All\"");
                });
        assertThatThrownBy(() -> p.requireRole("Ops.Admin"))
                .isInstanceOfSatisfying(InsufficientScopeException.class, e -> assertThat(e.isRole())
                        .isTrue());
    }

    @Test
    void bearerHeaderParsing() {
        assertThat(JwtValidator.bearerToken("Bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(JwtValidator.bearerToken("bearer   abc.def.ghi ")).isEqualTo("abc.def.ghi");
        assertThatThrownBy(() -> JwtValidator.bearerToken(null))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.wwwAuthenticate())
                        .isEqualTo("Bearer"));
        assertThatThrownBy(() -> JwtValidator.bearerToken("Basic dXNlcjpwYXNz"))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.errorCode())
                        .isEqualTo("invalid_request"));
    }

    @Test
    void unreachableProviderIsUnavailableNotUnauthorized() throws Exception {
        int closedPort = FreePorts.free();
        JwtValidator v = JwtValidator.builder()
                .authority("http://127.0.0.1:" + closedPort + "/entra")
                .issuer(authority)
                .audience(CLIENT_ID)
                .httpTimeout(Duration.ofSeconds(1))
                .build();
        assertThatThrownBy(() -> v.validate(goodToken())).isInstanceOf(IdentityProviderUnavailableException.class);
    }

    @Test
    void fromSettingsAcceptsClientIdAndAppIdUri() {
        Map<String, String> env = Map.of("Authority", authority, "AzureAd__ClientId", CLIENT_ID);
        JwtValidator v = JwtValidator.fromSettings(env::get);
        assertThat(v.audiences()).containsExactlyInAnyOrder(CLIENT_ID, "api://" + CLIENT_ID);
        assertThat(v.issuer()).isEqualTo(authority);
        assertThat(v.validate(goodToken()).objectId()).isEqualTo(OID);
    }

    @Test
    void challengeHeaderIsSafeForHostileReasons() {
        TokenRejectedException e = new TokenRejectedException("bad \"quote\" \\ and \u00e9");
        assertThat(e.wwwAuthenticate())
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"bad ?quote? ? and ?\"");
    }

    static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.wwwAuthenticate()).startsWith("Bearer error=\"invalid_token\", error_description=\"" + reason);
        });
    }
}
