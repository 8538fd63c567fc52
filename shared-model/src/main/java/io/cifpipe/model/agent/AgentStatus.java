package io.cifpipe.model.agent;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.cifpipe.model.ledger.Availability;
import io.cifpipe.model.ledger.AvailabilityReason;
import java.time.Instant;
import java.util.Objects;

/**
 * Server → client target {@code availability} (pushed to all of the agent's connections on every change of
 * availability or of active calls), and the first fields of {@code getAgentState}'s result:
 * {@code {"availability", "reason", "since", "activeCalls", "capacity"}}.
 *
 * @param since start of the current availability value (ISO-8601 UTC); null only before the first sign-in
 */
@JsonPropertyOrder({"availability", "reason", "since", "activeCalls", "capacity"})
public record AgentStatus(
        Availability availability, AvailabilityReason reason, Instant since, int activeCalls, int capacity) {
    public AgentStatus {
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(reason, "reason");
    }
}
