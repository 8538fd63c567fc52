package io.cifpipe.runtime.servicebus;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.Names;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.runtime.telemetry.Telemetry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outcomes to the {@code call-outcomes} topic; every subscription (telephony, operations, ...) gets its own
 * copy. MessageId is derived from (notificationId, outcome), so a publish repeated after a crash is dropped by the
 * topic's duplicate detection and consumers can de-duplicate by MessageId. Subject (label) is the outcome and
 * CorrelationId the call id, so subscriptions can filter with correlation filters as well as SQL.
 */
public final class OutcomePublisher {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomePublisher.class);
    private final QueueSender sender;

    public OutcomePublisher(QueueSender sender) {
        this.sender = sender;
    }

    public void publish(Outcome outcome) {
        publish(outcome, null);
    }

    /** Sends the outcome; throws the Service Bus exception so the caller's message is retried. */
    public void publish(Outcome outcome, String traceparent) {
        sender.send(List.of(toMessage(outcome, traceparent)));
        count(outcome);
        LOG.info(
                "outcome {} published notificationId={} callId={} agentId={}",
                outcome.outcome(),
                outcome.notificationId(),
                outcome.callId(),
                outcome.agentId());
    }

    /** Sends several outcomes of one notification in one send (one Service Bus operation), in order. */
    public void publishAll(List<Outcome> outcomes, String traceparent) {
        if (outcomes.isEmpty()) {
            return;
        }
        sender.send(outcomes.stream().map(o -> toMessage(o, traceparent)).toList());
        outcomes.forEach(OutcomePublisher::count);
        outcomes.forEach(o -> LOG.info(
                "outcome {} published notificationId={} callId={} agentId={}",
                o.outcome(),
                o.notificationId(),
                o.callId(),
                o.agentId()));
    }

    /** Counted at publish: a publish repeated after a crash (same MessageId, dropped by the topic) counts again. */
    private static void count(Outcome o) {
        Telemetry.get().outcome(o.outcome().wireName(), o.reason());
    }

    public static ServiceBusMessage toMessage(Outcome outcome, String traceparent) {
        ServiceBusMessage m = new ServiceBusMessage(outcome.toJson());
        m.setMessageId(
                MessageIds.outcome(outcome.notificationId(), outcome.outcome().wireName()));
        m.setContentType("application/json");
        m.setSubject(outcome.outcome().wireName());
        m.setCorrelationId(outcome.callId());
        var props = m.getApplicationProperties();
        props.put(Names.PROP_OUTCOME, outcome.outcome().wireName());
        props.put(Names.PROP_NOTIFICATION_ID, outcome.notificationId());
        props.put(Names.PROP_CALL_ID, outcome.callId());
        props.put(Names.PROP_AGENT_ID, outcome.agentId());
        if (traceparent != null) {
            props.put(Names.PROP_TRACEPARENT, traceparent);
        }
        return m;
    }
}
