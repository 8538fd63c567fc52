package io.cifpipe.host;

import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keys of one Functions app, as in Azure: the master key ({@code _master}, admin level), host keys (valid
 * for every function), function keys (per function name) and system keys (extension webhooks). Values are secrets: {@link #toString()} never prints them.
 */
public record HostKeys(
        String masterKey,
        Map<String, String> hostKeys,
        Map<String, String> functionKeys,
        Map<String, String> systemKeys) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public HostKeys {
        if (masterKey == null || masterKey.isBlank()) throw new IllegalArgumentException("masterKey is required");
        hostKeys = Map.copyOf(hostKeys);
        TreeMap<String, String> fk = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        fk.putAll(functionKeys);
        functionKeys = java.util.Collections.unmodifiableMap(fk);
        systemKeys = Map.copyOf(systemKeys);
    }

    /** Fresh random keys: master and host key "default". */
    public static HostKeys generate() {
        return new HostKeys(newKey(), Map.of("default", newKey()), Map.of(), Map.of());
    }

    public static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Whether {@code presented} grants {@code level} for {@code function}. */
    public boolean allows(AuthorizationLevel level, String function, String presented) {
        if (level == AuthorizationLevel.ANONYMOUS) return true;
        if (presented == null || presented.isEmpty()) return false;
        if (same(masterKey, presented)) return true;
        if (level == AuthorizationLevel.ADMIN) return false;
        for (String k : hostKeys.values()) if (same(k, presented)) return true;
        String fk = functionKeys.get(function);
        return fk != null && same(fk, presented);
    }

    /** System-key check for extension webhooks; the master key is accepted too, as in Azure. */
    public boolean allowsSystem(String keyName, String presented) {
        if (presented == null || presented.isEmpty()) return false;
        String k = systemKeys.get(keyName);
        return same(masterKey, presented) || (k != null && same(k, presented));
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "HostKeys[master=***, hostKeys=" + hostKeys.keySet() + ", functionKeys=" + functionKeys.keySet()
                + ", systemKeys=" + systemKeys.keySet() + "]";
    }
}
