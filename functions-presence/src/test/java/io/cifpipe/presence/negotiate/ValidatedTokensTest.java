package io.cifpipe.presence.negotiate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.runtime.auth.Principal;
import io.cifpipe.runtime.auth.TokenRejectedException;
import io.cifpipe.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ValidatedTokensTest {
    static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    /** A validator that records its calls; tokens "bad*" are rejected, others valid until T0 + exp minutes. */
    static final class CountingValidator implements Function<String, Principal> {
        final List<String> calls = new ArrayList<>();
        final Duration lifetime;

        CountingValidator(Duration lifetime) {
            this.lifetime = lifetime;
        }

        @Override
        public Principal apply(String token) {
            calls.add(token);
            if (token.startsWith("bad")) {
                throw new TokenRejectedException("signature invalid");
            }
            return new Principal(
                    "oid-" + token,
                    null,
                    token,
                    null,
                    null,
                    null,
                    Set.of("user_impersonation"),
                    Set.of(),
                    T0.plus(lifetime));
        }
    }

    @Test
    void sameTokenIsValidatedOnceWhileFresh() {
        CountingValidator v = new CountingValidator(Duration.ofHours(1));
        ValidatedTokens tokens = new ValidatedTokens(v, new MutableClock(T0), Duration.ofMinutes(10), 100);
        Principal first = tokens.validateAuthorizationHeader("Bearer tokA");
        Principal again = tokens.validateAuthorizationHeader("bearer  tokA ");
        assertThat(again).isEqualTo(first);
        assertThat(v.calls).containsExactly("tokA");
        tokens.validateAuthorizationHeader("Bearer tokB");
        assertThat(v.calls).containsExactly("tokA", "tokB");
    }

    @Test
    void entryEndsAtMaxAgeOrTokenExpiryWhicheverIsFirst() {
        MutableClock clock = new MutableClock(T0);
        CountingValidator v = new CountingValidator(Duration.ofMinutes(3));
        ValidatedTokens tokens = new ValidatedTokens(v, clock, Duration.ofMinutes(10), 100);
        tokens.validateAuthorizationHeader("Bearer short");
        clock.set(T0.plus(Duration.ofMinutes(3)));
        tokens.validateAuthorizationHeader(
                "Bearer short"); // exp reached: validated again (and rejected there if expired)
        assertThat(v.calls).containsExactly("short", "short");

        CountingValidator longLived = new CountingValidator(Duration.ofHours(1));
        MutableClock c2 = new MutableClock(T0);
        ValidatedTokens t2 = new ValidatedTokens(longLived, c2, Duration.ofMinutes(10), 100);
        t2.validateAuthorizationHeader("Bearer long");
        c2.set(T0.plus(Duration.ofMinutes(9)));
        t2.validateAuthorizationHeader("Bearer long");
        assertThat(longLived.calls).hasSize(1);
        c2.set(T0.plus(Duration.ofMinutes(10)));
        t2.validateAuthorizationHeader("Bearer long");
        assertThat(longLived.calls).hasSize(2);
    }

    @Test
    void rejectedTokensAreNeverCached() {
        CountingValidator v = new CountingValidator(Duration.ofHours(1));
        ValidatedTokens tokens = new ValidatedTokens(v, new MutableClock(T0), Duration.ofMinutes(10), 100);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> tokens.validateAuthorizationHeader("Bearer bad1"))
                    .isInstanceOf(TokenRejectedException.class);
        }
        assertThat(v.calls).containsExactly("bad1", "bad1");
        assertThat(tokens.size()).isZero();
        assertThatThrownBy(() -> tokens.validateAuthorizationHeader("Basic abc"))
                .isInstanceOf(TokenRejectedException.class);
        assertThat(v.calls).hasSize(2);
    }

    @Test
    void sizeIsBounded() {
        CountingValidator v = new CountingValidator(Duration.ofHours(1));
        ValidatedTokens tokens = new ValidatedTokens(v, new MutableClock(T0), Duration.ofMinutes(10), 3);
        for (int i = 0; i < 10; i++) {
            tokens.validateAuthorizationHeader("Bearer t" + i);
            assertThat(tokens.size()).isLessThanOrEqualTo(3);
        }
    }
}
