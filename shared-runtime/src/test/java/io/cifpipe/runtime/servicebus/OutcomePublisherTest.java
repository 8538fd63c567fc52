package io.cifpipe.runtime.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomePublisherTest {
    private final List<ServiceBusMessage> sent = new ArrayList<>();
    private final OutcomePublisher publisher = new OutcomePublisher(sent::addAll);

    @Test
    void outcomeMessageCarriesBodyPropertiesAndADeterministicId() {
        Outcome o = Outcome.of(
                "call-1", "agent-1", OutcomeType.ACCEPTED, Instant.parse("2026-01-01T00:00:00Z"), "c1", "ok", 120L);
        publisher.publish(o, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        publisher.publish(o);

        ServiceBusMessage m = sent.get(0);
        assertThat(Outcome.fromJson(m.getBody().toBytes())).isEqualTo(o);
        assertThat(m.getContentType()).isEqualTo("application/json");
        assertThat(m.getApplicationProperties())
                .containsEntry("outcome", "Accepted")
                .containsEntry("notificationId", o.notificationId())
                .containsEntry("callId", "call-1")
                .containsEntry("agentId", "agent-1")
                .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(m.getMessageId()).isEqualTo(sent.get(1).getMessageId()).hasSizeLessThanOrEqualTo(128);
        assertThat(sent.get(1).getApplicationProperties()).doesNotContainKey("traceparent");

        Outcome other = Outcome.of("call-1", "agent-1", OutcomeType.DELIVERED, Instant.EPOCH, "c1", null, 5L);
        assertThat(OutcomePublisher.toMessage(other, null).getMessageId()).isNotEqualTo(m.getMessageId());
    }

    @Test
    void retryIdsDifferPerAttemptAndFitServiceBusLimits() {
        String longId = "e".repeat(128);
        assertThat(MessageIds.retry(longId, 1))
                .isNotEqualTo(MessageIds.retry(longId, 2))
                .hasSizeLessThanOrEqualTo(128);
        assertThat(MessageIds.retry(longId, 1)).isEqualTo(MessageIds.retry(longId, 1));
    }
}
