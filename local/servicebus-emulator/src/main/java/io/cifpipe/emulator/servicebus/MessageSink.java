package io.cifpipe.emulator.servicebus;

import org.apache.qpid.proton.message.Message;

/** Where a client's send link (or a schedule-message request) delivers: a queue or a topic. Broker thread only. */
interface MessageSink {

    /** Entity path as configured ({@code call-events}, {@code call-outcomes}). */
    String entityPath();

    long maxMessageSizeBytes();

    boolean hasRoomFor(long bytes);

    /**
     * Stores a sent message; returns its sequence number, or 0 for a duplicate that was dropped. {@code onStored} runs
     * once the message is durable (immediately in in-memory mode and for duplicates).
     */
    long send(Message message, byte[] bare, int size, long now, Runnable onStored)
            throws QueueEntity.QuotaExceededException;

    /** Cancels a scheduled message; false when there is no such scheduled message. */
    boolean cancelScheduled(long sequenceNumber);
}
