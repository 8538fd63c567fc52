package io.cifpipe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.servicebus.ServiceBusMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoisonHandlerTest {
    final List<ServiceBusMessage> sent = new ArrayList<>();
    final PoisonHandler handler =
            new PoisonHandler(sent::addAll, Clock.fixed(Instant.parse("2026-12-07T04:00:00Z"), ZoneOffset.UTC));
    final byte[] body = "{\"specversion\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void firstDeliveryResendsACopyCarryingTheCause() {
        boolean resent = handler.resendWithCause(
                body,
                "m-1",
                Map.of("callId", "c-1", "traceparent", "00-x"),
                new PoisonMessageException("invalid call event: /data/agentId is required"));
        assertThat(resent).isTrue();
        assertThat(sent).hasSize(1);
        ServiceBusMessage copy = sent.get(0);
        assertThat(copy.getBody().toBytes()).isEqualTo(body);
        assertThat(copy.getMessageId()).isEqualTo(PoisonHandler.copyId("m-1")).isNotEqualTo("m-1");
        assertThat(copy.getApplicationProperties())
                .containsEntry("callId", "c-1")
                .containsEntry("traceparent", "00-x")
                .containsEntry("originalMessageId", "m-1")
                .containsEntry("poisonReason", "InvalidCallEvent")
                .containsEntry("poisonDescription", "invalid call event: /data/agentId is required")
                .containsEntry("poisonedAt", "2026-12-07T04:00:00Z");
    }

    @Test
    void aCopyThatAlreadyCarriesItsCauseIsLeftToBeDeadLettered() {
        assertThat(handler.resendWithCause(
                        body, "poison-x", Map.of("poisonReason", "InvalidCallEvent"), new PoisonMessageException("x")))
                .isFalse();
        assertThat(sent).isEmpty();
    }

    @Test
    void theCopyIdIsStableSoARedeliveredOriginalIsDeduplicated() {
        assertThat(PoisonHandler.copyId("m-1"))
                .isEqualTo(PoisonHandler.copyId("m-1"))
                .isNotEqualTo(PoisonHandler.copyId("m-2"));
        assertThat(PoisonHandler.copyId(null)).startsWith("poison-");
    }

    @Test
    void aFailedSendPropagatesSoTheOriginalIsAbandonedAndTriedAgain() {
        PoisonHandler failing = new PoisonHandler(
                m -> {
                    throw new IllegalStateException("down");
                },
                Clock.systemUTC());
        assertThatThrownBy(() -> failing.resendWithCause(body, "m-1", null, new PoisonMessageException("x")))
                .hasMessage("down");
    }
}
