package io.cifpipe.runtime.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.event.CallEnded;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.event.CallOffered;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallEventSenderTest {
    private final CallEventCodec codec = new CallEventCodec();
    private final List<List<ServiceBusMessage>> batches = new ArrayList<>();
    private final CallEventSender sender = new CallEventSender(batches::add, codec::encode, 30, 300);

    @Test
    void oneAtomicBatchPerRequestWithIdTtlAndProperties() {
        var offered = CallEvent.of(
                        "evt-1",
                        "/pbx/1",
                        Instant.parse("2026-01-01T00:00:00Z"),
                        new CallOffered("call-1", "agent-1", "+4930123", "Ada", null, "sales", Map.of(), 45))
                .withTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var ended = CallEvent.of("evt-2", "/pbx/1", null, new CallEnded("call-1", null, "abandoned"));

        sender.send(List.of(offered, ended));

        assertThat(batches).hasSize(1);
        ServiceBusMessage m = batches.get(0).get(0);
        assertThat(m.getMessageId()).isEqualTo("evt-1");
        assertThat(m.getTimeToLive()).isEqualTo(Duration.ofSeconds(45).plus(CallEventSender.TTL_GRACE));
        assertThat(m.getContentType()).isEqualTo("application/cloudevents+json");
        assertThat(m.getApplicationProperties())
                .containsEntry("type", "call.offered")
                .containsEntry("callId", "call-1")
                .containsEntry("agentId", "agent-1")
                .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(codec.parseEvent(m.getBody().toBytes())).isEqualTo(offered);

        ServiceBusMessage e = batches.get(0).get(1);
        assertThat(e.getApplicationProperties()).doesNotContainKeys("agentId", "traceparent");
        assertThat(e.getTimeToLive()).isEqualTo(Duration.ofSeconds(300).plus(CallEventSender.TTL_GRACE));
    }

    @Test
    void defaultRingWindowWhenTheEventHasNone() {
        var offered = CallEvent.of("evt-3", "/pbx/1", null, CallOffered.of("call-2", "agent-2"));
        assertThat(sender.toMessage(offered).getTimeToLive())
                .isEqualTo(Duration.ofSeconds(30).plus(CallEventSender.TTL_GRACE));
    }
}
