package io.cifpipe.runtime.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.cifpipe.model.Setting;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates Entra ID (or any OIDC provider's) JWT bearer tokens: signature against the provider's JWKS
 * found by OIDC discovery (cached, refreshed when an unknown key id appears, rate limited), RS256/ES256
 * only, issuer, audience, expiry/not-before with clock skew, and an {@code oid} claim.
 *
 * <p>Thread-safe; build one per process and reuse it (the JWK cache lives inside).
 * Discovery happens on first use, so a validator can be built before the provider is reachable.
 */
public final class JwtValidator {

    private static final Logger LOG = LoggerFactory.getLogger(JwtValidator.class);

    /** Only asymmetric algorithms: HS* would let anyone holding a shared secret mint tokens; none is unsigned. */
    public static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final String authority;
    private final String issuer;
    private final Set<String> audiences;
    private final String tenantId;
    private final Duration clockSkew;
    private final Clock clock;
    private final URL explicitJwksUri;
    private final ResourceRetriever retriever;
    private final Duration jwksCacheTtl;
    private final Duration jwksRateLimit;

    private volatile DefaultJWTProcessor<SecurityContext> processor;

    private JwtValidator(Builder b) {
        this.authority = trimSlash(b.authority);
        this.issuer = b.issuer != null ? b.issuer : this.authority;
        this.audiences = Set.copyOf(b.audiences);
        this.tenantId = b.tenantId;
        this.clockSkew = b.clockSkew;
        this.clock = b.clock;
        this.explicitJwksUri = b.jwksUri;
        this.retriever = new DefaultResourceRetriever(
                (int) b.httpTimeout.toMillis(), (int) b.httpTimeout.toMillis(), 512 * 1024);
        this.jwksCacheTtl = b.jwksCacheTtl;
        this.jwksRateLimit = b.jwksRateLimit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a validator from app settings: {@link Setting#AUTHORITY} (or the Entra v2 authority for
     * {@link Setting#TENANT_ID}), audiences {@link Setting#CLIENT_ID}, {@code api://<client id>} and
     * {@link Setting#AUDIENCE}.
     */
    public static JwtValidator fromSettings(Function<String, String> env) {
        Builder b = builder().authority(authorityFromSettings(env));
        Setting.CLIENT_ID.read(env).ifPresent(id -> b.audience(id).audience("api://" + id));
        Setting.AUDIENCE.read(env).ifPresent(b::audience);
        return b.build();
    }

    /** {@link Setting#AUTHORITY}, else the Entra v2.0 authority of {@link Setting#TENANT_ID}. */
    public static String authorityFromSettings(Function<String, String> env) {
        String tenant = Setting.TENANT_ID.read(env).orElse(null);
        return Setting.AUTHORITY
                .read(env)
                .or(() -> java.util.Optional.ofNullable(tenant)
                        .map(t -> "https://login.microsoftonline.com/" + t + "/v2.0"))
                .orElseThrow(() -> new IllegalStateException("App setting '" + Setting.AUTHORITY.key() + "' (or '"
                        + Setting.TENANT_ID.key() + "') is required to validate tokens"));
    }

    /** Expected {@code iss}. */
    public String issuer() {
        return issuer;
    }

    public Set<String> audiences() {
        return audiences;
    }

    /**
     * Validates {@code token} (the compact JWT, without "Bearer ").
     *
     * @throws TokenRejectedException              the token is not acceptable (401)
     * @throws IdentityProviderUnavailableException discovery/JWKS could not be fetched (503)
     */
    public Principal validate(String token) {
        if (token == null || token.isBlank()) {
            throw TokenRejectedException.missing();
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.trim());
        } catch (ParseException e) {
            throw new TokenRejectedException("malformed token");
        }
        if (jwt instanceof PlainJWT) {
            throw new TokenRejectedException("unsigned tokens (alg none) are not accepted");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            throw new TokenRejectedException("encrypted tokens are not accepted");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!ALLOWED_ALGORITHMS.contains(alg)) {
            throw new TokenRejectedException("algorithm " + alg + " is not accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = processor().process(signed, null);
        } catch (BadJWTException e) {
            throw new TokenRejectedException(e.getMessage(), e); // our own verifier's reasons, see below
        } catch (BadJWSException e) {
            throw new TokenRejectedException("signature invalid", e);
        } catch (BadJOSEException e) {
            String msg = String.valueOf(e.getMessage());
            throw new TokenRejectedException(
                    msg.contains("typ") ? "token type not accepted" : "no matching signing key", e);
        } catch (RateLimitReachedException e) {
            // An unknown kid while the JWKS was just refreshed: the key is not the provider's.
            throw new TokenRejectedException("no matching signing key", e);
        } catch (JOSEException e) {
            throw new IdentityProviderUnavailableException("signing keys unavailable: " + e.getMessage(), e);
        }
        return toPrincipal(claims);
    }

    /** Extracts the token from an {@code Authorization} header value ({@code Bearer <token>}). */
    public static String bearerToken(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw TokenRejectedException.missing();
        }
        String h = authorizationHeader.trim();
        int sp = h.indexOf(' ');
        if (sp < 0 || !h.substring(0, sp).equalsIgnoreCase("Bearer")) {
            throw TokenRejectedException.malformedHeader("Authorization must use the Bearer scheme");
        }
        String token = h.substring(sp + 1).trim();
        if (token.isEmpty() || token.contains(" ")) {
            throw TokenRejectedException.malformedHeader("malformed bearer credentials");
        }
        return token;
    }

    /** {@link #bearerToken} then {@link #validate}. */
    public Principal validateAuthorizationHeader(String authorizationHeader) {
        return validate(bearerToken(authorizationHeader));
    }

    private Principal toPrincipal(JWTClaimsSet c) {
        try {
            String scp = c.getStringClaim("scp");
            Set<String> scopes = scp == null || scp.isBlank()
                    ? Set.of()
                    : new LinkedHashSet<>(Arrays.asList(scp.trim().split("\\s+")));
            List<String> roles = c.getStringListClaim("roles");
            String appId = c.getStringClaim("azp") != null ? c.getStringClaim("azp") : c.getStringClaim("appid");
            return new Principal(
                    c.getStringClaim("oid"),
                    c.getStringClaim("tid"),
                    c.getSubject(),
                    appId,
                    c.getStringClaim("name"),
                    c.getStringClaim("preferred_username"),
                    scopes,
                    roles == null ? Set.of() : Set.copyOf(roles),
                    c.getExpirationTime().toInstant());
        } catch (ParseException e) {
            throw new TokenRejectedException("claim has an unexpected type", e);
        }
    }

    private DefaultJWTProcessor<SecurityContext> processor() throws JOSEException {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p == null) {
            synchronized (this) {
                p = processor;
                if (p == null) {
                    p = newProcessor(jwksUri());
                    processor = p;
                }
            }
        }
        return p;
    }

    private URL jwksUri() throws JOSEException {
        if (explicitJwksUri != null) {
            return explicitJwksUri;
        }
        String discovery = authority + "/.well-known/openid-configuration";
        try {
            String body = retriever.retrieveResource(new URL(discovery)).getContent();
            Map<String, Object> doc = JSONObjectUtils.parse(body);
            String jwks = JSONObjectUtils.getString(doc, "jwks_uri");
            String docIssuer = JSONObjectUtils.getString(doc, "issuer");
            if (jwks == null) {
                throw new JOSEException("discovery document " + discovery + " has no jwks_uri");
            }
            if (docIssuer != null && !docIssuer.equals(issuer)) {
                LOG.warn("Discovery issuer {} differs from the expected issuer {}", docIssuer, issuer);
            }
            LOG.info("OIDC discovery {} -> jwks_uri {}", discovery, jwks);
            return URI.create(jwks).toURL();
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new JOSEException("OIDC discovery failed for " + discovery + ": " + e.getMessage(), e);
        }
    }

    private DefaultJWTProcessor<SecurityContext> newProcessor(URL jwksUri) {
        JWKSourceBuilder<SecurityContext> sb = JWKSourceBuilder.<SecurityContext>create(jwksUri, retriever)
                .cache(jwksCacheTtl.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                .retrying(true);
        sb = jwksRateLimit.isZero() ? sb.rateLimited(false) : sb.rateLimited(jwksRateLimit.toMillis());
        JWKSource<SecurityContext> keys = sb.build();
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALLOWED_ALGORITHMS, keys));
        p.setJWTClaimsSetVerifier(new ClaimsVerifier());
        return p;
    }

    /**
     * Claim checks written out (instead of nimbus' DefaultJWTClaimsVerifier) so each failure has a stable,
     * specific reason for {@code error_description} and logs.
     */
    private final class ClaimsVerifier implements JWTClaimsSetVerifier<SecurityContext> {
        @Override
        public void verify(JWTClaimsSet c, SecurityContext ctx) throws BadJWTException {
            Instant now = clock.instant();
            Date exp = c.getExpirationTime();
            if (exp == null) {
                throw new BadJWTException("token has no exp claim");
            }
            if (!now.isBefore(exp.toInstant().plus(clockSkew))) {
                throw new BadJWTException("token expired");
            }
            Date nbf = c.getNotBeforeTime();
            if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
                throw new BadJWTException("token not yet valid");
            }
            if (!issuer.equals(c.getIssuer())) {
                throw new BadJWTException("issuer not accepted");
            }
            List<String> aud = c.getAudience();
            if (aud == null || aud.stream().noneMatch(audiences::contains)) {
                throw new BadJWTException("audience not accepted");
            }
            Object oid = c.getClaim("oid");
            if (!(oid instanceof String s) || s.isBlank()) {
                throw new BadJWTException("token has no oid claim");
            }
            if (tenantId != null && !tenantId.equals(c.getClaim("tid"))) {
                throw new BadJWTException("tenant not accepted");
            }
        }
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Builder; {@link #authority} and at least one {@link #audience} are required. */
    public static final class Builder {
        private String authority;
        private String issuer;
        private final Set<String> audiences = new LinkedHashSet<>();
        private String tenantId;
        private Duration clockSkew = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private URL jwksUri;
        private Duration httpTimeout = Duration.ofSeconds(5);
        private Duration jwksCacheTtl = Duration.ofMinutes(15);
        private Duration jwksRateLimit = Duration.ofSeconds(30);

        private Builder() {}

        /** OIDC authority; discovery is read from {@code <authority>/.well-known/openid-configuration}. */
        public Builder authority(String authority) {
            this.authority = Objects.requireNonNull(authority, "authority");
            return this;
        }

        /** Expected {@code iss}; defaults to the authority (as for Entra v2 endpoints). */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** An accepted audience; call once per value (client id, {@code api://<client id>}). */
        public Builder audience(String audience) {
            if (audience != null && !audience.isBlank()) {
                audiences.add(audience.trim());
            }
            return this;
        }

        public Builder audiences(Collection<String> values) {
            values.forEach(this::audience);
            return this;
        }

        /** If set, the {@code tid} claim must equal it. */
        public Builder tenantId(String tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        /** Tolerance for exp/nbf; default 60 s. */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative()) {
                throw new IllegalArgumentException("clock skew must not be negative");
            }
            this.clockSkew = skew;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Skip discovery and use this key set URL. */
        public Builder jwksUri(String url) {
            try {
                this.jwksUri = URI.create(url).toURL();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid jwks uri: " + url, e);
            }
            return this;
        }

        /** Connect and read timeout for discovery and JWKS fetches; default 5 s. */
        public Builder httpTimeout(Duration timeout) {
            this.httpTimeout = timeout;
            return this;
        }

        /** How long a fetched key set is trusted before a refetch; default 15 min. */
        public Builder jwksCacheTtl(Duration ttl) {
            this.jwksCacheTtl = ttl;
            return this;
        }

        /** Minimum interval between JWKS fetches caused by unknown key ids (nimbus allows two per interval); zero disables. */
        public Builder jwksRateLimit(Duration minInterval) {
            this.jwksRateLimit = minInterval;
            return this;
        }

        public JwtValidator build() {
            if (authority == null || authority.isBlank()) {
                throw new IllegalStateException("authority is required");
            }
            if (audiences.isEmpty()) {
                throw new IllegalStateException("at least one accepted audience is required");
            }
            return new JwtValidator(this);
        }
    }
}
