package io.cifpipe.emulator.signalr;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** {@code X-ASRS-Signature}: {@code sha256=} + hex(HMAC-SHA256(UTF-8 AccessKey, UTF-8 connectionId)). */
public final class UpstreamSignature {
    private UpstreamSignature() {}

    /** Header value as Azure emits it (upper-case hex). */
    public static String of(String accessKey, String connectionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(accessKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(connectionId.getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Receiver-side check: any comma-separated signature matches (case-insensitive hex, constant time). */
    public static boolean verify(String header, String accessKey, String connectionId) {
        if (header == null || connectionId == null) {
            return false;
        }
        byte[] expected = of(accessKey, connectionId).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String candidate : header.split(",")) {
            byte[] actual = candidate.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            ok |= MessageDigest.isEqual(expected, actual);
        }
        return ok;
    }
}
