package io.cifpipe.devstack.web;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer of one {@code call-outcomes} subscription: the real SDK processor (peek-lock, complete after handling)
 * feeds a page. The telephony page reads subscription {@code telephony}, the ops dashboard {@code operations}; each
 * gets its own copy of every outcome its filter selects.
 */
public final class OutcomeSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeSubscriber.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ServiceBusProcessorClient processor;

    public OutcomeSubscriber(String connectionString, String topic, String subscription, OutcomeFeed feed) {
        this.processor = new ServiceBusClientBuilder()
                .connectionString(connectionString)
                .processor()
                .topicName(topic)
                .subscriptionName(subscription)
                .maxConcurrentCalls(1)
                .processMessage(ctx -> feed.publish(toMap(ctx.getMessage())))
                .processError(err -> LOG.warn(
                        "{}/subscriptions/{} subscriber: {}",
                        topic,
                        subscription,
                        err.getException().toString()))
                .buildProcessorClient();
    }

    public void start() {
        processor.start();
    }

    static Map<String, Object> toMap(ServiceBusReceivedMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            out.putAll(JSON.readValue(m.getBody().toBytes(), new TypeReference<Map<String, Object>>() {}));
        } catch (Exception e) {
            out.put("unparsedBody", m.getBody().toString());
        }
        out.put("_messageId", m.getMessageId());
        out.put("_receivedAt", Instant.now().toString());
        return out;
    }

    @Override
    public void close() {
        try {
            processor.close();
        } catch (RuntimeException e) {
            LOG.debug("closing outcome processor: {}", e.toString());
        }
    }
}
