package io.cifpipe.emulator.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import io.cifpipe.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The verified-token cache: expiry is still enforced, failures are never remembered, the size is bounded. */
class AccessTokensCacheTest {
    static final String KEY = "cachetestkey-0123456789abcdefghijklmnopqrstuvwxyz";
    static final String ENDPOINT = "http://127.0.0.1";
    static final Duration SKEW = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final AccessTokens tokens = new AccessTokens(KEY, SKEW, clock, 16);

    @Test
    void aCachedClientTokenIsRefusedOnceItsExpiryAndSkewHavePassed() throws Exception {
        String token = tokens.mintClientToken(ENDPOINT, "chat", "u1", Duration.ofSeconds(60));
        JWTClaimsSet first = tokens.validateClient(token, "chat");
        JWTClaimsSet second = tokens.validateClient(token, "chat");
        assertThat(second).isSameAs(first); // served from the cache: not parsed and verified again
        assertThat(tokens.cachedTokenCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(59));
        assertThat(tokens.validateClient(token, "chat")).isSameAs(first);

        // At exp the cache entry is gone; the full check still grants the clock skew, exactly as without a cache.
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.validateClient(token, "chat")).isNotSameAs(first);
        assertThat(tokens.cachedTokenCount()).isZero();

        clock.advance(SKEW.plusSeconds(1));
        assertThatThrownBy(() -> tokens.validateClient(token, "chat"))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("token expired");
        assertThat(tokens.cachedTokenCount()).isZero();
    }

    @Test
    void aCachedServerTokenIsRefusedAfterItsExpiry() throws Exception {
        String token = tokens.mintServerToken("http://127.0.0.1/api/v1/hubs/chat", Duration.ofMinutes(5));
        tokens.validateServer(token, "/api/v1/hubs/chat/users/u1", 3);
        assertThat(tokens.cachedTokenCount()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(5).plus(SKEW).plusSeconds(1));
        assertThatThrownBy(() -> tokens.validateServer(token, "/api/v1/hubs/chat/users/u1", 3))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("token expired");
    }

    @Test
    void tokensThatFailAnyCheckAreNeverCached() {
        String forged = new AccessTokens("someotherkey-0123456789abcdefghijklmnopqrstuvwxyz", SKEW, clock, 16)
                .mintClientToken(ENDPOINT, "chat", "u1", Duration.ofMinutes(5));
        String expired = tokens.mintClientToken(ENDPOINT, "chat", "u1", Duration.ofMinutes(-5));
        String otherHub = tokens.mintClientToken(ENDPOINT, "other", "u1", Duration.ofMinutes(5));
        for (String bad : new String[] {forged, expired, otherHub, "not-a-jwt"}) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> tokens.validateClient(bad, "chat")).isInstanceOf(InvalidTokenException.class);
            }
        }
        assertThat(tokens.cachedTokenCount()).isZero();
    }

    @Test
    void aCachedTokenIsStillCheckedAgainstTheHubOfEachRequest() throws Exception {
        String token = tokens.mintClientToken(ENDPOINT, "chat", "u1", Duration.ofMinutes(5));
        tokens.validateClient(token, "chat");
        assertThatThrownBy(() -> tokens.validateClient(token, "other"))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("does not match");
        String server = tokens.mintServerToken("http://127.0.0.1/api/v1/hubs/chat", Duration.ofMinutes(5));
        tokens.validateServer(server, "/api/v1/hubs/chat", 3);
        assertThatThrownBy(() -> tokens.validateServer(server, "/api/v1/hubs/other", 3))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void theCacheIsBounded() throws Exception {
        for (int i = 0; i < 40; i++) {
            tokens.validateClient(tokens.mintClientToken(ENDPOINT, "chat", "u" + i, Duration.ofMinutes(5)), "chat");
        }
        assertThat(tokens.cachedTokenCount()).isEqualTo(16);
        AccessTokens uncached = new AccessTokens(KEY, SKEW, clock, 0);
        uncached.validateClient(uncached.mintClientToken(ENDPOINT, "chat", "u1", Duration.ofMinutes(5)), "chat");
        assertThat(uncached.cachedTokenCount()).isZero();
    }
}
