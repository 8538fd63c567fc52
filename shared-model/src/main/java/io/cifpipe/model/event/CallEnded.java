package io.cifpipe.model.event;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * {@code call.ended}: the call is over (abandoned, completed, failed); open popups are withdrawn.
 *
 * @param callId  telephony call id (required)
 * @param agentId when set, only this agent's offer ends (optional)
 * @param reason  short free text such as "abandoned" (optional, at most 256 characters)
 */
@JsonPropertyOrder({"callId", "agentId", "reason"})
public record CallEnded(String callId, String agentId, String reason) implements CallEventData {
    public CallEnded {
        Objects.requireNonNull(callId, "callId");
    }

    @Override
    public CallEventType type() {
        return CallEventType.ENDED;
    }
}
