package io.cifpipe.model.notification;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Server → client target {@code withdraw}: close the popup of {@code notificationId} (in every tab of the agent).
 * JSON {@code {"notificationId", "callId", "reason"}} with {@code reason} a {@link WithdrawReason} code.
 */
@JsonPropertyOrder({"notificationId", "callId", "reason"})
public record Withdraw(String notificationId, String callId, WithdrawReason reason) {
    public Withdraw {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(reason, "reason");
    }

    public static Withdraw of(String callId, String agentId, WithdrawReason reason) {
        return new Withdraw(NotificationId.of(callId, agentId), callId, reason);
    }
}
