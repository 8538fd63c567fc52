package io.cifpipe.model.ledger;

import static io.cifpipe.model.ledger.NotificationState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.outcome.OutcomeType;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationStateTest {
    @Test
    void exactlyTheDesignedTransitionsAreLegal() {
        Set<String> legal = Set.of(
                "OFFERED>DELIVERED",
                "OFFERED>UNDELIVERABLE",
                "OFFERED>WITHDRAWN",
                "OFFERED>EXPIRED",
                "OFFERED>UNAVAILABLE",
                "DELIVERED>ACCEPTED",
                "DELIVERED>REJECTED",
                "DELIVERED>EXPIRED",
                "DELIVERED>WITHDRAWN",
                "DELIVERED>UNAVAILABLE");
        for (NotificationState from : values()) {
            for (NotificationState to : values()) {
                boolean expected = legal.contains(from + ">" + to);
                assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(expected);
                if (expected) {
                    assertThat(from.moveTo(to)).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> from.moveTo(to))
                            .isInstanceOf(IllegalTransitionException.class)
                            .hasMessageContaining(from + " -> " + to)
                            .satisfies(e -> assertThat(((IllegalTransitionException) e).from())
                                    .isEqualTo(from));
                }
            }
        }
    }

    @Test
    void terminalStatesAndOutcomes() {
        assertThat(EnumSet.allOf(NotificationState.class).stream().filter(NotificationState::isTerminal))
                .containsExactlyInAnyOrder(ACCEPTED, REJECTED, EXPIRED, WITHDRAWN, UNDELIVERABLE, UNAVAILABLE);
        assertThat(OFFERED.outcome()).isEmpty();
        assertThat(DELIVERED.outcome()).contains(OutcomeType.DELIVERED);
        assertThat(UNDELIVERABLE.outcome()).contains(OutcomeType.UNDELIVERABLE);
        for (NotificationState s : values()) {
            s.outcome().ifPresent(o -> assertThat(o.isTerminal()).isEqualTo(s.isTerminal()));
        }
        assertThat(DELIVERED.timestampProperty()).isEqualTo("DeliveredAt");
    }
}
