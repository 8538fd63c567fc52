package io.cifpipe.model.notification;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallOffered;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the agent's browser receives with hub target {@code notify} (see {@link io.cifpipe.model.Names}).
 * The client de-duplicates by {@code notificationId} and counts down to {@code expiresAt}.
 */
public record Notification(
        String notificationId,
        String callId,
        String agentId,
        String callerNumber,
        String callerName,
        String calledNumber,
        String queue,
        @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> customerContext,
        Instant offeredAt,
        Instant expiresAt,
        String traceparent) {
    public Notification {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(offeredAt, "offeredAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        customerContext =
                customerContext == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(customerContext));
    }

    /**
     * Builds the notification for a validated {@code call.offered} event.
     *
     * @param receivedAt         used when the event has no {@code time}
     * @param defaultRingSeconds used when the event has no {@code ringSeconds}
     */
    public static Notification from(CallEvent event, Instant receivedAt, int defaultRingSeconds) {
        CallOffered o = event.offered();
        Instant offeredAt = event.time() != null ? event.time() : receivedAt;
        int ring = o.ringSeconds() != null ? o.ringSeconds() : defaultRingSeconds;
        return new Notification(
                NotificationId.of(o.callId(), o.agentId()),
                o.callId(),
                o.agentId(),
                o.callerNumber(),
                o.callerName(),
                o.calledNumber(),
                o.queue(),
                o.customerContext(),
                offeredAt,
                offeredAt.plus(Duration.ofSeconds(ring)),
                event.traceparent());
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
