package io.cifpipe.runtime.servicebus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic Service Bus MessageIds (max 128 chars), so duplicate detection drops repeats of our own sends. */
public final class MessageIds {
    private MessageIds() {}

    /** The outcome message id for a notification's outcome: the same outcome is never published twice. */
    public static String outcome(String notificationId, String outcomeWireName) {
        return "o-" + hash(notificationId + "|" + outcomeWireName);
    }

    /** The id of dispatch's re-enqueued copy number {@code attempt} of event {@code eventId}. */
    public static String retry(String eventId, int attempt) {
        return "r" + attempt + "-" + hash(eventId);
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
