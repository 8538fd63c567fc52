package io.cifpipe.dispatch;

/**
 * A call-events message that can never be processed (undecodable, invalid, unknown type). The message says exactly
 * why. Thrown out of the trigger: the Functions host abandons the message and Service Bus dead-letters it after the
 * queue's MaxDeliveryCount (Java functions cannot dead-letter explicitly); dispatch fails fast on every delivery and
 * has no side effects before this check.
 */
public final class PoisonMessageException extends RuntimeException {
    public PoisonMessageException(String reason) {
        super(reason);
    }
}
