package io.cifpipe.emulator.servicebus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One topic subscription: its message store (a {@link QueueEntity} with a dead-letter queue) and its rules. */
final class Subscription {
    final TopicEntity topic;
    final SubscriptionOptions options;
    final QueueEntity store;
    /** Rule name (lower case) to rule, in creation order; a message is copied when any rule matches. */
    private final Map<String, SubscriptionRule> rules = new LinkedHashMap<>();

    Subscription(Broker broker, TopicEntity topic, SubscriptionOptions options) {
        this.topic = topic;
        this.options = options;
        this.store = new QueueEntity(broker, options.queueOptions(topic.options), false);
        this.store.subscription = this;
        this.store.deadLetterQueue.subscription = this;
        SubscriptionRule initial = options.defaultRule().rule;
        rules.put(key(initial.name()), initial);
    }

    boolean matches(FilterMessage message) {
        for (SubscriptionRule rule : rules.values()) {
            if (rule.matches(message)) {
                return true;
            }
        }
        return false;
    }

    List<SubscriptionRule> rules() {
        return List.copyOf(rules.values());
    }

    /** False when a rule of that name exists (rule names are case-insensitive in Service Bus). */
    boolean addRule(SubscriptionRule rule) {
        return rules.putIfAbsent(key(rule.name()), rule) == null;
    }

    boolean removeRule(String name) {
        return rules.remove(key(name)) != null;
    }

    /** Replaces every rule (journal recovery). */
    void replaceRules(List<SubscriptionRule> replacement) {
        rules.clear();
        for (SubscriptionRule r : replacement) {
            rules.put(key(r.name()), r);
        }
    }

    List<Map<String, Object>> rulesJson() {
        List<Map<String, Object>> json = new ArrayList<>();
        for (SubscriptionRule r : rules.values()) {
            json.add(r.toJson());
        }
        return json;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
