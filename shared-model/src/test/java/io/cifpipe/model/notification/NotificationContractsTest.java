package io.cifpipe.model.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.Examples;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.model.validation.FieldError;
import io.cifpipe.model.validation.ValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NotificationContractsTest {
    @Test
    void notificationIdIsDeterministicAndReversible() {
        String id = NotificationId.of("call-1", "6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f");
        assertThat(id)
                .isEqualTo(NotificationId.of("call-1", "6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f"))
                .isNotEqualTo(NotificationId.of("call-1", "6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e50"))
                .startsWith("n1~");
        assertThat(NotificationId.parse(id))
                .isEqualTo(new NotificationId.Key("call-1", "6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f"));
        assertThat(NotificationId.parse(id).notificationId()).isEqualTo(id);
        assertThat(NotificationId.of("a.b", "c")).isNotEqualTo(NotificationId.of("a", "b.c"));
        for (String bad : new String[] {null, "", "n1~", "n1~a", "n1~a~", "n1~~b", "n2~a~b", "n1~a~b~c", "n1~a b~c"}) {
            assertThat(NotificationId.isValid(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> NotificationId.parse("x")).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> NotificationId.of("a~b", "c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void notificationFromOfferedEvent() {
        CallEvent e = new CallEventCodec().parseEvent(Examples.bytes("call-offered.json"));
        Notification n = Notification.from(e, Instant.EPOCH, 45);
        assertThat(n.notificationId()).isEqualTo(NotificationId.of(e.callId(), e.agentId()));
        assertThat(n.offeredAt()).isEqualTo(e.time());
        assertThat(n.expiresAt()).isEqualTo(e.time().plusSeconds(30));
        assertThat(n.traceparent()).isEqualTo(e.traceparent());
        assertThat(n.customerContext()).isEqualTo(e.offered().customerContext());

        CallEvent minimal = new CallEventCodec().parseEvent(Examples.bytes("call-offered-minimal.json"));
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        Notification m = Notification.from(minimal, now, 45);
        assertThat(m.offeredAt()).isEqualTo(now);
        assertThat(m.expiresAt()).isEqualTo(now.plusSeconds(45));
        JsonNode json = Json.mapper().valueToTree(m);
        assertThat(json.get("customerContext").isObject()).isTrue();
        assertThat(json.get("offeredAt").asText()).isEqualTo("2025-01-01T00:00:00Z");
        assertThatThrownBy(() ->
                        Notification.from(new CallEventCodec().parseEvent(Examples.bytes("call-ended.json")), now, 30))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void decisionParsesAndValidates() {
        Decision d = Decision.fromJson("{\"notificationId\":\"n1~c1~a1\",\"decision\":\"reject\",\"reason\":\"busy\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(d).isEqualTo(new Decision("n1~c1~a1", DecisionType.REJECT, "busy"));
        assertThat(d.key()).isEqualTo(new NotificationId.Key("c1", "a1"));
        assertThat(Json.mapper().valueToTree(d).get("decision").asText()).isEqualTo("reject");

        ValidationException ex = catchThrowableOfType(
                ValidationException.class,
                () -> Decision.fromJson(
                        "{\"notificationId\":\"c1\",\"decision\":\"Accepted\",\"reason\":7,\"x\":1}".getBytes()));
        assertThat(ex.status()).isEqualTo(422);
        assertThat(ex.errors())
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/x", "/notificationId", "/decision", "/reason");
        assertThat(catchThrowableOfType(ValidationException.class, () -> Decision.fromJson("[1]".getBytes()))
                        .status())
                .isEqualTo(400);
        assertThat(catchThrowableOfType(ValidationException.class, () -> Decision.fromJson("{".getBytes()))
                        .status())
                .isEqualTo(400);
        assertThat(catchThrowableOfType(ValidationException.class, () -> Decision.fromJson(new byte[] {(byte) 0xff}))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void decisionCarriesTheOptionalTraceparentOfItsPopup() {
        String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Decision d = Decision.fromJson(
                ("{\"notificationId\":\"n1~c1~a1\",\"decision\":\"accept\",\"traceparent\":\"" + tp + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(d).isEqualTo(new Decision("n1~c1~a1", DecisionType.ACCEPT, null, tp));
        assertThat(new Decision("n1~c1~a1", DecisionType.ACCEPT, null).traceparent())
                .isNull();
        for (String bad :
                new String[] {"\"00-0000\"", "7", "\"00-00000000000000000000000000000000-00f067aa0ba902b7-01\""}) {
            ValidationException ex = catchThrowableOfType(
                    ValidationException.class,
                    () -> Decision.fromJson(
                            ("{\"notificationId\":\"n1~c1~a1\",\"decision\":\"accept\",\"traceparent\":" + bad + "}")
                                    .getBytes()));
            assertThat(ex.errors()).as(bad).extracting(FieldError::pointer).containsExactly("/traceparent");
        }
    }

    @Test
    void decisionResultSerialisesWireNames() {
        JsonNode json = Json.mapper()
                .valueToTree(new DecisionResult("n1~c1~a1", DecisionStatus.ALREADY_DECIDED, OutcomeType.ACCEPTED));
        assertThat(json.get("status").asText()).isEqualTo("already-decided");
        assertThat(json.get("outcome").asText()).isEqualTo("Accepted");
    }
}
