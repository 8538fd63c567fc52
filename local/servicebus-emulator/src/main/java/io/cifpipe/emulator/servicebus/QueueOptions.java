package io.cifpipe.emulator.servicebus;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * Properties of one queue, named and defaulted like Azure Service Bus queue properties.
 *
 * @param name queue name (matched case-insensitively, like Service Bus entity paths)
 * @param lockDuration how long a PEEK_LOCK delivery stays locked
 * @param maxDeliveryCount deliveries after which a message is dead-lettered with {@code MaxDeliveryCountExceeded}
 * @param defaultTtl time to live for messages that do not set one (null = never expire)
 * @param deadLetterOnExpiration move expired messages to the dead-letter queue instead of dropping them
 * @param duplicateDetectionWindow drop re-sent MessageIds within this window (null = no duplicate detection)
 * @param maxSizeBytes total stored bytes after which sends are rejected with {@code amqp:resource-limit-exceeded}
 * @param maxMessageSizeBytes largest accepted message (advertised as the link's max-message-size)
 */
public record QueueOptions(
        String name,
        Duration lockDuration,
        int maxDeliveryCount,
        Duration defaultTtl,
        boolean deadLetterOnExpiration,
        Duration duplicateDetectionWindow,
        long maxSizeBytes,
        long maxMessageSizeBytes) {

    public static final Duration DEFAULT_LOCK_DURATION = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_DELIVERY_COUNT = 10;
    public static final long DEFAULT_MAX_SIZE_BYTES = 1024L * 1024 * 1024;
    /** Standard tier limit: 256 KiB. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE_BYTES = 256L * 1024;

    public QueueOptions {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains("$") || name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalArgumentException("invalid queue name '" + name + "'");
        }
        Objects.requireNonNull(lockDuration, "lockDuration");
        if (lockDuration.isNegative() || lockDuration.isZero()) {
            throw new IllegalArgumentException("lockDuration must be positive");
        }
        if (maxDeliveryCount < 1) {
            throw new IllegalArgumentException("maxDeliveryCount must be >= 1");
        }
        if (defaultTtl != null && (defaultTtl.isNegative() || defaultTtl.isZero())) {
            throw new IllegalArgumentException("defaultTtl must be positive");
        }
        if (duplicateDetectionWindow != null
                && (duplicateDetectionWindow.isNegative() || duplicateDetectionWindow.isZero())) {
            throw new IllegalArgumentException("duplicateDetectionWindow must be positive");
        }
        if (maxSizeBytes <= 0 || maxMessageSizeBytes <= 0 || maxMessageSizeBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sizes must be positive (max message size <= 2^31-1)");
        }
    }

    /** A queue with Service Bus defaults. */
    public static QueueOptions of(String name) {
        return new QueueOptions(
                name,
                DEFAULT_LOCK_DURATION,
                DEFAULT_MAX_DELIVERY_COUNT,
                null,
                false,
                null,
                DEFAULT_MAX_SIZE_BYTES,
                DEFAULT_MAX_MESSAGE_SIZE_BYTES);
    }

    public QueueOptions withLockDuration(Duration value) {
        return new QueueOptions(
                name,
                value,
                maxDeliveryCount,
                defaultTtl,
                deadLetterOnExpiration,
                duplicateDetectionWindow,
                maxSizeBytes,
                maxMessageSizeBytes);
    }

    public QueueOptions withMaxDeliveryCount(int value) {
        return new QueueOptions(
                name,
                lockDuration,
                value,
                defaultTtl,
                deadLetterOnExpiration,
                duplicateDetectionWindow,
                maxSizeBytes,
                maxMessageSizeBytes);
    }

    public QueueOptions withDefaultTtl(Duration value) {
        return new QueueOptions(
                name,
                lockDuration,
                maxDeliveryCount,
                value,
                deadLetterOnExpiration,
                duplicateDetectionWindow,
                maxSizeBytes,
                maxMessageSizeBytes);
    }

    public QueueOptions withDeadLetterOnExpiration(boolean value) {
        return new QueueOptions(
                name,
                lockDuration,
                maxDeliveryCount,
                defaultTtl,
                value,
                duplicateDetectionWindow,
                maxSizeBytes,
                maxMessageSizeBytes);
    }

    public QueueOptions withDuplicateDetectionWindow(Duration value) {
        return new QueueOptions(
                name,
                lockDuration,
                maxDeliveryCount,
                defaultTtl,
                deadLetterOnExpiration,
                value,
                maxSizeBytes,
                maxMessageSizeBytes);
    }

    public QueueOptions withMaxSizeBytes(long value) {
        return new QueueOptions(
                name,
                lockDuration,
                maxDeliveryCount,
                defaultTtl,
                deadLetterOnExpiration,
                duplicateDetectionWindow,
                value,
                maxMessageSizeBytes);
    }

    public QueueOptions withMaxMessageSizeBytes(long value) {
        return new QueueOptions(
                name,
                lockDuration,
                maxDeliveryCount,
                defaultTtl,
                deadLetterOnExpiration,
                duplicateDetectionWindow,
                maxSizeBytes,
                value);
    }

    /**
     * Parses the CLI form {@code name[,lockDuration=PT30S,maxDeliveryCount=10,defaultTtl=PT1H,
     * deadLetterOnExpiration=true,duplicateDetectionWindow=PT10M,maxSizeBytes=N,maxMessageSizeBytes=N]}.
     * Durations are ISO-8601 ({@code PT30S}) or a number with unit suffix ({@code 30s}, {@code 500ms}, {@code 10m}).
     */
    public static QueueOptions parse(String spec) {
        String[] parts = spec.split(",");
        QueueOptions options = of(parts[0].trim());
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected option=value in queue spec, got '" + part + "'");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            options = switch (key.toLowerCase(Locale.ROOT)) {
                case "lockduration" -> options.withLockDuration(parseDuration(key, value));
                case "maxdeliverycount" -> options.withMaxDeliveryCount(parseInt(key, value));
                case "defaultttl", "defaultmessagetimetolive" -> options.withDefaultTtl(parseDuration(key, value));
                case "deadletteronexpiration", "deadletteringonmessageexpiration" ->
                    options.withDeadLetterOnExpiration(parseBoolean(key, value));
                case "duplicatedetectionwindow", "duplicatedetectionhistorytimewindow" ->
                    options.withDuplicateDetectionWindow(parseDuration(key, value));
                case "maxsizebytes" -> options.withMaxSizeBytes(parseLong(key, value));
                case "maxmessagesizebytes" -> options.withMaxMessageSizeBytes(parseLong(key, value));
                default -> throw new IllegalArgumentException("unknown queue option '" + key + "'");
            };
        }
        return options;
    }

    static Duration parseDuration(String key, String value) {
        try {
            if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            String v = value.toLowerCase(Locale.ROOT);
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("bad unit");
            };
        } catch (DateTimeParseException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(key + ": not a duration: '" + value + "' (use PT30S or 30s)");
        }
    }

    static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not an integer: '" + value + "'");
        }
    }

    static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not an integer: '" + value + "'");
        }
    }

    static boolean parseBoolean(String key, String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(key + ": not true/false: '" + value + "'");
    }
}
