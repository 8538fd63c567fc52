package io.cifpipe.emulator.servicebus;

import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.impl.FlushCoalescer;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker state: entities, timers and authorisation. Everything runs on one Vert.x event loop, so no locking;
 * other threads reach it through {@link ServiceBusEmulator}, which hops onto that loop.
 */
final class Broker {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    static final long TICK_MILLIS = 50;

    private record Timed(long atMillis, long sequenceNumber, QueueEntity entity) {}

    private record TopicTimed(long atMillis, long sequenceNumber, TopicEntity topic) {}

    private final Vertx vertx;
    private final Clock clock;
    private final Journal journal;
    private final SasTokenValidator validator;
    private final Map<String, QueueEntity> queues = new LinkedHashMap<>();
    private final Map<String, QueueEntity> entitiesByPath = new LinkedHashMap<>();
    private final Map<String, TopicEntity> topics = new LinkedHashMap<>();
    private final PriorityQueue<TopicTimed> topicActivations =
            new PriorityQueue<>(Comparator.comparingLong(TopicTimed::atMillis));
    private final PriorityQueue<Timed> activations = new PriorityQueue<>(Comparator.comparingLong(Timed::atMillis));
    private final PriorityQueue<Timed> expiries = new PriorityQueue<>(Comparator.comparingLong(Timed::atMillis));
    private final boolean anonymousAccess;
    private final FlushCoalescer flusher;
    private long timerId = -1;
    private long ticks;

    Broker(
            Vertx vertx,
            Clock clock,
            Journal journal,
            Collection<QueueOptions> queueOptions,
            Collection<SharedAccessKey> keys,
            boolean anonymousAccess) {
        this(vertx, clock, journal, queueOptions, List.of(), List.of(), keys, anonymousAccess);
    }

    Broker(
            Vertx vertx,
            Clock clock,
            Journal journal,
            Collection<QueueOptions> queueOptions,
            Collection<TopicOptions> topicOptions,
            Collection<SubscriptionOptions> subscriptionOptions,
            Collection<SharedAccessKey> keys,
            boolean anonymousAccess) {
        this.vertx = vertx;
        this.flusher = new FlushCoalescer(vertx);
        this.anonymousAccess = anonymousAccess;
        this.clock = clock;
        this.journal = journal;
        this.validator = new SasTokenValidator(keys, clock);
        for (QueueOptions options : queueOptions) {
            QueueEntity queue = new QueueEntity(this, options, false);
            queues.put(key(options.name()), queue);
            entitiesByPath.put(key(queue.path), queue);
            entitiesByPath.put(key(queue.deadLetterQueue.path), queue.deadLetterQueue);
        }
        for (TopicOptions options : topicOptions) {
            if (queues.containsKey(key(options.name()))) {
                throw new IllegalArgumentException("'" + options.name() + "' is configured as a queue and as a topic");
            }
            if (topics.putIfAbsent(key(options.name()), new TopicEntity(this, options)) != null) {
                throw new IllegalArgumentException("topic '" + options.name() + "' configured twice");
            }
        }
        for (SubscriptionOptions options : subscriptionOptions) {
            TopicEntity topic = topics.get(key(options.topic()));
            if (topic == null) {
                throw new IllegalArgumentException("subscription '" + options.path() + "' names topic '"
                        + options.topic() + "', which is not configured (add --topic " + options.topic() + ")");
            }
            Subscription subscription = topic.addSubscription(options);
            entitiesByPath.put(key(subscription.store.path), subscription.store);
            entitiesByPath.put(key(subscription.store.deadLetterQueue.path), subscription.store.deadLetterQueue);
        }
    }

    /** Loads the journal and starts the timers; call on the broker's event loop. */
    void start() {
        long now = now();
        int recovered = 0;
        for (Journal.Recovered r : journal.recover()) {
            TopicEntity topic = topics.get(key(r.entity()));
            if (topic != null) {
                topic.recover(r, now);
                recovered++;
                continue;
            }
            QueueEntity entity = entitiesByPath.get(key(r.entity()));
            if (entity == null) {
                LOG.warn(
                        "journal holds a message for entity '{}' that is not configured; it stays in the journal",
                        r.entity());
                continue;
            }
            entity.recover(r, now);
            if (entity.subscription != null) {
                // A subscription's copies carry the topic's sequence numbers and duplicate-detection history.
                entity.subscription.topic.observeSequenceNumber(r.sequenceNumber());
                if (!entity.isDeadLetterQueue()) {
                    StoredMessage m = entity.bySequenceNumber(r.sequenceNumber());
                    entity.subscription.topic.rememberMessageId(
                            m == null ? null : m.messageId, r.enqueuedAtMillis(), now);
                }
            } else if (entity.isDeadLetterQueue()) {
                queues.get(key(entity.options.name())).observeSequenceNumber(r.sequenceNumber());
            }
            recovered++;
        }
        if (recovered > 0) {
            LOG.info("recovered {} message(s) from the journal", recovered);
        }
        recoverRules();
        timerId = vertx.setPeriodic(TICK_MILLIS, id -> tick());
    }

    void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    long now() {
        return clock.millis();
    }

    Clock clock() {
        return clock;
    }

    Vertx vertx() {
        return vertx;
    }

    /** Benchmark mode: links and management calls need no CBS token. */
    boolean anonymousAccess() {
        return anonymousAccess;
    }

    /** Sends and settlements that flush each connection once per event-loop turn. */
    FlushCoalescer flusher() {
        return flusher;
    }

    Journal journal() {
        return journal;
    }

    SasTokenValidator validator() {
        return validator;
    }

    void scheduleActivation(QueueEntity entity, long sequenceNumber, long atMillis) {
        activations.add(new Timed(atMillis, sequenceNumber, entity));
    }

