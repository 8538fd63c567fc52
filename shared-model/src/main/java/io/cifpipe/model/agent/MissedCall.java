package io.cifpipe.model.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.cifpipe.model.ledger.NotificationRecord;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the agent's missed-calls list ({@code getMissedCalls}, {@code getAgentState}): a popup that was shown
 * and rang out. {@code caller} is the caller's name when telephony sent one, else the number; {@code callerNumber} is
 * additive (for a call back).
 */
@JsonPropertyOrder({"notificationId", "callId", "caller", "queue", "missedAt", "callerNumber"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MissedCall(
        String notificationId, String callId, String caller, String queue, Instant missedAt, String callerNumber) {
    /** Newest first, at most this many are kept and returned. */
    public static final int MAX_KEPT = 50;

    public MissedCall {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(missedAt, "missedAt");
    }

    /** The entry for a notification that just ended {@code Expired} at {@code at}. */
    public static MissedCall of(NotificationRecord r, Instant at) {
        String caller = r.callerName() != null && !r.callerName().isBlank() ? r.callerName() : r.callerNumber();
        return new MissedCall(r.notificationId(), r.callId(), caller, r.queue(), at, r.callerNumber());
    }
}
