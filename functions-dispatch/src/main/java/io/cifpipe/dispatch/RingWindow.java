package io.cifpipe.dispatch;

import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.runtime.servicebus.CallEventSender;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The ring window of one notification: from the offer to {@code expiresAt} ({@code ringSeconds}, else
 * {@code DefaultRingSeconds}; {@code Notification.from} computes it). The rules in one place:
 * <ul>
 *   <li>closed at and after {@code expiresAt}: no popup is sent, a decision is refused ({@code expired});</li>
 *   <li>an open popup still DELIVERED when it closes ends {@code Expired} (a missed call), one never delivered
 *       {@code Undeliverable} (expiry sweep, at most one sweep interval late);</li>
 *   <li>offline retries never go beyond it ({@link #clamp}); a scheduled copy lives until it closes plus
 *       {@link CallEventSender#TTL_GRACE}.</li>
 * </ul>
 */
public record RingWindow(Instant offeredAt, Instant expiresAt) {
    public RingWindow {
        Objects.requireNonNull(offeredAt, "offeredAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public static RingWindow of(NotificationRecord r) {
        return new RingWindow(r.offeredAt(), r.expiresAt());
    }

    public boolean isClosed(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** {@code at}, or the window's end if later: the last retry happens as the window closes. */
    public Instant clamp(Instant at) {
        return at.isAfter(expiresAt) ? expiresAt : at;
    }

    /** Time-to-live of a message scheduled at {@code now} for this window. */
    public Duration messageTtl(Instant now) {
        return Duration.between(now, expiresAt).plus(CallEventSender.TTL_GRACE);
    }
}
