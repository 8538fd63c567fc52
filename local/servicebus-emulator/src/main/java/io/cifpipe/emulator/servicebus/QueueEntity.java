package io.cifpipe.emulator.servicebus;

import io.vertx.proton.ProtonDelivery;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;

/**
 * A queue or its dead-letter sub-queue: the message store, locks and the consumers it feeds.
 * Single-threaded: every method runs on the broker's event loop.
 */
final class QueueEntity implements MessageSink {

    static final String DEAD_LETTER_SUFFIX = "/$deadletterqueue";
    static final String REASON_MAX_DELIVERY = "MaxDeliveryCountExceeded";
    static final String REASON_TTL = "TTLExpiredException";
    static final String DEAD_LETTER_REASON = "DeadLetterReason";
    static final String DEAD_LETTER_DESCRIPTION = "DeadLetterErrorDescription";
    static final Symbol LOCK_LOST = Symbol.valueOf("com.microsoft:message-lock-lost");
    static final Symbol DEAD_LETTER_CONDITION = Symbol.valueOf("com.microsoft:dead-letter");

    /** Thrown when accepting a message would exceed the queue's max size. */
    static final class QuotaExceededException extends Exception {
        QuotaExceededException(String message) {
            super(message);
        }
    }

    /** Snapshot of the counts the admin endpoint reports. */
    record Counts(long active, long locked, long scheduled, long deferred, long total, long sizeBytes) {}

    final String path;
    final QueueOptions options;
    final QueueEntity deadLetterQueue;
    /** The subscription this store belongs to (also set on its dead-letter queue); null for queues. */
    Subscription subscription;

    private final Broker broker;
    final OperationCounts operations = new OperationCounts();

    private final TreeMap<Long, StoredMessage> bySequence = new TreeMap<>();
    private final TreeMap<Long, StoredMessage> available = new TreeMap<>();
    /** Insertion order = expiry order: every lock (and renewal) lasts the same lockDuration from "now". */
    private final LinkedHashMap<UUID, StoredMessage> locked = new LinkedHashMap<>();

    private final DuplicateHistory duplicates;
    private final List<Consumer> consumers = new ArrayList<>();
    private int nextConsumer;
    private long lastSequenceNumber;
    private long sizeBytes;
    private long scheduledCount;
    private long deferredCount;

    QueueEntity(Broker broker, QueueOptions options, boolean deadLetter) {
        this.broker = broker;
        this.options = options;
        this.path = deadLetter ? options.name() + DEAD_LETTER_SUFFIX : options.name();
        this.deadLetterQueue = deadLetter ? null : new QueueEntity(broker, options, true);
        this.duplicates = new DuplicateHistory(deadLetter ? null : options.duplicateDetectionWindow());
    }

    boolean isDeadLetterQueue() {
        return deadLetterQueue == null;
    }

    // ---------------------------------------------------------------- accept

    /**
     * Stores a message sent by a client. Returns null for a duplicate (dropped, as Service Bus does); {@code onStored}
     * runs once the message is durable (immediately for duplicates and in in-memory mode).
     */
    StoredMessage accept(Message message, int size, long now, Runnable onStored) throws QuotaExceededException {
        return accept(message, null, size, now, onStored);
    }

    /** As {@link #accept(Message, int, long, Runnable)}, with the sender's encoded bare message when known. */
    StoredMessage accept(Message message, byte[] bare, int size, long now, Runnable onStored)
            throws QuotaExceededException {
        message.setDeliveryAnnotations(null);
        message.setFooter(null);
        String messageId =
                message.getMessageId() == null ? null : message.getMessageId().toString();
        if (duplicates.isDuplicate(messageId, now)) {
            operations.add(OperationCounts.DUPLICATE_DROPPED);
            onStored.run();
            return null;
        }
        if (sizeBytes + size > options.maxSizeBytes()) {
            throw new QuotaExceededException("The maximum entity size has been reached for '" + path + "'.");
        }
        duplicates.remember(messageId, now);
        StoredMessage stored = new StoredMessage(++lastSequenceNumber, now, size, messageId, message);
        stored.bare(bare, bare != null);
        stored.ttlMillis = effectiveTtl(message);
        Object scheduled = annotation(message, AmqpCodec.SCHEDULED_ENQUEUE_TIME);
        if (scheduled instanceof Date at && at.getTime() > now) {
            stored.scheduledAtMillis = at.getTime();
        }
        operations.add(stored.scheduledAtMillis != 0 ? OperationCounts.SCHEDULED : OperationCounts.SENT);
        insert(stored, now);
        broker.journal().upsert(path, stored, onStored);
        dispatch();
        return stored;
    }

