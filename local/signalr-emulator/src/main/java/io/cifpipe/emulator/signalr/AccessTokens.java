package io.cifpipe.emulator.signalr;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Mints and validates the HS256 access tokens Azure SignalR Service uses. The HMAC key is the UTF-8 bytes of the
 * AccessKey text (not base64-decoded), exactly like the service SDKs.
 *
 * <p>Audience checks are deliberately path-based: the .NET/Functions SDKs build {@code aud} without the port and
 * (for REST) with the {@code api-version} query, so host, port and query are ignored; the path and the hub must match.
 */
public final class AccessTokens {
    /** The claim types the service reads the user id from, in priority order. */
    static final List<String> USER_ID_CLAIMS = List.of(
            "asrs.s.uid", "nameid", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", "sub");

    private static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS =
            Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);

    /** Default bound of the verified-token cache (a connect storm of a few thousand agents fits). */
    static final int DEFAULT_CACHE_SIZE = 4096;

    private final byte[] key;
    private final MACVerifier verifier;
    private final Duration clockSkew;
    private final Clock clock;
    private final VerifiedTokenCache verified;

    public AccessTokens(String accessKey, Duration clockSkew, Clock clock) {
        this(accessKey, clockSkew, clock, DEFAULT_CACHE_SIZE);
    }

    /** {@code cacheSize} bounds the verified-token cache; 0 turns it off. */
    public AccessTokens(String accessKey, Duration clockSkew, Clock clock, int cacheSize) {
        this.key = requireUsableKey(accessKey);
        try {
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("AccessKey cannot be used for HMAC: " + e.getMessage(), e);
        }
        this.clockSkew = clockSkew;
        this.clock = clock;
        this.verified = new VerifiedTokenCache(cacheSize);
    }

    public AccessTokens(String accessKey) {
        this(accessKey, Duration.ofSeconds(30), Clock.systemUTC());
    }

