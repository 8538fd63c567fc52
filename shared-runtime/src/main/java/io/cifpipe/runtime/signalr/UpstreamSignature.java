package io.cifpipe.runtime.signalr;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SignalR upstream's {@code X-ASRS-Signature}: {@code sha256=<hex HMAC-SHA256(UTF-8 access key, UTF-8 connection id)>},
 * one entry per access key of the service (primary, secondary), comma-separated, so a receiver holding either key
 * keeps working across key rotation (Azure docs, "Upstream endpoints", Authentication). Hex is compared
 * case-insensitively and in constant time.
 */
public final class UpstreamSignature {
    private UpstreamSignature() {}

    /** The signature entry for one key, upper-case hex as the service writes it. */
    public static String sign(String accessKey, String connectionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(accessKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256="
                    + HexFormat.of()
                            .withUpperCase()
                            .formatHex(mac.doFinal(connectionId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** True when any listed signature matches any of {@code accessKeys}; every pair is compared (no early exit). */
    public static boolean verify(String header, String connectionId, List<String> accessKeys) {
        if (header == null || header.isBlank() || connectionId == null || connectionId.isEmpty()) {
            return false;
        }
        boolean ok = false;
        for (String key : accessKeys) {
            byte[] expected = sign(key, connectionId).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            for (String presented : header.split(",")) {
                ok |= MessageDigest.isEqual(
                        expected, presented.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return ok;
    }
}
