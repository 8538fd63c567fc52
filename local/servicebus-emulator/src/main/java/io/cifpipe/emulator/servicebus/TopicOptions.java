package io.cifpipe.emulator.servicebus;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Properties of one topic, named and defaulted like Azure Service Bus topic properties. Scheduling and duplicate
 * detection happen on the topic; locks, delivery counts and dead-lettering on its subscriptions
 * ({@link SubscriptionOptions}).
 *
 * @param name topic name (matched case-insensitively)
 * @param defaultTtl time to live for messages that do not set one (null = never expire); a subscription's own
 *     default can only shorten it
 * @param duplicateDetectionWindow drop re-sent MessageIds within this window (null = off)
 * @param maxSizeBytes stored bytes per subscription after which sends are refused with
 *     {@code amqp:resource-limit-exceeded}
 * @param maxMessageSizeBytes largest accepted message (advertised as the link's max-message-size)
 */
public record TopicOptions(
        String name,
        Duration defaultTtl,
        Duration duplicateDetectionWindow,
        long maxSizeBytes,
        long maxMessageSizeBytes) {

    public TopicOptions {
        // The queue record holds the shared validation rules (name, durations, sizes).
        new QueueOptions(
                name,
                QueueOptions.DEFAULT_LOCK_DURATION,
                1,
                defaultTtl,
                false,
                duplicateDetectionWindow,
                maxSizeBytes,
                maxMessageSizeBytes);
        if (name.contains("/")) {
            throw new IllegalArgumentException("invalid topic name '" + name + "' (no '/')");
        }
    }

    public static TopicOptions of(String name) {
        return new TopicOptions(
                name, null, null, QueueOptions.DEFAULT_MAX_SIZE_BYTES, QueueOptions.DEFAULT_MAX_MESSAGE_SIZE_BYTES);
    }

    public TopicOptions withDefaultTtl(Duration value) {
        return new TopicOptions(name, value, duplicateDetectionWindow, maxSizeBytes, maxMessageSizeBytes);
    }

    public TopicOptions withDuplicateDetectionWindow(Duration value) {
        return new TopicOptions(name, defaultTtl, value, maxSizeBytes, maxMessageSizeBytes);
    }

    public TopicOptions withMaxSizeBytes(long value) {
        return new TopicOptions(name, defaultTtl, duplicateDetectionWindow, value, maxMessageSizeBytes);
    }

    public TopicOptions withMaxMessageSizeBytes(long value) {
        return new TopicOptions(name, defaultTtl, duplicateDetectionWindow, maxSizeBytes, value);
    }

    /**
     * Parses the CLI form {@code name[,defaultTtl=PT1H,duplicateDetectionWindow=PT10M,maxSizeBytes=N,
     * maxMessageSizeBytes=N]} (the queue option names; lock and delivery options belong to subscriptions).
     */
    public static TopicOptions parse(String spec) {
        String[] parts = spec.split(",");
        TopicOptions options = of(parts[0].trim());
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected option=value in topic spec, got '" + part + "'");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            options = switch (key.toLowerCase(Locale.ROOT)) {
                case "defaultttl", "defaultmessagetimetolive" ->
                    options.withDefaultTtl(QueueOptions.parseDuration(key, value));
                case "duplicatedetectionwindow", "duplicatedetectionhistorytimewindow" ->
                    options.withDuplicateDetectionWindow(QueueOptions.parseDuration(key, value));
                case "maxsizebytes" -> options.withMaxSizeBytes(QueueOptions.parseLong(key, value));
                case "maxmessagesizebytes" -> options.withMaxMessageSizeBytes(QueueOptions.parseLong(key, value));
                case "lockduration", "maxdeliverycount", "deadletteronexpiration", "deadletteringonmessageexpiration" ->
                    throw new IllegalArgumentException("'" + key + "' is a subscription option, not a topic option "
                            + "(use --subscription TOPIC/NAME," + key + "=...)");
                default -> throw new IllegalArgumentException("unknown topic option '" + key + "'");
            };
        }
        return Objects.requireNonNull(options);
    }
}
