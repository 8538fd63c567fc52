package io.cifpipe.emulator.servicebus;

import io.vertx.proton.ProtonDelivery;
import java.util.UUID;
import org.apache.qpid.proton.message.Message;

/** One message held by an entity. Mutable; touched only on the broker's event-loop thread. */
final class StoredMessage {
    final long sequenceNumber;
    final long enqueuedAtMillis;
    final int sizeBytes;
    final String messageId;
    /** The message as sent (header, properties, application-properties, body, user annotations). */
    Message message;
    /** Effective time to live (min of the message's and the queue default); 0 = never expires. */
    long ttlMillis;
    /** Set when the message becomes active (scheduled messages: at their enqueue time). */
    long expiresAtMillis = Long.MAX_VALUE;
    /** Raw Service Bus semantics: 0 on first delivery, +1 per abandon / lock loss. */
    int deliveryCount;

    boolean deferred;
    /** Scheduled enqueue time in epoch ms while the message is scheduled, else 0. */
    long scheduledAtMillis;

    String deadLetterSource;

    /** Encoded bare message (properties, application properties, body) as sent; null until needed after a change. */
    private byte[] bare;
    /** True while {@link #message} lacks application properties and body (they are only in {@link #bare}). */
    private boolean partial;

    UUID lockToken;
    long lockedUntilMillis;
    Consumer lockedBy;
    ProtonDelivery linkDelivery;

    StoredMessage(long sequenceNumber, long enqueuedAtMillis, int sizeBytes, String messageId, Message message) {
        this.sequenceNumber = sequenceNumber;
        this.enqueuedAtMillis = enqueuedAtMillis;
        this.sizeBytes = sizeBytes;
        this.messageId = messageId;
        this.message = message;
    }

    /** The encoded bare message: the sender's bytes, or an encoding of {@link #message} after a change. */
    byte[] bare() {
        if (bare == null) {
            bare = AmqpCodec.encodeBare(full());
        }
        return bare;
    }

    /**
     * Sets the sender's encoded bare message (null: encode from {@link #message} when needed). With
     * {@code messageIsPartial}, {@link #message} has no application properties or body yet: {@link #full()} adds them.
     */
    void bare(byte[] encoded, boolean messageIsPartial) {
        this.bare = encoded;
        this.partial = encoded != null && messageIsPartial;
    }

    /** {@link #message} with every section (decodes application properties and body from the bare bytes once). */
    Message full() {
        if (partial) {
            Message decoded = AmqpCodec.decode(bare, 0, bare.length);
            message.setApplicationProperties(decoded.getApplicationProperties());
            message.setBody(decoded.getBody());
            partial = false;
        }
        return message;
    }

    /** Call after changing {@link #full()}'s bare sections (e.g. application properties). */
    void bareChanged() {
        this.bare = null;
    }

    /** The stored message (header, message annotations, bare message), encoded; for the journal. */
    byte[] encoded() {
        Message prefix = org.apache.qpid.proton.Proton.message();
        prefix.setHeader(message.getHeader());
        prefix.setMessageAnnotations(message.getMessageAnnotations());
        return AmqpCodec.encodeWithBare(prefix, bare());
    }

    boolean isLocked() {
        return lockToken != null;
    }

    boolean isScheduled() {
        return scheduledAtMillis != 0;
    }

    boolean isAvailable() {
        return !isLocked() && !deferred && !isScheduled();
    }
}
