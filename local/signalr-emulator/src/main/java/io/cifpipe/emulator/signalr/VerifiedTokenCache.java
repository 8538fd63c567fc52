package io.cifpipe.emulator.signalr;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Claims of tokens that passed verification, by token string, each kept no later than its token's expiry and at
 * most {@code maxEntries} of them (least recently used goes first). Only verified tokens are ever put here.
 * Thread-safe; the emulator calls it from its event loop, so the lock is uncontended.
 */
final class VerifiedTokenCache {
    private record Entry(JWTClaimsSet claims, Instant expiresAt) {}

    private final int maxEntries;
    private final LinkedHashMap<String, Entry> entries;

    VerifiedTokenCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0");
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The claims remembered for {@code token}, or null when unknown or expired at {@code now}. */
    synchronized JWTClaimsSet get(String token, Instant now) {
        Entry entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (!now.isBefore(entry.expiresAt())) {
            entries.remove(token);
            return null;
        }
        return entry.claims();
    }

    /** Remembers a verified token until {@code expiresAt} (its exp). */
    synchronized void put(String token, JWTClaimsSet claims, Instant expiresAt) {
        if (maxEntries == 0) {
            return;
        }
        entries.put(token, new Entry(claims, expiresAt));
        if (entries.size() > maxEntries) {
            // Least recently used first; expired entries are dropped as soon as they are looked up.
            Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
