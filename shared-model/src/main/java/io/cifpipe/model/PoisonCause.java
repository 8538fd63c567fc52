package io.cifpipe.model;

/**
 * How the reason a call-events message was poisoned travels with it into the dead-letter queue.
 *
 * <p>Java Functions cannot settle Service Bus messages (no {@code ServiceBusMessageActions}, no
 * {@code autoCompleteMessages=false} for Java; the host completes on return and abandons on exception, and the
 * broker dead-letters after MaxDeliveryCount with reason {@code MaxDeliveryCountExceeded}). So dispatch, on the
 * first delivery of a poison message, sends a copy carrying these application properties and completes the
 * original; the copy fails fast on every delivery and is dead-lettered by the broker with the cause on it.
 * {@code ./dev ops dlq} and the ops dashboard read them; a replay removes them.
 */
public final class PoisonCause {
    private PoisonCause() {}

    /** Short code, like a DeadLetterReason: {@value #INVALID_CALL_EVENT}. */
    public static final String PROP_REASON = "poisonReason";
    /** The validation error naming the field, e.g. {@code invalid call event: /data/agentId is required}. */
    public static final String PROP_DESCRIPTION = "poisonDescription";
    /** ISO-8601 UTC instant dispatch found the message poisoned. */
    public static final String PROP_AT = "poisonedAt";

    public static final String INVALID_CALL_EVENT = "InvalidCallEvent";

    /** Application property values are kept short (Service Bus limits a message's header size). */
    public static final int MAX_DESCRIPTION_CHARS = 1000;

    public static String clip(String description) {
        if (description == null) return "";
        return description.length() <= MAX_DESCRIPTION_CHARS
                ? description
                : description.substring(0, MAX_DESCRIPTION_CHARS - 1) + "…";
    }
}
