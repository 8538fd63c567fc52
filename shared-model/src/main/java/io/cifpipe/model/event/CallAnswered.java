package io.cifpipe.model.event;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * {@code call.answered}: the call was answered, so every open popup for it is withdrawn.
 *
 * @param callId  telephony call id (required)
 * @param agentId who answered, if known (optional); their own popup is withdrawn too
 */
@JsonPropertyOrder({"callId", "agentId"})
public record CallAnswered(String callId, String agentId) implements CallEventData {
    public CallAnswered {
        Objects.requireNonNull(callId, "callId");
    }

    @Override
    public CallEventType type() {
        return CallEventType.ANSWERED;
    }
}
