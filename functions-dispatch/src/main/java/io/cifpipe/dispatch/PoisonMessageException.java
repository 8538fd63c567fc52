package io.cifpipe.dispatch;

/**
 * A call-events message that can never be processed (undecodable, invalid, unknown type). The message says exactly
 * why. The trigger re-sends the message once with this cause attached ({@link PoisonHandler}); that copy is thrown
 * out of the trigger, abandoned by the host and dead-lettered by Service Bus after MaxDeliveryCount with its cause
 * (Java functions cannot dead-letter explicitly); dispatch fails fast and has no side effects before this check.
 */
public final class PoisonMessageException extends RuntimeException {
    public PoisonMessageException(String reason) {
        super(reason);
    }
}
