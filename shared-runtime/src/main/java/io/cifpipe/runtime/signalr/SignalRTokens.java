package io.cifpipe.runtime.signalr;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HS256 access tokens for SignalR Service, signed with the UTF-8 bytes of the AccessKey (as the official SDK does).
 * Server (REST) tokens are cached per audience until {@link #REFRESH_MARGIN} before expiry; the cache is bounded
 * because every connection URL is its own audience.
 */
public final class SignalRTokens {
    static final Duration SERVER_TOKEN_LIFETIME = Duration.ofHours(1);
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    private static final int MAX_CACHED = 10_000;

    private final MACSigner signer;
    private final Clock clock;
    private final String serverName;
    private final Map<String, CachedToken> serverTokens = new ConcurrentHashMap<>();

    private record CachedToken(String token, Instant refreshAfter) {}

    public SignalRTokens(String accessKey, Clock clock) {
        try {
            this.signer = new MACSigner(accessKey.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            // MACSigner needs >= 256-bit keys; Azure keys are 44 characters.
            throw new IllegalArgumentException("SignalR AccessKey is too short for HS256 (needs at least 32 bytes)");
        }
        this.clock = clock;
        this.serverName = "cifpipe_" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    }

    /**
     * The audience SignalR expects for a URL: scheme://host (no port, like the official SDK) + path + query.
     */
    public static String audienceOf(URI url) {
        return url.getScheme() + "://" + url.getHost() + url.getRawPath()
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }

    /** A token for a data-plane REST call to {@code url}, reused until near expiry. */
    public String serverToken(URI url) {
        String audience = audienceOf(url);
        Instant now = clock.instant();
        CachedToken cached = serverTokens.get(audience);
        if (cached != null && now.isBefore(cached.refreshAfter())) {
            return cached.token();
        }
        if (serverTokens.size() >= MAX_CACHED) {
            serverTokens.clear();
        }
        String token = sign(
                new JWTClaimsSet.Builder().audience(audience).claim("nameid", serverName), now, SERVER_TOKEN_LIFETIME);
        serverTokens.put(
                audience, new CachedToken(token, now.plus(SERVER_TOKEN_LIFETIME).minus(REFRESH_MARGIN)));
        return token;
    }

    /** A client access token for {@code clientUrl} carrying the user id (both as nameid and asrs.s.uid). */
    public String clientToken(URI clientUrl, String userId, Duration lifetime) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().audience(audienceOf(clientUrl));
        if (userId != null && !userId.isEmpty()) {
            claims.claim("nameid", userId).claim("asrs.s.uid", userId);
        }
        return sign(claims, clock.instant(), lifetime);
    }

    private String sign(JWTClaimsSet.Builder claims, Instant now, Duration lifetime) {
        claims.issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)));
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign SignalR token", e);
        }
        return jwt.serialize();
    }
}
