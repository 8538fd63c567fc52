package io.cifpipe.emulator.servicebus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.UnsignedLong;

/**
 * A subscription rule: a name and a filter (true, false, SQL or correlation). Rule actions are not supported.
 *
 * <p>On the wire ({@code $management} add-rule / enumerate-rules) rules are the AMQP described types Service Bus
 * uses: rule-description {@code 0x0000013700000004} = list[filter, action, name], sql-filter {@code 0x…006}
 * = list[expression], true-filter {@code 0x…007}, false-filter {@code 0x…008}, correlation-filter {@code 0x…009}
 * = list[correlation-id, message-id, to, reply-to, label, session-id, reply-to-session-id, content-type,
 * properties], empty-rule-action {@code 0x0000013700000005}.
 */
record SubscriptionRule(String name, Filter filter) {

    static final String DEFAULT_RULE_NAME = "$Default";
    static final UnsignedLong RULE_DESCRIPTION = UnsignedLong.valueOf(0x0000013700000004L);
    static final UnsignedLong EMPTY_RULE_ACTION = UnsignedLong.valueOf(0x0000013700000005L);
    static final UnsignedLong SQL_FILTER = UnsignedLong.valueOf(0x0000001370000006L);
    static final UnsignedLong TRUE_FILTER = UnsignedLong.valueOf(0x0000001370000007L);
    static final UnsignedLong FALSE_FILTER = UnsignedLong.valueOf(0x0000001370000008L);
    static final UnsignedLong CORRELATION_FILTER = UnsignedLong.valueOf(0x0000001370000009L);

    SubscriptionRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(filter, "filter");
        if (name.isBlank() || name.length() > 50) {
            // Service Bus rule names are 1-50 characters.
            throw new IllegalArgumentException("A rule name must have 1 to 50 characters: '" + name + "'.");
        }
    }

    /** The rule every new subscription starts with: {@code $Default} with a true filter. */
    static SubscriptionRule defaultRule() {
        return new SubscriptionRule(DEFAULT_RULE_NAME, new TrueFilter());
    }

    boolean matches(FilterMessage message) {
        return filter.matches(message);
    }

    /** Filters a rule can hold. */
    sealed interface Filter permits TrueFilter, FalseFilter, SqlFilter, CorrelationFilter {
        boolean matches(FilterMessage message);

        DescribedType described();

        /** JSON-friendly form for the journal's rules file. */
        Map<String, Object> toJson();
    }

    record TrueFilter() implements Filter {
        @Override
        public boolean matches(FilterMessage message) {
            return true;
        }

        @Override
        public DescribedType described() {
            return new UnknownDescribedType(TRUE_FILTER, new ArrayList<>(List.of("1=1")));
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("type", "true");
        }
    }

    record FalseFilter() implements Filter {
        @Override
        public boolean matches(FilterMessage message) {
            return false;
        }

        @Override
        public DescribedType described() {
            return new UnknownDescribedType(FALSE_FILTER, new ArrayList<>(List.of("1=0")));
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("type", "false");
        }
    }

    record SqlFilter(SqlFilterExpression expression) implements Filter {
        static SqlFilter of(String text) {
            return new SqlFilter(SqlFilterExpression.parse(text));
        }

        @Override
        public boolean matches(FilterMessage message) {
            return expression.matches(message);
        }

        @Override
        public DescribedType described() {
            return new UnknownDescribedType(SQL_FILTER, new ArrayList<>(List.of(expression.text())));
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("type", "sql", "expression", expression.text());
        }
    }

    /**
     * Matches when every set field equals the message's system property and every entry of {@code properties} equals
     * the application property of that name (exact, case-sensitive, same type family).
     */
    record CorrelationFilter(
            String correlationId,
            String messageId,
            String to,
            String replyTo,
            String label,
            String sessionId,
            String replyToSessionId,
            String contentType,
            Map<String, Object> properties)
            implements Filter {

        static final List<String> FIELDS = List.of(
                "CorrelationId", "MessageId", "To", "ReplyTo", "Label", "SessionId", "ReplyToSessionId", "ContentType");

        CorrelationFilter {
            properties = properties == null ? Map.of() : Map.copyOf(properties);
            for (Map.Entry<String, Object> e : properties.entrySet()) {
                Object v = SqlFilterExpression.normalise(e.getValue());
                if (v == SqlFilterExpression.Properties.MISSING) {
                    throw new IllegalArgumentException(
                            "Correlation filter property '" + e.getKey() + "' must be a string, number or boolean.");
                }
            }
            if (correlationId == null
                    && messageId == null
                    && to == null
                    && replyTo == null
                    && label == null
                    && sessionId == null
                    && replyToSessionId == null
                    && contentType == null
                    && properties.isEmpty()) {
                throw new IllegalArgumentException("A correlation filter needs at least one property to match.");
            }
        }

        List<String> fieldValues() {
            return Arrays.asList(
                    correlationId, messageId, to, replyTo, label, sessionId, replyToSessionId, contentType);
        }

        @Override
        public boolean matches(FilterMessage message) {
            List<String> values = fieldValues();
            for (int i = 0; i < FIELDS.size(); i++) {
                String expected = values.get(i);
                if (expected != null) {
                    Object actual = message.system(FIELDS.get(i));
                    if (actual == null || !expected.equals(actual.toString())) {
                        return false;
                    }
                }
            }
            for (Map.Entry<String, Object> e : properties.entrySet()) {
                Object actual = SqlFilterExpression.normalise(message.user(e.getKey()));
                Object expected = SqlFilterExpression.normalise(e.getValue());
                if (!Objects.equals(actual, expected)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public DescribedType described() {
            List<Object> list = new ArrayList<>(fieldValues());
            list.add(new HashMap<>(properties));
            return new UnknownDescribedType(CORRELATION_FILTER, list);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("type", "correlation");
            List<String> values = fieldValues();
            for (int i = 0; i < FIELDS.size(); i++) {
                if (values.get(i) != null) {
                    json.put(FIELDS.get(i), values.get(i));
                }
            }
            json.put("properties", properties);
            return json;
        }

        /** Builds a filter from {@code name -> value}; {@code sys.X} names set the system fields, others are properties. */
        static CorrelationFilter of(Map<String, Object> matches) {
            Map<String, String> fields = new HashMap<>();
            Map<String, Object> props = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : matches.entrySet()) {
                String key = e.getKey();
                if (key.regionMatches(true, 0, "sys.", 0, 4)) {
                    String field = FIELDS.stream()
                            .filter(f -> f.equalsIgnoreCase(key.substring(4)))
                            .findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("'" + key
                                    + "' is not a correlation filter field (" + String.join(", ", FIELDS) + ")"));
                    fields.put(field, String.valueOf(e.getValue()));
                } else {
                    props.put(key.regionMatches(true, 0, "user.", 0, 5) ? key.substring(5) : key, e.getValue());
                }
            }
            return new CorrelationFilter(
                    fields.get("CorrelationId"),
                    fields.get("MessageId"),
                    fields.get("To"),
                    fields.get("ReplyTo"),
                    fields.get("Label"),
                    fields.get("SessionId"),
                    fields.get("ReplyToSessionId"),
                    fields.get("ContentType"),
                    props);
        }
    }

    // ------------------------------------------------------------------ AMQP

    /** The rule-description described type enumerate-rules returns. */
    DescribedType described() {
        List<Object> list = new ArrayList<>();
        list.add(filter.described());
        list.add(new UnknownDescribedType(EMPTY_RULE_ACTION, new ArrayList<>()));
        list.add(name);
        return new UnknownDescribedType(RULE_DESCRIPTION, list);
    }

    /**
     * A rule from an add-rule request body's {@code rule-description} map (what the SDK's ServiceBusRuleManagerClient
     * sends: {@code sql-filter: {expression}} or {@code correlation-filter: {...}}, {@code sql-rule-action}, ...).
     *
     * @throws UnsupportedOperationException for a SQL rule action
     * @throws IllegalArgumentException for a malformed description or filter
     */
    static SubscriptionRule fromRequest(String name, Map<?, ?> description) {
        Object action = description.get("sql-rule-action");
        if (action instanceof Map<?, ?> a && a.get("expression") instanceof String s && !s.isBlank()) {
            throw new UnsupportedOperationException("SQL rule actions are not supported by the emulator.");
        }
        if (description.get("sql-filter") instanceof Map<?, ?> sql) {
            if (!(sql.get("expression") instanceof String expression)) {
                throw new IllegalArgumentException("sql-filter needs a string 'expression'.");
            }
            return new SubscriptionRule(name, SqlFilter.of(expression));
        }
        if (description.get("correlation-filter") instanceof Map<?, ?> c) {
            Map<String, Object> props = new LinkedHashMap<>();
            if (c.get("properties") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> props.put(String.valueOf(k), v));
            }
            return new SubscriptionRule(
                    name,
                    new CorrelationFilter(
                            str(c, "correlation-id"),
                            str(c, "message-id"),
                            str(c, "to"),
                            str(c, "reply-to"),
                            str(c, "label"),
                            str(c, "session-id"),
                            str(c, "reply-to-session-id"),
                            str(c, "content-type"),
                            props));
        }
        if (description.containsKey("true-filter")) {
            return new SubscriptionRule(name, new TrueFilter());
        }
        if (description.containsKey("false-filter")) {
            return new SubscriptionRule(name, new FalseFilter());
        }
        throw new IllegalArgumentException("The rule description has no sql-filter or correlation-filter.");
    }

    private static String str(Map<?, ?> map, String key) {
        Object v = map.get(key);
        return v == null ? null : v.toString();
    }

    // ------------------------------------------------------------------ journal (JSON)

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("filter", filter.toJson());
        return json;
    }

    @SuppressWarnings("unchecked")
    static SubscriptionRule fromJson(Map<String, Object> json) {
        Map<String, Object> f = (Map<String, Object>) json.get("filter");
        String type = String.valueOf(f.get("type")).toLowerCase(Locale.ROOT);
        Filter filter =
                switch (type) {
                    case "true" -> new TrueFilter();
                    case "false" -> new FalseFilter();
                    case "sql" -> SqlFilter.of((String) f.get("expression"));
                    case "correlation" -> {
                        Map<String, Object> props =
                                f.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
                        yield new CorrelationFilter(
                                (String) f.get("CorrelationId"),
                                (String) f.get("MessageId"),
                                (String) f.get("To"),
                                (String) f.get("ReplyTo"),
                                (String) f.get("Label"),
                                (String) f.get("SessionId"),
                                (String) f.get("ReplyToSessionId"),
                                (String) f.get("ContentType"),
                                props);
                    }
                    default -> throw new IllegalArgumentException("unknown filter type '" + type + "'");
                };
        return new SubscriptionRule((String) json.get("name"), filter);
    }
}