    void scheduleTopicActivation(TopicEntity topic, long sequenceNumber, long atMillis) {
        topicActivations.add(new TopicTimed(atMillis, sequenceNumber, topic));
    }

    void scheduleExpiry(QueueEntity entity, long sequenceNumber, long atMillis) {
        expiries.add(new Timed(atMillis, sequenceNumber, entity));
    }

    void accept(ProtonConnection connection) {
        new ClientConnection(this, connection).start();
    }

    /**
     * Entity for an address: {@code queue}, {@code queue/$deadletterqueue}, optionally as a full
     * {@code amqp://host/...} or {@code sb://host/...} URI; null when unknown.
     */
    QueueEntity resolve(String address) {
        if (address == null) {
            return null;
        }
        return entitiesByPath.get(SasTokenValidator.normalisedPath(address));
    }

    Collection<QueueEntity> queues() {
        return queues.values();
    }

    Collection<TopicEntity> topics() {
        return topics.values();
    }

    /** A topic by name or address (as {@link #resolve}); null when unknown. */
    TopicEntity resolveTopic(String address) {
        return address == null ? null : topics.get(SasTokenValidator.normalisedPath(address));
    }

    private static String key(String path) {
        return path.toLowerCase(Locale.ROOT);
    }

    private void tick() {
        try {
            long now = now();
            for (QueueEntity entity : entitiesByPath.values()) {
                entity.expireLocks(now);
            }
            while (!activations.isEmpty() && activations.peek().atMillis() <= now) {
                Timed t = activations.poll();
                t.entity().activateScheduled(t.sequenceNumber(), now);
            }
            while (!topicActivations.isEmpty() && topicActivations.peek().atMillis() <= now) {
                TopicTimed t = topicActivations.poll();
                t.topic().activateScheduled(t.sequenceNumber(), now);
            }
            while (!expiries.isEmpty() && expiries.peek().atMillis() <= now) {
                Timed t = expiries.poll();
                t.entity().expireIfDue(t.sequenceNumber(), now);
            }
            if (++ticks % 20 == 0) {
                for (QueueEntity queue : queues.values()) {
                    queue.pruneDuplicateHistory(now);
                }
                for (TopicEntity topic : topics.values()) {
                    topic.pruneDuplicateHistory(now);
                }
                if (journal.wantsCompaction()) {
                    journal.compact(snapshot());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("broker timer failed; continuing", e);
        }
    }

    /** Every stored message as a journal record (the journal's compaction input). */
    private List<Journal.Recovered> snapshot() {
        List<Journal.Recovered> live = new java.util.ArrayList<>();
        for (TopicEntity topic : topics.values()) {
            for (StoredMessage m : topic.scheduledMessages()) {
                live.add(new Journal.Recovered(
                        topic.path,
                        m.sequenceNumber,
                        m.enqueuedAtMillis,
                        m.deliveryCount,
                        m.deferred,
                        m.scheduledAtMillis,
                        m.ttlMillis,
                        m.deadLetterSource,
                        m.encoded()));
            }
        }
        for (QueueEntity entity : entitiesByPath.values()) {
            for (StoredMessage m : entity.allMessages().values()) {
                live.add(new Journal.Recovered(
                        entity.path,
                        m.sequenceNumber,
                        m.enqueuedAtMillis,
                        m.deliveryCount,
                        m.deferred,
                        m.scheduledAtMillis,
                        m.ttlMillis,
                        m.deadLetterSource,
                        m.encoded()));
            }
        }
        return live;
    }

    // ---------------------------------------------------------------- rules

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Writes every subscription's rules (after a rule manager change), with the configured rule they started from. */
    void saveRules() {
        Map<String, Object> subscriptions = new java.util.TreeMap<>();
        for (TopicEntity topic : topics.values()) {
            for (Subscription s : topic.subscriptions()) {
                subscriptions.put(
                        key(s.options.path()), Map.of("configured", fingerprint(s.options), "rules", s.rulesJson()));
            }
        }
        try {
            journal.saveRules(JSON.writeValueAsString(Map.of("subscriptions", subscriptions)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Restores rules changed at run time. A subscription whose configured rule differs from the one recorded with
     * them starts from the configuration instead (the operator changed it on purpose).
     */
    @SuppressWarnings("unchecked")
    private void recoverRules() {
        String text = journal.recoverRules();
        if (text == null) {
            return;
        }
        Map<String, Object> stored;
        try {
            stored = (Map<String, Object>) JSON.readValue(text, Map.class).getOrDefault("subscriptions", Map.of());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn(
                    "the journal's rules file cannot be read ({}); subscriptions keep their configured rules",
                    e.toString());
            return;
        }
        for (TopicEntity topic : topics.values()) {
            for (Subscription s : topic.subscriptions()) {
                if (!(stored.get(key(s.options.path())) instanceof Map<?, ?> entry)) {
                    continue;
                }
                if (!fingerprint(s.options).equals(entry.get("configured"))) {
                    LOG.info(
                            "subscription '{}': configured rule changed; rules changed at run time are discarded",
                            s.options.path());
                    continue;
                }
                try {
                    List<SubscriptionRule> rules = new java.util.ArrayList<>();
                    for (Object r : (List<Object>) entry.get("rules")) {
                        rules.add(SubscriptionRule.fromJson((Map<String, Object>) r));
                    }
                    s.replaceRules(rules);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "subscription '{}': stored rules unreadable ({}); configured rule kept",
                            s.options.path(),
                            e.toString());
                }
            }
        }
    }

    private static String fingerprint(SubscriptionOptions options) {
        try {
            return JSON.writeValueAsString(options.defaultRule().rule.toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    List<QueueEntity> entities() {
        return List.copyOf(entitiesByPath.values());
    }
}
