package io.cifpipe.presence.testing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.cifpipe.runtime.auth.JwtValidator;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/** A real OIDC provider (mock-oauth2-server) on an ephemeral port, issuing Entra-shaped tokens. */
public final class TestIdp implements AutoCloseable {
    public static final String CLIENT_ID = "c0ffee00-0000-0000-0000-00000000c1d0";
    public static final String SCOPE = "user_impersonation";

    /** One signing key for every issuer id, so a token from another issuer fails on iss, not on the key. */
    private static final class SingleKeyProvider extends KeyProvider {
        private final JWK key;

        SingleKeyProvider() {
            try {
                key = new RSAKeyGenerator(2048).keyID("test-key-1").generate();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public JWK signingKey(String issuerId) {
            return key;
        }
    }

    private final MockOAuth2Server server = new MockOAuth2Server(
            new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(new SingleKeyProvider())));

    public TestIdp() {
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (Exception e) {
            throw new IllegalStateException("mock-oauth2-server did not start", e);
        }
    }

    public String authority() {
        return server.issuerUrl("entra").toString();
    }

    public JwtValidator validator() {
        return JwtValidator.builder()
                .authority(authority())
                .audience(CLIENT_ID)
                .audience("api://" + CLIENT_ID)
                // generous: on a loaded CI machine the provider's first answers can take seconds
                .httpTimeout(java.time.Duration.ofSeconds(30))
                .build();
    }

    /** A delegated agent token for {@code oid} with the API scope. */
    public String agentToken(String oid) {
        return token("entra", "api://" + CLIENT_ID, oid, Map.of("scp", SCOPE), 3600);
    }

    public String token(String issuerId, String audience, String oid, Map<String, Object> extra, long lifetimeSeconds) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("oid", oid);
        claims.put("tid", "tenant-1");
        claims.put("name", "Agent " + oid);
        claims.put("roles", List.of());
        claims.putAll(extra);
        return server.issueToken(issuerId, "sub-" + oid, audience, claims, lifetimeSeconds)
                .serialize();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