    @Override
    public boolean hasRoomFor(long bytes) {
        return sizeBytes + bytes <= options.maxSizeBytes();
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
    public long send(Message message, byte[] bare, int size, long now, Runnable onStored)
            throws QuotaExceededException {
        StoredMessage stored = accept(message, bare, size, now, onStored);
        return stored == null ? 0 : stored.sequenceNumber;
    }

    /**
     * Stores a topic's message in this subscription: same sequence number, the subscription's own state (lock,
     * delivery count, properties). The time to live is the shorter of the topic's and this subscription's default.
     */
    void insertCopy(StoredMessage source, long now, Runnable onStored) {
        Message copy = Proton.message();
        Message from = source.full();
        copy.setHeader(from.getHeader());
        copy.setMessageAnnotations(from.getMessageAnnotations());
        copy.setProperties(from.getProperties());
        copy.setApplicationProperties(from.getApplicationProperties());
        copy.setBody(from.getBody());
        StoredMessage stored = new StoredMessage(source.sequenceNumber, now, source.sizeBytes, source.messageId, copy);
        stored.bare(source.bare(), false);
        stored.ttlMillis = capTtl(source.ttlMillis, options.defaultTtl());
        insert(stored, now);
        broker.journal().upsert(path, stored, onStored);
        dispatch();
    }

    /** Re-inserts a message found in the journal at start-up. */
    void recover(Journal.Recovered r, long now) {
        Message message = AmqpCodec.decode(r.encodedMessage(), 0, r.encodedMessage().length);
        String messageId =
                message.getMessageId() == null ? null : message.getMessageId().toString();
        StoredMessage stored = new StoredMessage(
                r.sequenceNumber(), r.enqueuedAtMillis(), r.encodedMessage().length, messageId, message);
        stored.deliveryCount = r.deliveryCount();
        stored.deferred = r.deferred();
        stored.scheduledAtMillis = r.scheduledAtMillis();
        stored.ttlMillis = r.ttlMillis();
        stored.deadLetterSource = r.deadLetterSource();
        lastSequenceNumber = Math.max(lastSequenceNumber, r.sequenceNumber());
        duplicates.recover(messageId, r.enqueuedAtMillis(), now);
        insert(stored, now);
    }

    /** Raises the sequence counter (the dead-letter queue shares its queue's numbers). */
    void observeSequenceNumber(long sequenceNumber) {
        lastSequenceNumber = Math.max(lastSequenceNumber, sequenceNumber);
    }

    private long effectiveTtl(Message message) {
        long ttl = message.getHeader() != null && message.getHeader().getTtl() != null
                ? message.getHeader().getTtl().longValue()
                : 0;
        return capTtl(ttl, options.defaultTtl());
    }

    /** A message's time to live under an entity's default: the shorter one; 0 (none) takes the default. */
    static long capTtl(long ttlMillis, java.time.Duration entityDefault) {
        if (entityDefault == null) {
            return ttlMillis;
        }
        long max = entityDefault.toMillis();
        return ttlMillis == 0 ? max : Math.min(ttlMillis, max);
    }

    private void insert(StoredMessage m, long now) {
        bySequence.put(m.sequenceNumber, m);
        sizeBytes += m.sizeBytes;
        if (m.isScheduled()) {
            scheduledCount++;
            broker.scheduleActivation(this, m.sequenceNumber, m.scheduledAtMillis);
        } else {
            activate(m, now);
        }
    }

    /** A message becomes active: starts its time to live and becomes receivable (or deferred). */
    private void activate(StoredMessage m, long now) {
        if (m.ttlMillis > 0 && !isDeadLetterQueue()) {
            long start = m.scheduledAtMillis != 0 ? m.scheduledAtMillis : m.enqueuedAtMillis;
            m.expiresAtMillis = start + m.ttlMillis;
            broker.scheduleExpiry(this, m.sequenceNumber, m.expiresAtMillis);
        }
        m.scheduledAtMillis = 0;
        if (m.deferred) {
            deferredCount++;
        } else {
            available.put(m.sequenceNumber, m);
        }
    }

    // ---------------------------------------------------------------- consumers

    void addConsumer(Consumer consumer) {
        consumers.add(consumer);
        dispatch();
    }

    /**
     * A receiver link went away. Like Service Bus, its locks stay valid until they expire: the SDK settles such
     * messages by lock token through {@code $management} (update-disposition) once the link is gone.
     */
    void removeConsumer(Consumer consumer) {
        consumer.closed = true;
        consumers.remove(consumer);
        for (StoredMessage m : consumer.locked) {
            m.lockedBy = null;
            m.linkDelivery = null;
        }
        consumer.locked.clear();
        dispatch();
    }

    /** Hands available messages to consumers with credit, round-robin. */
    void dispatch() {
        if (consumers.isEmpty() || available.isEmpty()) {
            return;
        }
        long now = broker.now();
        int refused = 0;
        while (!available.isEmpty() && refused < consumers.size()) {
            if (nextConsumer >= consumers.size()) {
                nextConsumer = 0;
            }
            Consumer consumer = consumers.get(nextConsumer++);
            if (!consumer.canTake()) {
                refused++;
                continue;
            }
            refused = 0;
            StoredMessage m = available.pollFirstEntry().getValue();
            if (m.expiresAtMillis <= now) {
                available.put(m.sequenceNumber, m);
                expire(m);
                continue;
            }
            deliver(consumer, m, now);
        }
    }

    private void deliver(Consumer consumer, StoredMessage m, long now) {
        operations.add(OperationCounts.DELIVERED);
        if (consumer.receiveAndDelete) {
            byte[] wire = wireBytes(m, false);
            removeStored(m);
            broker.flusher().send(consumer.link, AmqpCodec.lockTokenToTag(AmqpCodec.newLockToken()), wire, null);
            return;
        }
        UUID token = lock(m, now);
        m.lockedBy = consumer;
        consumer.locked.add(m);
        byte[] wire = wireBytes(m, true);
        m.linkDelivery = broker.flusher()
                .send(
                        consumer.link,
                        AmqpCodec.lockTokenToTag(token),
                        wire,
                        delivery -> onClientDisposition(consumer, m, token, delivery));
    }

    private UUID lock(StoredMessage m, long now) {
        UUID token = AmqpCodec.newLockToken();
        available.remove(m.sequenceNumber);
        m.lockToken = token;
        m.lockedUntilMillis = now + options.lockDuration().toMillis();
        locked.put(token, m);
        return token;
    }

    private void unlock(StoredMessage m) {
        if (m.lockToken != null) {
            locked.remove(m.lockToken);
        }
        if (m.lockedBy != null) {
            m.lockedBy.locked.remove(m);
        }
        ProtonDelivery delivery = m.linkDelivery;
        m.lockToken = null;
        m.lockedBy = null;
        m.linkDelivery = null;
        m.lockedUntilMillis = 0;
        if (delivery != null && !delivery.isSettled()) {
            // Settled elsewhere (management); the client's link delivery is finished too.
            delivery.settle();
        }
    }

    /** Settlement sent by the client on the receive link (always unsettled; we answer settled, same outcome). */
    private void onClientDisposition(Consumer consumer, StoredMessage m, UUID token, ProtonDelivery delivery) {
        if (delivery.isSettled()) {
            return;
        }
        DeliveryState state = delivery.getRemoteState();
        if (state == null) {
            if (delivery.remotelySettled()) {
                delivery.settle();
                if (token.equals(m.lockToken)) {
                    releaseLock(m, consumer);
                }
            }
            return;
        }
        if (!token.equals(m.lockToken) || bySequence.get(m.sequenceNumber) != m) {
            Rejected lost = new Rejected();
            lost.setError(new ErrorCondition(
                    LOCK_LOST,
                    "The lock supplied is invalid. Either the lock expired, or the "
                            + "message has already been removed from the queue."));
            delivery.disposition(lost, true);
            return;
        }
        m.linkDelivery = null; // we settle it below; unlock must not settle it a second time
        if (state instanceof Accepted) {
            complete(m);
        } else if (state instanceof Modified modified) {
            Map<String, Object> changes = stringKeys(modified.getMessageAnnotations());
            if (Boolean.TRUE.equals(modified.getUndeliverableHere())) {
                defer(m, changes);
            } else {
                abandon(m, changes);
            }
        } else if (state instanceof Rejected rejected) {
            Map<String, Object> info = rejected.getError() == null
                    ? Map.of()
                    : stringKeys(rejected.getError().getInfo());
            Map<String, Object> props = new HashMap<>(info);
            Object reason = props.remove(DEAD_LETTER_REASON);
            Object description = props.remove(DEAD_LETTER_DESCRIPTION);
            deadLetter(
                    m,
                    reason == null ? null : reason.toString(),
                    description == null ? null : description.toString(),
                    props);
        } else if (state instanceof Released) {
            releaseLock(m, consumer);
        } else {
            abandon(m, Map.of());
        }
        if (delivery.remotelySettled()) {
            delivery.settle();
        } else {
            delivery.disposition(state, true);
        }
        dispatch();
    }

    /** The client gave the message back without processing it: no delivery count increase. */
    private void releaseLock(StoredMessage m, Consumer consumer) {
        consumer.paused = true;
        unlock(m);
        makeAvailable(m, broker.now());
    }

    // ---------------------------------------------------------------- settlement (link and management)

    StoredMessage findLocked(UUID token) {
        return locked.get(token);
    }

    void complete(StoredMessage m) {
        operations.add(OperationCounts.COMPLETED);
        removeStored(m);
    }

    void abandon(StoredMessage m, Map<String, Object> propertiesToModify) {
        operations.add(OperationCounts.ABANDONED);
        unlock(m);
        modifyProperties(m, propertiesToModify);
        m.deliveryCount++;
        if (!isDeadLetterQueue() && m.deliveryCount >= options.maxDeliveryCount()) {
            deadLetter(
                    m,
                    REASON_MAX_DELIVERY,
                    "Message could not be consumed after " + options.maxDeliveryCount() + " delivery attempts.",
                    Map.of());
            return;
        }
        if (!m.deferred) {
            makeAvailable(m, broker.now());
        }
        broker.journal().upsert(path, m, null);
        dispatch();
    }

    void defer(StoredMessage m, Map<String, Object> propertiesToModify) {
        unlock(m);
        modifyProperties(m, propertiesToModify);
        available.remove(m.sequenceNumber);
        if (!m.deferred) {
            m.deferred = true;
            deferredCount++;
        }
        broker.journal().upsert(path, m, null);
    }

    /** Moves the message to the dead-letter queue with the reason/description as application properties. */
    void deadLetter(StoredMessage m, String reason, String description, Map<String, Object> propertiesToModify) {
        unlock(m);
        Map<String, Object> changes = new HashMap<>(propertiesToModify);
        if (reason != null) {
            changes.put(DEAD_LETTER_REASON, reason);
        }
        if (description != null) {
            changes.put(DEAD_LETTER_DESCRIPTION, description);
        }
        if (isDeadLetterQueue()) {
            // Dead-lettering inside the dead-letter queue keeps the message there.
            modifyProperties(m, changes);
            if (!m.deferred) {
                makeAvailable(m, broker.now());
            }
            broker.journal().upsert(path, m, null);
            dispatch();
            return;
        }
        removeStored(m);
        modifyProperties(m, changes);
        m.deadLetterSource = path;
        m.deferred = false;
        m.expiresAtMillis = Long.MAX_VALUE;
        m.scheduledAtMillis = 0;
        deadLetterQueue.insert(m, broker.now());
        broker.journal().upsert(deadLetterQueue.path, m, null);
        deadLetterQueue.dispatch();
    }

    private void makeAvailable(StoredMessage m, long now) {
        if (m.expiresAtMillis <= now) {
            available.put(m.sequenceNumber, m);
            expire(m);
            return;
        }
        available.put(m.sequenceNumber, m);
    }

    private void lockLost(StoredMessage m, long now) {
        if (m.deferred) {
            // A deferred message locked via receive-by-sequence-number goes back to the deferred set.
            unlock(m);
            m.deliveryCount++;
            broker.journal().upsert(path, m, null);
            return;
        }
        abandon(m, Map.of());
    }

    private void removeStored(StoredMessage m) {
        unlock(m);
        if (bySequence.remove(m.sequenceNumber) == null) {
            return;
        }
        available.remove(m.sequenceNumber);
        sizeBytes -= m.sizeBytes;
        if (m.isScheduled()) {
            scheduledCount--;
        }
        if (m.deferred) {
            deferredCount--;
        }
        broker.journal().remove(path, m.sequenceNumber);
    }

    private static void modifyProperties(StoredMessage m, Map<String, Object> changes) {
        if (changes == null || changes.isEmpty()) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        ApplicationProperties current = m.full().getApplicationProperties();
        if (current != null && current.getValue() != null) {
            props.putAll(current.getValue());
        }
        props.putAll(changes);
        m.message.setApplicationProperties(new ApplicationProperties(props));
        m.bareChanged();
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> result = new HashMap<>();
        map.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }

    // ---------------------------------------------------------------- timers

    /** Locks past their time: the message returns with delivery count + 1 (or is dead-lettered). */
    void expireLocks(long now) {
        List<StoredMessage> expired = null;
        Iterator<StoredMessage> it = locked.values().iterator();
        while (it.hasNext()) {
            StoredMessage m = it.next();
            if (m.lockedUntilMillis > now) {
                break;
            }
            if (expired == null) {
                expired = new ArrayList<>();
            }
            expired.add(m);
        }
        if (expired != null) {
            for (StoredMessage m : expired) {
                // Keep the client's link delivery open: a late settlement then gets "lock lost".
                m.linkDelivery = null;
                lockLost(m, now);
            }
            dispatch();
        }
    }

    void activateScheduled(long sequenceNumber, long now) {
        StoredMessage m = bySequence.get(sequenceNumber);
        if (m == null || !m.isScheduled() || m.scheduledAtMillis > now) {
            return;
        }
        scheduledCount--;
        activate(m, now);
        broker.journal().upsert(path, m, null);
        dispatch();
    }

    void expireIfDue(long sequenceNumber, long now) {
        StoredMessage m = bySequence.get(sequenceNumber);
        if (m == null || m.isLocked() || m.isScheduled() || m.expiresAtMillis > now) {
            return; // locked messages are checked again when they are unlocked
        }
        expire(m);
    }

    private void expire(StoredMessage m) {
        if (options.deadLetterOnExpiration() && !isDeadLetterQueue()) {
            deadLetter(m, REASON_TTL, "The message expired and was dead lettered.", Map.of());
        } else {
            removeStored(m);
        }
    }

    void pruneDuplicateHistory(long now) {
        duplicates.prune(now);
    }

    // ---------------------------------------------------------------- management

    /** Messages from {@code fromSequence} on (all states), up to {@code max}. */
    List<StoredMessage> peek(long fromSequence, int max) {
        List<StoredMessage> result = new ArrayList<>();
        for (StoredMessage m : bySequence.tailMap(fromSequence, true).values()) {
            if (result.size() >= max) {
                break;
            }
            result.add(m);
        }
        return result;
    }

    StoredMessage bySequenceNumber(long sequenceNumber) {
        return bySequence.get(sequenceNumber);
    }

    /** Renews a lock; returns the new locked-until time or null when the lock is lost. */
    Date renewLock(UUID token, long now) {
        StoredMessage m = locked.remove(token);
        if (m == null) {
            return null;
        }
        m.lockedUntilMillis = now + options.lockDuration().toMillis();
        locked.put(token, m);
        return new Date(m.lockedUntilMillis);
    }

    /** Locks a deferred message for a receive-by-sequence-number in PEEK_LOCK mode. */
    UUID lockDeferred(StoredMessage m, long now) {
        return lock(m, now);
    }

    /** Removes a deferred message for a receive-by-sequence-number in RECEIVE_AND_DELETE mode. */
    void removeDeferred(StoredMessage m) {
        removeStored(m);
    }

    /** Settles a lock obtained through management (deferred) or the link, by lock token. */
    void settleByLockToken(
            StoredMessage m, String status, String reason, String description, Map<String, Object> props) {
        switch (status) {
            case "completed" -> complete(m);
            case "abandoned" -> abandon(m, props);
            case "defered", "deferred" -> defer(m, props);
            case "suspended" -> deadLetter(m, reason, description, props);
            default -> throw new IllegalArgumentException("unknown disposition-status '" + status + "'");
        }
        dispatch();
    }

    @Override
    public boolean cancelScheduled(long sequenceNumber) {
        StoredMessage m = bySequence.get(sequenceNumber);
        if (m == null || !m.isScheduled()) {
            return false;
        }
        removeStored(m);
        return true;
    }

    // ---------------------------------------------------------------- wire form

    /** The message as the SDK expects it: header with delivery-count, Service Bus system annotations. */
    Message toWire(StoredMessage m, boolean withLock) {
        Message out = wirePrefix(m, withLock);
        Message source = m.full();
        out.setProperties(source.getProperties());
        out.setApplicationProperties(source.getApplicationProperties());
        out.setBody(source.getBody());
        return out;
    }

    /** {@link #toWire} encoded, reusing the sender's encoded bare message. */
    byte[] wireBytes(StoredMessage m, boolean withLock) {
        return AmqpCodec.encodeWithBare(wirePrefix(m, withLock), m.bare());
    }

    /** The header and message annotations of the wire form. */
    private Message wirePrefix(StoredMessage m, boolean withLock) {
        Message source = m.message;
        Message out = Proton.message();
        Header header = new Header();
        Header original = source.getHeader();
        if (original != null) {
            header.setDurable(original.getDurable());
            header.setPriority(original.getPriority());
        }
        if (m.ttlMillis > 0 && m.ttlMillis <= 0xFFFFFFFFL) {
            header.setTtl(UnsignedInteger.valueOf(m.ttlMillis));
        }
        header.setDeliveryCount(UnsignedInteger.valueOf(m.deliveryCount));
        out.setHeader(header);
        Map<Symbol, Object> annotations = new HashMap<>();
        if (source.getMessageAnnotations() != null
                && source.getMessageAnnotations().getValue() != null) {
            annotations.putAll(source.getMessageAnnotations().getValue());
        }
        annotations.put(AmqpCodec.SEQUENCE_NUMBER, m.sequenceNumber);
        annotations.put(AmqpCodec.ENQUEUE_SEQUENCE_NUMBER, m.sequenceNumber);
        annotations.put(AmqpCodec.ENQUEUED_TIME, new Date(m.enqueuedAtMillis));
        if (withLock && m.lockToken != null) {
            annotations.put(AmqpCodec.LOCKED_UNTIL, new Date(m.lockedUntilMillis));
            annotations.put(AmqpCodec.LOCK_TOKEN, m.lockToken);
        }
        if (m.deadLetterSource != null) {
            annotations.put(AmqpCodec.DEADLETTER_SOURCE, m.deadLetterSource);
        }
        annotations.put(AmqpCodec.MESSAGE_STATE, m.isScheduled() ? 2 : m.deferred ? 1 : 0);
        out.setMessageAnnotations(new MessageAnnotations(annotations));
        return out;
    }

    Counts counts() {
        long total = bySequence.size();
        return new Counts(
                total - scheduledCount - deferredCount, locked.size(), scheduledCount, deferredCount, total, sizeBytes);
    }

    NavigableMap<Long, StoredMessage> allMessages() {
        return bySequence;
    }

    private static Object annotation(Message message, Symbol key) {
        MessageAnnotations annotations = message.getMessageAnnotations();
        return annotations == null || annotations.getValue() == null
                ? null
                : annotations.getValue().get(key);
    }
}
