package io.cifpipe.model.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cifpipe.model.Examples;
import io.cifpipe.model.validation.FieldError;
import io.cifpipe.model.validation.ValidationException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutcomeTest {
    @Test
    void roundTripsAndMatchesTheSchema() {
        Outcome o = Outcome.of(
                "call-1",
                "agent-1",
                OutcomeType.UNDELIVERABLE,
                Instant.parse("2025-01-31T09:30:30Z"),
                null,
                "no live connection",
                30_000L);
        String json = new String(o.toJson());
        assertThat(json)
                .startsWith("{\"notificationId\":\"n1~call-1~agent-1\"")
                .contains("\"outcome\":\"Undeliverable\"")
                .doesNotContain("connectionId");
        assertThat(Outcome.fromJson(o.toJson())).isEqualTo(o);
        assertThat(Examples.validate("outcome", json)).isEmpty();
        assertThat(OutcomeType.fromWireName("Delivered")).contains(OutcomeType.DELIVERED);
        assertThat(OutcomeType.DELIVERED.isTerminal()).isFalse();
    }

    @Test
    void rejectsInconsistentOrMalformedOutcomes() {
        ValidationException ex = catchThrowableOfType(
                ValidationException.class,
                () -> Outcome.fromJson(
                        "{\"notificationId\":\"n1~c1~a2\",\"callId\":\"c1\",\"agentId\":\"a1\",\"outcome\":\"Accepted\",\"at\":\"x\",\"latencyMs\":-1}"
                                .getBytes()));
        assertThat(ex.errors())
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/notificationId", "/at", "/latencyMs");
        assertThat(catchThrowableOfType(ValidationException.class, () -> Outcome.fromJson("1".getBytes()))
                        .status())
                .isEqualTo(400);
    }
}
