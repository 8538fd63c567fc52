package io.cifpipe.emulator.servicebus;

import java.util.List;

/**
 * Depths of one topic and its subscriptions, as the admin endpoint reports them.
 *
 * @param name topic name
 * @param scheduled messages the topic holds until their scheduled enqueue time (not yet in any subscription)
 * @param subscriptions one entry per subscription
 */
public record TopicStats(String name, long scheduled, List<SubscriptionStats> subscriptions) {

    public TopicStats {
        subscriptions = List.copyOf(subscriptions);
    }

    /**
     * Depths of one subscription.
     *
     * @param topic topic name
     * @param name subscription name
     * @param active receivable messages including locked ones (Azure's ActiveMessageCount)
     * @param locked messages currently locked by a receiver
     * @param deferred deferred messages
     * @param deadLetter messages in {@code <topic>/subscriptions/<name>/$deadletterqueue}
     * @param total all messages in the subscription (not counting its dead-letter queue)
     * @param sizeBytes stored bytes in the subscription (not counting its dead-letter queue)
     * @param rules the subscription's rules as {@code name: filter} text
     */
    public record SubscriptionStats(
            String topic,
            String name,
            long active,
            long locked,
            long deferred,
            long deadLetter,
            long total,
            long sizeBytes,
            List<String> rules) {

        public SubscriptionStats {
            rules = List.copyOf(rules);
        }
    }
}
