package io.cifpipe.emulator.servicebus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

/**
 * A topic: assigns sequence numbers, detects duplicates, holds scheduled messages until their time, and copies each
 * active message into every subscription with a matching rule (none matching: the message is dropped, as in Service
 * Bus). A subscription's copy keeps the topic's sequence number. Broker thread only.
 */
final class TopicEntity implements MessageSink {
    final TopicOptions options;
    final String path;
    private final Broker broker;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final TreeMap<Long, StoredMessage> scheduled = new TreeMap<>();
    private final DuplicateHistory duplicates;
    /** Sends the topic served (its subscriptions count their own deliveries and settlements). */
    final OperationCounts operations = new OperationCounts();

    private long lastSequenceNumber;
    private long scheduledBytes;

    TopicEntity(Broker broker, TopicOptions options) {
        this.broker = broker;
        this.options = options;
        this.path = options.name();
        this.duplicates = new DuplicateHistory(options.duplicateDetectionWindow());
    }

    Subscription addSubscription(SubscriptionOptions subscription) {
        Subscription s = new Subscription(broker, this, subscription);
        if (subscriptions.putIfAbsent(subscription.name().toLowerCase(Locale.ROOT), s) != null) {
            throw new IllegalArgumentException("subscription '" + subscription.path() + "' configured twice");
        }
        return s;
    }

    Collection<Subscription> subscriptions() {
        return subscriptions.values();
    }

    @Override
    public String entityPath() {
        return path;
    }

    @Override
    public long maxMessageSizeBytes() {
        return options.maxMessageSizeBytes();
    }

    @Override
    public boolean hasRoomFor(long bytes) {
        if (scheduledBytes + bytes > options.maxSizeBytes()) {
            return false;
        }
        for (Subscription s : subscriptions.values()) {
            if (!s.store.hasRoomFor(bytes)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long send(Message message, byte[] bare, int size, long now, Runnable onStored)
            throws QueueEntity.QuotaExceededException {
        message.setDeliveryAnnotations(null);
        message.setFooter(null);
        String messageId =
                message.getMessageId() == null ? null : message.getMessageId().toString();
        if (duplicates.isDuplicate(messageId, now)) {
            operations.add(OperationCounts.DUPLICATE_DROPPED);
            onStored.run();
            return 0;
        }
        if (!hasRoomFor(size)) {
            throw new QueueEntity.QuotaExceededException(
                    "The maximum entity size has been reached for '" + path + "'.");
        }
        duplicates.remember(messageId, now);
        StoredMessage stored = new StoredMessage(++lastSequenceNumber, now, size, messageId, message);
        stored.bare(bare, bare != null);
        stored.ttlMillis = effectiveTtl(message);
        if (annotation(message, AmqpCodec.SCHEDULED_ENQUEUE_TIME) instanceof Date at && at.getTime() > now) {
            stored.scheduledAtMillis = at.getTime();
            operations.add(OperationCounts.SCHEDULED);
            holdScheduled(stored);
            broker.journal().upsert(path, stored, onStored);
        } else {
            operations.add(OperationCounts.SENT);
            fanOut(stored, now, onStored);
        }
        return stored.sequenceNumber;
    }

    private long effectiveTtl(Message message) {
        long ttl = message.getHeader() != null && message.getHeader().getTtl() != null
                ? message.getHeader().getTtl().longValue()
                : 0;
        return QueueEntity.capTtl(ttl, options.defaultTtl());
    }

    private void holdScheduled(StoredMessage m) {
        scheduled.put(m.sequenceNumber, m);
        scheduledBytes += m.sizeBytes;
        broker.scheduleTopicActivation(this, m.sequenceNumber, m.scheduledAtMillis);
    }

    /** Copies the message into every subscription whose rules match; {@code onStored} once every copy is durable. */
    private void fanOut(StoredMessage m, long now, Runnable onStored) {
        FilterMessage view = new FilterMessage(m.full(), m.sequenceNumber, m.sizeBytes);
        List<Subscription> targets = new ArrayList<>();
        for (Subscription s : subscriptions.values()) {
            if (s.matches(view)) {
                targets.add(s);
            }
        }
        if (targets.isEmpty()) {
            if (onStored != null) {
                onStored.run();
            }
            return;
        }
        AtomicInteger pending = new AtomicInteger(targets.size());
        Runnable each = onStored == null
                ? null
                : () -> {
                    if (pending.decrementAndGet() == 0) {
                        onStored.run();
                    }
                };
        for (Subscription s : targets) {
            s.store.insertCopy(m, now, each);
        }
    }

    /** A scheduled message's time came: it is filtered and copied now, then leaves the topic. */
    void activateScheduled(long sequenceNumber, long now) {
        StoredMessage m = scheduled.get(sequenceNumber);
        if (m == null || m.scheduledAtMillis > now) {
            return;
        }
        scheduled.remove(sequenceNumber);
        scheduledBytes -= m.sizeBytes;
        long scheduledAt = m.scheduledAtMillis;
        m.scheduledAtMillis = 0;
        // Filters see the message at its enqueue time; its time to live starts then too (the copies' enqueue time).
        fanOut(m, Math.max(now, scheduledAt), null);
        broker.journal().remove(path, sequenceNumber);
    }

    @Override
    public boolean cancelScheduled(long sequenceNumber) {
        StoredMessage m = scheduled.remove(sequenceNumber);
        if (m == null) {
            return false;
        }
        scheduledBytes -= m.sizeBytes;
        broker.journal().remove(path, sequenceNumber);
        return true;
    }

    /** Re-holds a scheduled message found in the journal. */
    void recover(Journal.Recovered r, long now) {
        Message message = AmqpCodec.decode(r.encodedMessage(), 0, r.encodedMessage().length);
        String messageId =
                message.getMessageId() == null ? null : message.getMessageId().toString();
        StoredMessage stored = new StoredMessage(
                r.sequenceNumber(), r.enqueuedAtMillis(), r.encodedMessage().length, messageId, message);
        stored.ttlMillis = r.ttlMillis();
        stored.scheduledAtMillis = r.scheduledAtMillis() == 0 ? now : r.scheduledAtMillis();
        observeSequenceNumber(r.sequenceNumber());
        rememberMessageId(messageId, r.enqueuedAtMillis(), now);
        holdScheduled(stored);
    }

    /** Keeps the duplicate-detection history across a restart (from the messages still stored). */
    void rememberMessageId(String messageId, long enqueuedAtMillis, long now) {
        duplicates.recover(messageId, enqueuedAtMillis, now);
    }

    void observeSequenceNumber(long sequenceNumber) {
        lastSequenceNumber = Math.max(lastSequenceNumber, sequenceNumber);
    }

    void pruneDuplicateHistory(long now) {
        duplicates.prune(now);
    }

    /** Scheduled messages the topic holds (TopicRuntimeProperties.scheduledMessageCount). */
    long scheduledCount() {
        return scheduled.size();
    }

    Collection<StoredMessage> scheduledMessages() {
        return scheduled.values();
    }

    private static Object annotation(Message message, Symbol key) {
        MessageAnnotations annotations = message.getMessageAnnotations();
        return annotations == null || annotations.getValue() == null
                ? null
                : annotations.getValue().get(key);
    }
}
