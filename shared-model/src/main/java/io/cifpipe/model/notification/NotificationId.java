package io.cifpipe.model.notification;

import io.cifpipe.model.validation.Rules;
import io.cifpipe.model.validation.ValidationException;

/**
 * Notification ids: deterministic in (callId, agentId) and reversible, so a decision that carries only
 * the notification id leads straight to its ledger row (PartitionKey = callId, RowKey = agentId) with a
 * point read — no cross-partition scan. Format: {@code n1~<callId>~<agentId>}. Both ids follow
 * {@link Rules#ID}, which excludes '~', so the split is unambiguous; the id is at most 261 characters,
 * URL-safe and contains no characters illegal in table keys.
 *
 * <p>It is not a secret and not an authorisation: presence still checks that the deciding user is the
 * agent in the id and that the ledger row exists.
 */
public final class NotificationId {
    public static final String PREFIX = "n1~";
    private static final char SEPARATOR = '~';

    private NotificationId() {}

    /** The two ids a notification id encodes. */
    public record Key(String callId, String agentId) {
        public String notificationId() {
            return of(callId, agentId);
        }
    }

    /** Stable id for (callId, agentId); throws IllegalArgumentException for ids outside {@link Rules#ID}. */
    public static String of(String callId, String agentId) {
        requireId("callId", callId);
        requireId("agentId", agentId);
        return PREFIX + callId + SEPARATOR + agentId;
    }

    /** Parses an id received from a client; 422 {@link ValidationException} with pointer {@code /notificationId}. */
    public static Key parse(String notificationId) {
        Key key = tryParse(notificationId);
        if (key == null) {
            throw ValidationException.invalid(
                    "/notificationId", "is not a notification id (expected n1~<callId>~<agentId>)");
        }
        return key;
    }

    public static boolean isValid(String notificationId) {
        return tryParse(notificationId) != null;
    }

    private static Key tryParse(String id) {
        if (id == null || !id.startsWith(PREFIX) || id.length() > PREFIX.length() + 2 * Rules.MAX_ID_LENGTH + 1) {
            return null;
        }
        String rest = id.substring(PREFIX.length());
        int sep = rest.indexOf(SEPARATOR);
        if (sep < 0) return null;
        String callId = rest.substring(0, sep);
        String agentId = rest.substring(sep + 1);
        if (Rules.checkId(callId) != null || Rules.checkId(agentId) != null) return null;
        return new Key(callId, agentId);
    }

    private static void requireId(String name, String value) {
        String problem = Rules.checkId(value);
        if (problem != null) throw new IllegalArgumentException(name + " " + problem);
    }
}
