package io.cifpipe.model.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code call.offered}: a call rings for an agent.
 *
 * @param callId          telephony call id (required)
 * @param agentId         the agent's id = the Entra object id the agent signs in with (required)
 * @param callerNumber    E.164 when it starts with '+', else a dial string such as "anonymous" (optional)
 * @param callerName      caller display name (optional)
 * @param calledNumber    the number dialled (optional)
 * @param queue           queue / skill the call came through (optional)
 * @param customerContext free key/value context shown to the agent (never null; bounded in size)
 * @param ringSeconds     how long the offer stays open; null = the app's DefaultRingSeconds
 */
@JsonPropertyOrder({
    "callId",
    "agentId",
    "callerNumber",
    "callerName",
    "calledNumber",
    "queue",
    "customerContext",
    "ringSeconds"
})
public record CallOffered(
        String callId,
        String agentId,
        String callerNumber,
        String callerName,
        String calledNumber,
        String queue,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> customerContext,
        Integer ringSeconds)
        implements CallEventData {
    public CallOffered {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(agentId, "agentId");
        customerContext =
                customerContext == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(customerContext));
    }

    public static CallOffered of(String callId, String agentId) {
        return new CallOffered(callId, agentId, null, null, null, null, Map.of(), null);
    }

    @Override
    public CallEventType type() {
        return CallEventType.OFFERED;
    }
}