    static byte[] requireUsableKey(String accessKey) {
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException("AccessKey must not be empty");
        }
        byte[] bytes = accessKey.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            // HS256 needs a 256-bit key; Azure keys are 44 characters.
            throw new IllegalArgumentException("AccessKey must be at least 32 bytes (Azure keys are 44 characters)");
        }
        return bytes;
    }

    /** Client token for {@code <endpoint>/client/?hub=<hub>} with the user id in {@code nameid} (what the SDKs mint). */
    public String mintClientToken(String endpoint, String hub, String userId, Duration lifetime) {
        String aud = trimSlash(endpoint) + "/client/?hub=" + hub.toLowerCase(Locale.ROOT);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().audience(aud);
        if (userId != null) {
            claims.claim("nameid", userId);
        }
        return mint(claims, lifetime);
    }

    /** Server (REST) token whose audience is the given request URL. */
    public String mintServerToken(String requestUrl, Duration lifetime) {
        return mint(new JWTClaimsSet.Builder().audience(requestUrl).claim("nameid", "emulator-test"), lifetime);
    }

    /** Signs arbitrary claims; iat/nbf/exp are set from the lifetime (negative lifetimes make expired tokens). */
    public String mint(JWTClaimsSet.Builder claims, Duration lifetime) {
        Instant now = clock.instant();
        claims.issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plus(lifetime)));
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims.build());
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    /** Validates a client token for the (internal, lower-case) hub; returns the claims. */
    public JWTClaimsSet validateClient(String token, String hub) throws InvalidTokenException {
        JWTClaimsSet claims = verify(token);
        for (String aud : audiences(claims)) {
            URI uri = parse(aud);
            if (uri != null
                    && "/client".equals(normalisePath(uri.getRawPath()))
                    && hub.equalsIgnoreCase(queryParam(uri.getRawQuery(), "hub"))) {
                return remember(token, claims);
            }
        }
        throw new InvalidTokenException(
                "audience " + audiences(claims) + " does not match the client URL of hub '" + hub + "'");
    }

    /**
     * Validates a server token for a REST request. {@code aud} must name the same hub and its path must be the
     * request path or a prefix of it (the v1 docs show the hub URL as audience; the SDKs use the full request URL).
     */
    public JWTClaimsSet validateServer(String token, String requestPath, int hubSegmentIndex)
            throws InvalidTokenException {
        JWTClaimsSet claims = verify(token);
        String request = normalisePath(requestPath);
        String[] requestSegments = request.split("/");
        for (String aud : audiences(claims)) {
            URI uri = parse(aud);
            if (uri == null) {
                continue;
            }
            String audPath = normalisePath(uri.getRawPath());
            boolean prefix = request.equals(audPath) || request.startsWith(audPath + "/");
            if (prefix
                    && audPath.split("/").length > hubSegmentIndex
                    && audPath.split("/")[hubSegmentIndex].equals(requestSegments[hubSegmentIndex])) {
                return remember(token, claims);
            }
        }
        throw new InvalidTokenException("audience " + audiences(claims) + " does not match the request URL");
    }

    /** The user id the service assigns for these claims, or null for an anonymous connection. */
    public static String userIdOf(JWTClaimsSet claims) {
        for (String name : USER_ID_CLAIMS) {
            Object value = claims.getClaim(name);
            if (value instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        return null;
    }

    /**
     * Parses and checks signature, expiry, not-before and audience presence. A token that passed every check of a
     * request (audience included) is remembered until its {@code exp} (never later), so the same server token on every
     * REST call, or a client token on negotiate and then connect, is parsed and HMAC-checked once: that was the
     * emulator's largest own CPU cost (JFR). Audiences are still checked on every call. After {@code exp} the token
     * goes through the full check again, which refuses it once the clock skew is used up.
     */
    private JWTClaimsSet verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("missing access token");
        }
        Instant now = clock.instant();
        JWTClaimsSet cached = verified.get(token, now);
        if (cached != null) {
            return cached;
        }
        return verifyUncached(token, now);
    }

    /** Called once a token passed every check for a request (the audience included): later calls skip the HMAC. */
    private JWTClaimsSet remember(String token, JWTClaimsSet claims) {
        Instant exp = claims.getExpirationTime().toInstant();
        if (clock.instant().isBefore(exp)) {
            verified.put(token, claims, exp);
        }
        return claims;
    }

    /** Number of verified tokens currently remembered (tests). */
    int cachedTokenCount() {
        return verified.size();
    }

    private JWTClaimsSet verifyUncached(String token, Instant now) throws InvalidTokenException {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed access token");
        }
        if (!ACCEPTED_ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            throw new InvalidTokenException(
                    "unsupported token algorithm " + jwt.getHeader().getAlgorithm());
        }
        try {
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("invalid token signature");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("invalid token signature");
        }
        if (claims.getExpirationTime() == null) {
            throw new InvalidTokenException("token has no exp claim");
        }
        if (now.isAfter(claims.getExpirationTime().toInstant().plus(clockSkew))) {
            throw new InvalidTokenException(
                    "token expired at " + claims.getExpirationTime().toInstant());
        }
        if (claims.getNotBeforeTime() != null
                && now.isBefore(claims.getNotBeforeTime().toInstant().minus(clockSkew))) {
            throw new InvalidTokenException(
                    "token not valid before " + claims.getNotBeforeTime().toInstant());
        }
        if (audiences(claims).isEmpty()) {
            throw new InvalidTokenException("token has no aud claim");
        }
        return claims;
    }

    private static List<String> audiences(JWTClaimsSet claims) {
        List<String> aud = claims.getAudience();
        return aud == null ? List.of() : aud;
    }

    private static URI parse(String aud) {
        try {
            return new URI(aud);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Decoded, lower-cased path without trailing slash. */
    static String normalisePath(String rawPath) {
        if (rawPath == null) {
            return "";
        }
        String decoded = PathCodec.decode(rawPath).toLowerCase(Locale.ROOT);
        while (decoded.endsWith("/")) {
            decoded = decoded.substring(0, decoded.length() - 1);
        }
        return decoded;
    }

    static String queryParam(String rawQuery, String name) {
        Map<String, List<String>> params = PathCodec.parseQuery(rawQuery);
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
