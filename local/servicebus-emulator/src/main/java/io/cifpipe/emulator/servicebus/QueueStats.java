package io.cifpipe.emulator.servicebus;

/**
 * Depths of one queue, as the admin endpoint reports them.
 *
 * @param name queue name
 * @param active receivable messages including locked ones (Azure's ActiveMessageCount)
 * @param locked messages currently locked by a receiver
 * @param scheduled messages waiting for their scheduled enqueue time
 * @param deferred deferred messages
 * @param deadLetter messages in {@code <name>/$deadletterqueue}
 * @param total all messages in the queue (not counting the dead-letter queue)
 * @param sizeBytes stored bytes in the queue (not counting the dead-letter queue)
 */
public record QueueStats(
        String name,
        long active,
        long locked,
        long scheduled,
        long deferred,
        long deadLetter,
        long total,
        long sizeBytes) {}
