package io.cifpipe.host.signalr;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-ASRS-Signature}: {@code sha256=<hex HMAC-SHA256(UTF-8 AccessKey, UTF-8 connectionId)>}, one
 * entry per service key, comma-separated; compared case-insensitively against every key we know.
 */
public final class SignalRSignature {
    private SignalRSignature() { }

    public static String sign(String accessKey, String connectionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(accessKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().withUpperCase().formatHex(mac.doFinal(connectionId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public static boolean valid(String header, String connectionId, List<String> accessKeys) {
        if (header == null || header.isBlank() || connectionId == null) return false;
        for (String key : accessKeys) {
            byte[] expected = sign(key, connectionId).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            for (String presented : header.split(",")) {
                byte[] p = presented.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
                if (MessageDigest.isEqual(expected, p)) return true;
            }
        }
        return false;
    }

    /** The AccessKey of a SignalR connection string ({@code Endpoint=…;AccessKey=…;Version=1.0;}); keys are case-insensitive. */
    public static String accessKey(String connectionString) {
        for (String part : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase("AccessKey")) {
                String v = part.substring(eq + 1).trim();
                if (!v.isEmpty()) return v;
            }
        }
        throw new IllegalArgumentException("SignalR connection string has no AccessKey");
    }
}
