package io.cifpipe.emulator.servicebus;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/** A message as rule filters see it: Service Bus system properties ({@code sys.}) and application properties. */
final class FilterMessage implements SqlFilterExpression.Properties {

    /** The system properties a filter may name (the ServiceBusMessage properties that have a scalar value). */
    static final Set<String> SYSTEM_PROPERTIES = Set.of(
            "MessageId",
            "CorrelationId",
            "To",
            "ReplyTo",
            "Label",
            "ContentType",
            "SessionId",
            "ReplyToSessionId",
            "PartitionKey",
            "SequenceNumber",
            "Size",
            "DeliveryCount");

    private static final Map<String, String> CANONICAL = SYSTEM_PROPERTIES.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(n -> n.toLowerCase(Locale.ROOT), n -> n));
    private static final Symbol PARTITION_KEY = Symbol.valueOf("x-opt-partition-key");

    private final Message message;
    private final long sequenceNumber;
    private final long size;

    /** {@code message} must have its properties and application properties ({@link StoredMessage#full()}). */
    FilterMessage(Message message, long sequenceNumber, long size) {
        this.message = message;
        this.sequenceNumber = sequenceNumber;
        this.size = size;
    }

    /** Canonical spelling of a system property name (matched case-insensitively), or null when there is none. */
    static String canonicalSystemProperty(String name) {
        return CANONICAL.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public Object system(String name) {
        Properties p = message.getProperties();
        Object value =
                switch (name) {
                    case "MessageId" -> p == null ? null : p.getMessageId();
                    case "CorrelationId" -> p == null ? null : p.getCorrelationId();
                    case "To" -> p == null ? null : p.getTo();
                    case "ReplyTo" -> p == null ? null : p.getReplyTo();
                    case "Label" -> p == null ? null : p.getSubject();
                    case "ContentType" ->
                        p == null || p.getContentType() == null
                                ? null
                                : p.getContentType().toString();
                    case "SessionId" -> p == null ? null : p.getGroupId();
                    case "ReplyToSessionId" -> p == null ? null : p.getReplyToGroupId();
                    case "PartitionKey" -> annotation(PARTITION_KEY);
                    case "SequenceNumber" -> sequenceNumber;
                    case "Size" -> size;
                    case "DeliveryCount" -> 0L;
                    default -> MISSING;
                };
        // An unset system property reads as NULL (it exists on every message), unlike a missing user property.
        return value instanceof org.apache.qpid.proton.amqp.Binary b ? b.toString() : value;
    }

    @Override
    public Object user(String name) {
        ApplicationProperties props = message.getApplicationProperties();
        if (props == null || props.getValue() == null) {
            return MISSING;
        }
        Map<String, Object> map = props.getValue();
        return map.containsKey(name) ? map.get(name) : MISSING;
    }

    private Object annotation(Symbol key) {
        MessageAnnotations a = message.getMessageAnnotations();
        return a == null || a.getValue() == null ? null : a.getValue().get(key);
    }
}
