package io.cifpipe.runtime.servicebus;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.Names;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallOffered;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Puts validated call events on {@code call-events}: one atomic batch per request, MessageId = event id (Service Bus
 * duplicate detection drops re-posts), TimeToLive = the ring window plus {@link #TTL_GRACE}, application properties
 * {@code type}, {@code callId}, {@code agentId}, {@code traceparent} (see {@link Names}).
 *
 * <p>Why the grace: an offer still in the queue when its ring window closes must reach dispatch, which records
 * {@code Undeliverable} for it; a message that silently expired would leave the caller without any outcome.
 */
public final class CallEventSender {
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    public static final Duration TTL_GRACE = Duration.ofSeconds(60);
    /** Application property the Azure Service Bus SDK uses for W3C trace context (value: a traceparent). */
    public static final String DIAGNOSTIC_ID = "Diagnostic-Id";

    private final QueueSender sender;
    private final Function<CallEvent, byte[]> encoder;
    private final int defaultRingSeconds;
    private final int maxRingSeconds;

    public CallEventSender(
            QueueSender sender, Function<CallEvent, byte[]> encoder, int defaultRingSeconds, int maxRingSeconds) {
        this.sender = Objects.requireNonNull(sender);
        this.encoder = Objects.requireNonNull(encoder);
        this.defaultRingSeconds = defaultRingSeconds;
        this.maxRingSeconds = maxRingSeconds;
    }

    /**
     * Sends all events or none.
     *
     * @throws MessageBatchTooLargeException if they do not fit one batch
     * @throws com.azure.messaging.servicebus.ServiceBusException on Service Bus failures
     */
    public void send(List<CallEvent> events) {
        sender.send(events.stream().map(this::toMessage).toList());
    }

    public ServiceBusMessage toMessage(CallEvent event) {
        ServiceBusMessage m = new ServiceBusMessage(encoder.apply(event));
        m.setMessageId(event.id());
        m.setContentType(CONTENT_TYPE);
        m.setSubject(event.type().wireName());
        m.setCorrelationId(event.callId());
        m.setTimeToLive(timeToLive(event));
        applyProperties(m, event);
        return m;
    }

    /** Application properties shared by ingress sends and dispatch's re-enqueued copies. */
    public static void applyProperties(ServiceBusMessage m, CallEvent event) {
        var props = m.getApplicationProperties();
        props.put(Names.PROP_TYPE, event.type().wireName());
        props.put(Names.PROP_CALL_ID, event.callId());
        if (event.agentId() != null) {
            props.put(Names.PROP_AGENT_ID, event.agentId());
        }
        if (event.traceparent() != null) {
            props.put(Names.PROP_TRACEPARENT, event.traceparent());
            // What the Azure SDK and the Functions Service Bus extension read to link the trigger to this trace.
            props.put(DIAGNOSTIC_ID, event.traceparent());
        }
    }

    Duration timeToLive(CallEvent event) {
        int ring = maxRingSeconds;
        if (event.data() instanceof CallOffered offered) {
            ring = Math.min(offered.ringSeconds() != null ? offered.ringSeconds() : defaultRingSeconds, maxRingSeconds);
        }
        return Duration.ofSeconds(ring).plus(TTL_GRACE);
    }
}
