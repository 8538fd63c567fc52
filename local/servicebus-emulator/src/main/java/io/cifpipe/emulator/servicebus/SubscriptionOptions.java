package io.cifpipe.emulator.servicebus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Properties of one topic subscription, named and defaulted like Azure Service Bus subscription properties, and the
 * rule it starts with ({@code $Default}: a true filter unless configured otherwise). Receivers address it as
 * {@code <topic>/subscriptions/<name>}, its dead-letter queue as {@code <topic>/subscriptions/<name>/$deadletterqueue}.
 *
 * @param topic the topic's name
 * @param name the subscription's name
 * @param lockDuration how long a PEEK_LOCK delivery stays locked
 * @param maxDeliveryCount deliveries after which a message is dead-lettered with {@code MaxDeliveryCountExceeded}
 * @param defaultTtl time to live for messages that do not set one (null = the topic's); the shorter one wins
 * @param deadLetterOnExpiration move expired messages to the subscription's dead-letter queue
 * @param defaultRule the {@code $Default} rule the subscription is created with
 */
public record SubscriptionOptions(
        String topic,
        String name,
        Duration lockDuration,
        int maxDeliveryCount,
        Duration defaultTtl,
        boolean deadLetterOnExpiration,
        Rule defaultRule) {

    static final String SUBSCRIPTIONS = "/subscriptions/";

    /** The rule a subscription is configured with; built with {@link #trueFilter}, {@link #sql} or {@link #correlation}. */
    public static final class Rule {
        final SubscriptionRule rule;

        private Rule(SubscriptionRule rule) {
            this.rule = rule;
        }

        /** Every message (Service Bus' default for a new subscription). */
        public static Rule trueFilter() {
            return new Rule(SubscriptionRule.defaultRule());
        }

        /** A SQL filter, e.g. {@code outcome IN ('Accepted', 'Rejected')}; a syntax error throws here. */
        public static Rule sql(String expression) {
            return new Rule(new SubscriptionRule(
                    SubscriptionRule.DEFAULT_RULE_NAME, SubscriptionRule.SqlFilter.of(expression)));
        }

        /**
         * A correlation filter: every entry must match. Keys {@code sys.CorrelationId}, {@code sys.MessageId},
         * {@code sys.To}, {@code sys.ReplyTo}, {@code sys.Label}, {@code sys.SessionId}, {@code sys.ReplyToSessionId},
         * {@code sys.ContentType} are system properties; any other key is an application property.
         */
        public static Rule correlation(Map<String, ?> matches) {
            return new Rule(new SubscriptionRule(
                    SubscriptionRule.DEFAULT_RULE_NAME,
                    SubscriptionRule.CorrelationFilter.of(new LinkedHashMap<>(matches))));
        }

        @Override
        public String toString() {
            return rule.filter().toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rule r && r.rule.equals(rule);
        }

        @Override
        public int hashCode() {
            return rule.hashCode();
        }
    }

    public SubscriptionOptions {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultRule, "defaultRule");
        if (name.isBlank() || name.contains("/") || name.contains("$") || name.length() > 50) {
            throw new IllegalArgumentException(
                    "invalid subscription name '" + name + "' (1-50 characters, no '/' or '$')");
        }
        // Shared validation of the durations and counts.
        queueOptions(
                topic + SUBSCRIPTIONS + name,
                lockDuration,
                maxDeliveryCount,
                defaultTtl,
                deadLetterOnExpiration,
                QueueOptions.DEFAULT_MAX_SIZE_BYTES,
                QueueOptions.DEFAULT_MAX_MESSAGE_SIZE_BYTES);
    }

    /** A subscription with Service Bus defaults (lock 30 s, 10 deliveries, true filter). */
    public static SubscriptionOptions of(String topic, String name) {
        return new SubscriptionOptions(
                topic,
                name,
                QueueOptions.DEFAULT_LOCK_DURATION,
                QueueOptions.DEFAULT_MAX_DELIVERY_COUNT,
                null,
                false,
                Rule.trueFilter());
    }

    /** Entity path: {@code <topic>/subscriptions/<name>}. */
    public String path() {
        return topic + SUBSCRIPTIONS + name;
    }

    public SubscriptionOptions withLockDuration(Duration value) {
        return new SubscriptionOptions(
                topic, name, value, maxDeliveryCount, defaultTtl, deadLetterOnExpiration, defaultRule);
    }

    public SubscriptionOptions withMaxDeliveryCount(int value) {
        return new SubscriptionOptions(
                topic, name, lockDuration, value, defaultTtl, deadLetterOnExpiration, defaultRule);
    }

    public SubscriptionOptions withDefaultTtl(Duration value) {
        return new SubscriptionOptions(
                topic, name, lockDuration, maxDeliveryCount, value, deadLetterOnExpiration, defaultRule);
    }

    public SubscriptionOptions withDeadLetterOnExpiration(boolean value) {
        return new SubscriptionOptions(topic, name, lockDuration, maxDeliveryCount, defaultTtl, value, defaultRule);
    }

    public SubscriptionOptions withRule(Rule value) {
        return new SubscriptionOptions(
                topic, name, lockDuration, maxDeliveryCount, defaultTtl, deadLetterOnExpiration, value);
    }

    /** The queue-like store behind the subscription (sizes come from the topic). */
    QueueOptions queueOptions(TopicOptions topicOptions) {
        return queueOptions(
                path(),
                lockDuration,
                maxDeliveryCount,
                defaultTtl,
                deadLetterOnExpiration,
                topicOptions.maxSizeBytes(),
                topicOptions.maxMessageSizeBytes());
    }

    private static QueueOptions queueOptions(
            String path,
            Duration lockDuration,
            int maxDeliveryCount,
            Duration defaultTtl,
            boolean deadLetterOnExpiration,
            long maxSize,
            long maxMessageSize) {
        return new QueueOptions(
                path,
                lockDuration,
                maxDeliveryCount,
                defaultTtl,
                deadLetterOnExpiration,
                null,
                maxSize,
                maxMessageSize);
    }

    /**
     * Parses the CLI form {@code TOPIC/NAME[,lockDuration=PT30S,maxDeliveryCount=10,defaultTtl=PT1H,
     * deadLetterOnExpiration=true][,filter=<SQL>][,correlation=<prop>:<value>]...}. Commas inside quotes or
     * parentheses belong to the SQL filter ({@code filter=outcome IN ('Accepted','Rejected')} works). Repeated
     * {@code correlation=} entries form one correlation filter (all must match); {@code sys.} names the system fields.
     */
    public static SubscriptionOptions parse(String spec) {
        List<String> parts = splitTopLevel(spec);
        String head = parts.get(0).trim();
        int slash = head.indexOf('/');
        if (slash <= 0 || slash == head.length() - 1 || head.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("expected TOPIC/NAME in subscription spec, got '" + head + "'");
        }
        SubscriptionOptions options = of(head.substring(0, slash), head.substring(slash + 1));
        String filter = null;
        Map<String, Object> correlation = new LinkedHashMap<>();
        for (int i = 1; i < parts.size(); i++) {
            String part = parts.get(i).trim();
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected option=value in subscription spec, got '" + part + "'");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "lockduration" -> options = options.withLockDuration(QueueOptions.parseDuration(key, value));
                case "maxdeliverycount" -> options = options.withMaxDeliveryCount(QueueOptions.parseInt(key, value));
                case "defaultttl", "defaultmessagetimetolive" ->
                    options = options.withDefaultTtl(QueueOptions.parseDuration(key, value));
                case "deadletteronexpiration", "deadletteringonmessageexpiration" ->
                    options = options.withDeadLetterOnExpiration(QueueOptions.parseBoolean(key, value));
                case "filter" -> {
                    if (filter != null) {
                        throw new IllegalArgumentException("filter= given twice for '" + head + "'");
                    }
                    filter = value;
                }
                case "correlation" -> {
                    int colon = value.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("correlation: expected <prop>:<value>, got '" + value + "'");
                    }
                    correlation.put(value.substring(0, colon).trim(), value.substring(colon + 1));
                }
                case "duplicatedetectionwindow",
                        "duplicatedetectionhistorytimewindow",
                        "maxsizebytes",
                        "maxmessagesizebytes" ->
                    throw new IllegalArgumentException("'" + key + "' is a topic option, not a subscription option "
                            + "(use --topic NAME," + key + "=...)");
                default -> throw new IllegalArgumentException("unknown subscription option '" + key + "'");
            }
        }
        if (filter != null && !correlation.isEmpty()) {
            throw new IllegalArgumentException("'" + head + "': give either filter= or correlation=, not both");
        }
        if (filter != null) {
            options = options.withRule(Rule.sql(filter));
        } else if (!correlation.isEmpty()) {
            options = options.withRule(Rule.correlation(correlation));
        }
        return options;
    }

    /** Splits on commas outside single quotes, brackets and parentheses. */
    static List<String> splitTopLevel(String spec) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        boolean bracket = false;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == '\'' && !bracket) {
                quoted = !quoted;
            } else if (!quoted && c == '[') {
                bracket = true;
            } else if (!quoted && c == ']') {
                bracket = false;
            } else if (!quoted && !bracket && c == '(') {
                depth++;
            } else if (!quoted && !bracket && c == ')') {
                depth--;
            } else if (c == ',' && !quoted && !bracket && depth == 0) {
                parts.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        parts.add(current.toString());
        return parts;
    }
}
