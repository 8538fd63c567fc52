package io.cifpipe.ops;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import io.cifpipe.model.Names;
import io.cifpipe.model.PoisonCause;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an operator sees of one dead-lettered message; immutable snapshot taken by peek or receive. */
public record DeadLetterEntry(
        long sequenceNumber,
        String messageId,
        String callId,
        String agentId,
        String type,
        String reason,
        String description,
        Instant enqueuedAt,
        long deliveryCount,
        int replayCount,
        Map<String, Object> applicationProperties,
        String body) {

    public static DeadLetterEntry of(ServiceBusReceivedMessage m) {
        // Application properties may carry null values (AMQP allows them); Map.copyOf would reject those.
        Map<String, Object> props = new LinkedHashMap<>();
        m.getApplicationProperties().forEach((k, v) -> {
            if (v != null) props.put(k, v);
        });
        return new DeadLetterEntry(
                m.getSequenceNumber(),
                m.getMessageId(),
                text(props.get(Names.PROP_CALL_ID)),
                text(props.get(Names.PROP_AGENT_ID)),
                text(props.getOrDefault(Names.PROP_TYPE, m.getSubject())),
                m.getDeadLetterReason(),
                m.getDeadLetterErrorDescription(),
                m.getEnqueuedTime() == null ? null : m.getEnqueuedTime().toInstant(),
                m.getDeliveryCount(),
                replayCountOf(props),
                Collections.unmodifiableMap(props),
                m.getBody() == null ? "" : m.getBody().toString());
    }

    /** The poison cause dispatch attached ({@link PoisonCause}), else the broker's dead-letter reason. */
    @com.fasterxml.jackson.annotation.JsonProperty("causeReason")
    public String causeReason() {
        Object v = applicationProperties.get(PoisonCause.PROP_REASON);
        return v != null ? v.toString() : reason;
    }

    /**
     * Why the message was dead-lettered, as truthfully as known: the validation error dispatch attached (naming the
     * field), else the broker's description (e.g. "could not be consumed after 5 delivery attempts").
     */
    @com.fasterxml.jackson.annotation.JsonProperty("cause")
    public String cause() {
        Object v = applicationProperties.get(PoisonCause.PROP_DESCRIPTION);
        return v != null ? v.toString() : description;
    }

    public Duration age(Instant now) {
        return enqueuedAt == null ? Duration.ZERO : Duration.between(enqueuedAt, now);
    }

    static int replayCountOf(Map<String, Object> props) {
        Object v = props.get(Names.PROP_REPLAY_COUNT);
        if (v instanceof Number n) return n.intValue();
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static String text(Object v) {
        return v == null ? null : v.toString();
    }
}
