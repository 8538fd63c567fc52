package io.cifpipe.presence.negotiate;

import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers which exact bearer tokens were already validated, so a reconnecting panel (every SignalR reconnect
 * negotiates again, with the same MSAL token for up to an hour) does not pay an RS256 signature check each time:
 * in the bench's reconnect storm after a SignalR restart, signature verification was half of presence's CPU.
 *
 * <p>Safe because the key is a SHA-256 of the whole compact token (signature included): only the identical token
 * hits. An entry lives until the token's {@code exp} or {@code maxAge}, whichever is first ({@code maxAge} bounds
 * how long a key removed from the JWKS still admits its tokens, like the JWKS cache does). Rejected tokens are never
 * cached. At most {@code maxEntries} entries (expired ones are dropped first, then everything).
 */
final class ValidatedTokens {
    private final Function<String, Principal> validator;
    private final Clock clock;
    private final Duration maxAge;
    private final int maxEntries;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Principal principal, Instant until) {}

    ValidatedTokens(Function<String, Principal> validator, Clock clock, Duration maxAge, int maxEntries) {
        this.validator = Objects.requireNonNull(validator);
        this.clock = Objects.requireNonNull(clock);
        this.maxAge = Objects.requireNonNull(maxAge);
        this.maxEntries = maxEntries;
    }

    /** {@link JwtValidator#bearerToken} then a cached or fresh validation; throws what the validator throws. */
    Principal validateAuthorizationHeader(String authorizationHeader) {
        String token = JwtValidator.bearerToken(authorizationHeader);
        String key = sha256(token);
        Instant now = clock.instant();
        Entry hit = entries.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return hit.principal();
        }
        Principal principal = validator.apply(token);
        Instant until = principal.expiresAt().isBefore(now.plus(maxAge)) ? principal.expiresAt() : now.plus(maxAge);
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> !now.isBefore(e.until()));
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key, new Entry(principal, until));
        return principal;
    }

    int size() {
        return entries.size();
    }

    private static String sha256(String token) {
        try {
            return Base64.getEncoder()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
