package io.cifpipe.emulator.signalr;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Microsoft Entra access tokens on the data plane (keyless SignalR, {@code AuthType=azure.msi}): RS256/ES256 signed by
 * a key of the configured issuer's JWKS (found through OIDC discovery), {@code iss} exact, {@code aud} one of the
 * accepted audiences (Azure SignalR's {@value #SIGNALR_AUDIENCE} by default), {@code exp}/{@code nbf} with the clock
 * skew. Azure additionally checks the caller's data-plane role assignment; the emulator can only restrict callers to
 * a list of object ids ({@link SignalREmulator.Builder#entraAllowedPrincipal}).
 *
 * <p>The first validation fetches discovery and keys over HTTP, so callers run it off the event loop.
 */
final class EntraTokens {
    /** The resource Azure SignalR's data plane accepts tokens for (scope {@code https://signalr.azure.com/.default}). */
    static final String SIGNALR_AUDIENCE = "https://signalr.azure.com";

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final String issuer;
    private final Set<String> audiences;
    private final Set<String> allowedPrincipals;
    private final Duration clockSkew;
    private final Clock clock;
    private DefaultJWTProcessor<SecurityContext> processor;

    EntraTokens(String issuer, Set<String> audiences, Set<String> allowedPrincipals, Duration clockSkew, Clock clock) {
        this.issuer = trimSlash(issuer);
        this.audiences = Set.copyOf(audiences);
        this.allowedPrincipals = Set.copyOf(allowedPrincipals);
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** True for an asymmetric JWT (an Entra token), false for the HS* access-key tokens; null for no JWT at all. */
    static Boolean isEntra(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            JWSAlgorithm alg = SignedJWT.parse(token).getHeader().getAlgorithm();
            return !JWSAlgorithm.Family.HMAC_SHA.contains(alg);
        } catch (ParseException e) {
            return null;
        }
    }

    /** Validates; blocking on first use (discovery, JWKS). */
    JWTClaimsSet validate(String token) throws InvalidTokenException {
        JWTClaimsSet claims;
        try {
            claims = processor().process(token, null);
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed Entra token");
        } catch (BadJOSEException e) {
            throw new InvalidTokenException("Entra token signature not valid for issuer " + issuer);
        } catch (JOSEException e) {
            throw new InvalidTokenException("Entra signing keys unavailable: " + e.getMessage());
        }
        Instant now = clock.instant();
        if (!issuer.equals(trimSlash(String.valueOf(claims.getIssuer())))) {
            throw new InvalidTokenException("Entra token issuer not accepted");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().map(EntraTokens::trimSlash).noneMatch(audiences::contains)) {
            throw new InvalidTokenException("Entra token audience " + aud + " is not SignalR's");
        }
        if (claims.getExpirationTime() == null
                || now.isAfter(claims.getExpirationTime().toInstant().plus(clockSkew))) {
            throw new InvalidTokenException("Entra token expired or without exp");
        }
        if (claims.getNotBeforeTime() != null
                && now.isBefore(claims.getNotBeforeTime().toInstant().minus(clockSkew))) {
            throw new InvalidTokenException("Entra token not yet valid");
        }
        Object oid = claims.getClaim("oid");
        if (!allowedPrincipals.isEmpty() && !(oid instanceof String s && allowedPrincipals.contains(s))) {
            throw new InvalidTokenException("principal " + oid + " has no SignalR data-plane role here");
        }
        return claims;
    }

    /** Built on first use (discovery); validations run on worker threads, so a plain lock is enough. */
    private synchronized DefaultJWTProcessor<SecurityContext> processor() throws JOSEException {
        if (processor == null) {
            DefaultResourceRetriever retriever = new DefaultResourceRetriever(10_000, 10_000, 512 * 1024);
            JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwksUri(retriever), retriever)
                    .build();
            DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
            p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
            // claims are checked above with the emulator's own messages
            p.setJWTClaimsSetVerifier((claims, ctx) -> {});
            processor = p;
        }
        return processor;
    }

    private URL jwksUri(DefaultResourceRetriever retriever) throws JOSEException {
        String discovery = issuer + "/.well-known/openid-configuration";
        try {
            Map<String, Object> doc = JSONObjectUtils.parse(
                    retriever.retrieveResource(new URL(discovery)).getContent());
            String jwks = JSONObjectUtils.getString(doc, "jwks_uri");
            if (jwks == null) {
                throw new JOSEException("no jwks_uri in " + discovery);
            }
            return URI.create(jwks).toURL();
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new JOSEException("OIDC discovery failed for " + discovery + ": " + e.getMessage(), e);
        }
    }

    private static String trimSlash(String s) {
        return s != null && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
