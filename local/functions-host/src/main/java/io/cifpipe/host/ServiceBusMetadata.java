package io.cifpipe.host;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trigger metadata of a Service Bus message, under the names the Service Bus extension publishes for
 * {@code @BindingName} (azure-sdk-for-net WebJobs extension v5 binding contract). Dates are ISO-8601 UTC
 * strings and ApplicationProperties/UserProperties a map (bind as String to get JSON).
 */
public final class ServiceBusMetadata {
    private ServiceBusMetadata() {}

    public static Map<String, Object> of(ServiceBusReceivedMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("MessageId", m.getMessageId());
        // The Java SDK exposes the raw AMQP header (0 on first delivery); the Functions extension uses the .NET
        // SDK, which reports deliveries including this one (1 on first delivery). Functions code sees the latter.
        out.put("DeliveryCount", deliveryCount(m));
        out.put("SequenceNumber", m.getSequenceNumber());
        out.put("EnqueuedTimeUtc", utc(m.getEnqueuedTime()));
        out.put("EnqueuedTime", utc(m.getEnqueuedTime()));
        out.put("ExpiresAtUtc", utc(m.getExpiresAt()));
        out.put("ExpiresAt", utc(m.getExpiresAt()));
        out.put("LockToken", m.getLockToken());
        out.put("ContentType", m.getContentType());
        out.put("CorrelationId", m.getCorrelationId());
        out.put("Subject", m.getSubject());
        out.put("Label", m.getSubject());
        out.put("To", m.getTo());
        out.put("ReplyTo", m.getReplyTo());
        out.put("SessionId", m.getSessionId());
        out.put("ReplyToSessionId", m.getReplyToSessionId());
        out.put("PartitionKey", m.getPartitionKey());
        out.put("TransactionPartitionKey", m.getPartitionKey());
        out.put("DeadLetterSource", m.getDeadLetterSource());
        Map<String, Object> props = new LinkedHashMap<>(m.getApplicationProperties());
        props.replaceAll((k, v) -> v instanceof OffsetDateTime t ? utc(t) : v);
        out.put("ApplicationProperties", props);
        out.put("UserProperties", props);
        return out;
    }

    /** Deliveries including the current one, as Functions reports DeliveryCount. */
    public static int deliveryCount(ServiceBusReceivedMessage m) {
        return (int) m.getDeliveryCount() + 1;
    }

    private static String utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }
}
