package io.cifpipe.emulator.servicebus;

import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.impl.RawMessageReceiver;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

/**
 * The {@code <entity>/$management} request/response node: peek, renew-lock, schedule, cancel-scheduled,
 * receive-by-sequence-number and update-disposition. Replies use an AMQP int statusCode, the request's message-id as
 * correlation-id, and always carry a map body (the SDK casts it unchecked).
 */
final class ManagementNode {
    private static final String PREFIX = "com.microsoft:";
    static final String LOCK_LOST = "com.microsoft:message-lock-lost";
    static final String NOT_FOUND = "com.microsoft:message-not-found";
    static final String ARGUMENT_ERROR = "com.microsoft:argument-error";
    static final String NOT_IMPLEMENTED = "amqp:not-implemented";
    static final String UNAUTHORIZED = "amqp:unauthorized-access";

    /** A request that cannot be served; becomes a reply with status and condition. */
    private static final class Failure extends RuntimeException {
        final int status;
        final String condition;

        Failure(int status, String condition, String message) {
            super(message, null, false, false);
            this.status = status;
            this.condition = condition;
        }
    }

    static final String NOT_ALLOWED = "amqp:not-allowed";
    static final String ENTITY_NOT_FOUND = "amqp:not-found";
    static final String ALREADY_EXISTS = "com.microsoft:entity-already-exists";

    private final Broker broker;
    /** The queue, subscription or dead-letter queue; null on a topic's node. */
    private final QueueEntity entity;
    /** Where schedule-message delivers: the queue or the topic. */
    private final MessageSink sink;

    private final String path;
    private final ClientConnection connection;

    ManagementNode(Broker broker, QueueEntity entity, ClientConnection connection) {
        this.broker = broker;
        this.entity = entity;
        this.sink = entity;
        this.path = entity.path;
        this.connection = connection;
    }

    /** A topic's node: only what a sender does there (schedule-message, cancel-scheduled-message). */
    ManagementNode(Broker broker, TopicEntity topic, ClientConnection connection) {
        this.broker = broker;
        this.entity = null;
        this.sink = topic;
        this.path = topic.path;
        this.connection = connection;
    }

    void onRequest(RawMessageReceiver link, ProtonDelivery delivery, byte[] payload) {
        if (!delivery.isSettled()) {
            delivery.disposition(Accepted.getInstance(), true);
        }
        if (link.creditLeft() < 50) {
            link.flow(100);
        }
        Message request;
        try {
            request = AmqpCodec.decode(payload, 0, payload.length);
        } catch (RuntimeException e) {
            return; // undecodable: no message-id / reply-to to answer to
        }
        Object operation = ClientConnection.applicationProperties(request).get("operation");
        Map<String, Object> body = new HashMap<>();
        if (request.getBody() instanceof AmqpValue value && value.getValue() instanceof Map<?, ?> map) {
            map.forEach((k, v) -> body.put(String.valueOf(k), v));
        }
        try {
            String op = operation == null ? "" : operation.toString();
            switch (op) {
                case PREFIX + "peek-message" -> peek(request, body);
                case PREFIX + "renew-lock" -> renewLock(request, body);
                case PREFIX + "schedule-message" -> schedule(request, body);
                case PREFIX + "cancel-scheduled-message" -> cancelScheduled(request, body);
                case PREFIX + "receive-by-sequence-number" -> receiveBySequenceNumber(request, body);
                case PREFIX + "update-disposition" -> updateDisposition(request, body);
                case PREFIX + "add-rule" -> addRule(request, body);
                case PREFIX + "remove-rule" -> removeRule(request, body);
                case PREFIX + "enumerate-rules" -> enumerateRules(request, body);
                default ->
                    throw new Failure(
                            501, NOT_IMPLEMENTED, "The operation '" + op + "' is not supported by the emulator.");
            }
        } catch (Failure f) {
            connection.managementReply(request, f.status, f.getMessage(), f.condition, Map.of());
        } catch (RuntimeException e) {
            connection.managementReply(request, 400, "Bad request: " + e.getMessage(), ARGUMENT_ERROR, Map.of());
        }
    }

    private void require(AccessRight right) {
        if (!connection.authorised(path, right)) {
            throw new Failure(
                    401, UNAUTHORIZED, "Unauthorized access: '" + right + "' claim required on '" + path + "'.");
        }
    }

    /** Receive-side operations need a queue or subscription (Service Bus has no receiving from a topic). */
    private QueueEntity receivable() {
        if (entity == null) {
            throw new Failure(
                    400,
                    NOT_ALLOWED,
                    "This operation is not supported on a topic ('" + path + "'); use a subscription ('" + path
                            + "/subscriptions/<name>').");
        }
        return entity;
    }

    /** Rule operations need a subscription (not its dead-letter queue, not a queue or topic). */
    private Subscription subscription() {
        if (entity == null || entity.subscription == null || entity.isDeadLetterQueue()) {
            throw new Failure(400, NOT_ALLOWED, "Rules exist only on subscriptions; '" + path + "' is not one.");
        }
        return entity.subscription;
    }

    private void ok(Message request, Map<String, Object> body) {
        connection.managementReply(request, 200, "OK", null, body);
    }

    private void peek(Message request, Map<String, Object> body) {
        require(AccessRight.LISTEN);
        QueueEntity entity = receivable();
        long from = longValue(body.get("from-sequence-number"), 1);
        int count = (int) longValue(body.get("message-count"), 1);
        List<Map<String, Object>> messages = new ArrayList<>();
        for (StoredMessage m : entity.peek(from, Math.max(1, Math.min(count, 1000)))) {
            messages.add(Map.of("message", new Binary(AmqpCodec.encode(entity.toWire(m, true)))));
        }
        if (messages.isEmpty()) {
            connection.managementReply(request, 204, "No messages", null, Map.of());
            return;
        }
        ok(request, Map.of("messages", messages));
    }

    private void renewLock(Message request, Map<String, Object> body) {
        require(AccessRight.LISTEN);
        QueueEntity entity = receivable();
        List<UUID> tokens = uuids(body.get("lock-tokens"));
        long now = broker.now();
        Date[] expirations = new Date[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            Date until = entity.renewLock(tokens.get(i), now);
            if (until == null) {
                throw lockLost();
            }
            expirations[i] = until;
        }
        ok(request, Map.of("expirations", expirations));
    }

    private void schedule(Message request, Map<String, Object> body) {
        require(AccessRight.SEND);
        if (entity != null && entity.isDeadLetterQueue()) {
            throw new Failure(403, NOT_ALLOWED, "Messages cannot be scheduled on a dead-letter queue.");
        }
        if (entity != null && entity.subscription != null) {
            throw new Failure(
                    403,
                    NOT_ALLOWED,
                    "Messages cannot be scheduled on a subscription; schedule them on topic '"
                            + entity.subscription.topic.path + "'.");
        }
        Object list = body.get("messages");
        if (!(list instanceof List<?> items) || items.isEmpty()) {
            throw new Failure(400, ARGUMENT_ERROR, "schedule-message needs a non-empty 'messages' list.");
        }
        List<Message> decoded = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> map) || !(map.get("message") instanceof Binary binary)) {
                throw new Failure(400, ARGUMENT_ERROR, "Each scheduled message needs a 'message' binary.");
            }
            if (binary.getLength() > sink.maxMessageSizeBytes()) {
                throw new Failure(
                        413, "amqp:link:message-size-exceeded", "A scheduled message exceeds the maximum size.");
            }
            Message m = AmqpCodec.decode(binary.getArray(), binary.getArrayOffset(), binary.getLength());
            if (m.getMessageAnnotations() == null) {
                m.setMessageAnnotations(new MessageAnnotations(new HashMap<>()));
            }
            decoded.add(m);
            sizes.add(binary.getLength());
        }
        Long[] sequenceNumbers = new Long[decoded.size()];
        // +1: the reply waits for the loop below too (in-memory mode stores synchronously).
        AtomicInteger pending = new AtomicInteger(decoded.size() + 1);
        Runnable onStored = () -> {
            if (pending.decrementAndGet() == 0) {
                ok(request, Map.of("sequence-numbers", sequenceNumbers));
            }
        };
        if (!sink.hasRoomFor(sizes.stream().mapToLong(Integer::longValue).sum())) {
            throw new Failure(
                    403,
                    "amqp:resource-limit-exceeded",
                    "The maximum entity size has been reached for '" + path + "'.");
        }
        long now = broker.now();
        for (int i = 0; i < decoded.size(); i++) {
            try {
                sequenceNumbers[i] = sink.send(decoded.get(i), null, sizes.get(i), now, onStored);
            } catch (QueueEntity.QuotaExceededException e) {
                throw new Failure(403, "amqp:resource-limit-exceeded", e.getMessage());
            }
        }
        onStored.run();
    }

    private void cancelScheduled(Message request, Map<String, Object> body) {
        require(AccessRight.SEND);
        List<Long> numbers = longs(body.get("sequence-numbers"));
        if (entity != null && (entity.isDeadLetterQueue() || entity.subscription != null)) {
            throw new Failure(
                    403, NOT_ALLOWED, "Scheduled messages live on the queue or topic, not on '" + path + "'.");
        }
        for (long n : numbers) {
            if (!sink.cancelScheduled(n)) {
                throw new Failure(404, NOT_FOUND, "No scheduled message with sequence number " + n + " was found.");
            }
        }
        ok(request, Map.of());
    }

    private void receiveBySequenceNumber(Message request, Map<String, Object> body) {
        require(AccessRight.LISTEN);
        QueueEntity entity = receivable();
        List<Long> numbers = longs(body.get("sequence-numbers"));
        boolean peekLock = longValue(body.get("receiver-settle-mode"), 1) != 0;
        List<StoredMessage> found = new ArrayList<>();
        for (long n : numbers) {
            StoredMessage m = entity.bySequenceNumber(n);
            if (m == null || !m.deferred || m.isLocked()) {
                throw new Failure(
                        404,
                        NOT_FOUND,
                        "The deferred message with sequence number " + n + " was not found or is locked.");
            }
            found.add(m);
        }
        long now = broker.now();
        List<Map<String, Object>> messages = new ArrayList<>();
        for (StoredMessage m : found) {
            if (peekLock) {
                UUID token = entity.lockDeferred(m, now);
                messages.add(
                        Map.of("message", new Binary(AmqpCodec.encode(entity.toWire(m, true))), "lock-token", token));
            } else {
                Binary encoded = new Binary(AmqpCodec.encode(entity.toWire(m, false)));
                entity.removeDeferred(m);
                messages.add(Map.of("message", encoded));
            }
        }
        ok(request, Map.of("messages", messages));
    }

    private void updateDisposition(Message request, Map<String, Object> body) {
        require(AccessRight.LISTEN);
        QueueEntity entity = receivable();
        List<UUID> tokens = uuids(body.get("lock-tokens"));
        Object status = body.get("disposition-status");
        if (status == null) {
            throw new Failure(400, ARGUMENT_ERROR, "update-disposition needs 'disposition-status'.");
        }
        List<StoredMessage> messages = new ArrayList<>();
        for (UUID token : tokens) {
            StoredMessage m = entity.findLocked(token);
            if (m == null) {
                throw lockLost();
            }
            messages.add(m);
        }
        Map<String, Object> props = new HashMap<>();
        if (body.get("properties-to-modify") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> props.put(String.valueOf(k), v));
        }
        String reason = body.get("deadletter-reason") == null
                ? null
                : body.get("deadletter-reason").toString();
        String description = body.get("deadletter-description") == null
                ? null
                : body.get("deadletter-description").toString();
        String disposition = status.toString();
        if (!List.of("completed", "abandoned", "defered", "deferred", "suspended")
                .contains(disposition)) {
            throw new Failure(400, ARGUMENT_ERROR, "Unknown disposition-status '" + disposition + "'.");
        }
        for (StoredMessage m : messages) {
            entity.settleByLockToken(m, disposition, reason, description, props);
        }
        ok(request, Map.of());
    }

    // ---------------------------------------------------------------- rules (ServiceBusRuleManagerClient)

    private void addRule(Message request, Map<String, Object> body) {
        require(AccessRight.MANAGE);
        Subscription subscription = subscription();
        if (!(body.get("rule-name") instanceof String name) || !(body.get("rule-description") instanceof Map<?, ?> d)) {
            throw new Failure(400, ARGUMENT_ERROR, "add-rule needs 'rule-name' and a 'rule-description' map.");
        }
        SubscriptionRule rule;
        try {
            rule = SubscriptionRule.fromRequest(name, d);
        } catch (UnsupportedOperationException e) {
            throw new Failure(501, NOT_IMPLEMENTED, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Failure(400, ARGUMENT_ERROR, e.getMessage());
        }
        if (!subscription.addRule(rule)) {
            throw new Failure(
                    409, ALREADY_EXISTS, "The messaging entity '" + path + "/rules/" + name + "' already exists.");
        }
        broker.saveRules();
        ok(request, Map.of());
    }

    private void removeRule(Message request, Map<String, Object> body) {
        require(AccessRight.MANAGE);
        Subscription subscription = subscription();
        if (!(body.get("rule-name") instanceof String name)) {
            throw new Failure(400, ARGUMENT_ERROR, "remove-rule needs 'rule-name'.");
        }
        if (!subscription.removeRule(name)) {
            // The wording the SDK recognises as "entity not found" (not retried).
            throw new Failure(
                    404,
                    ENTITY_NOT_FOUND,
                    "The messaging entity '" + path + "/rules/" + name + "' could not be found.");
        }
        broker.saveRules();
        ok(request, Map.of());
    }

    private void enumerateRules(Message request, Map<String, Object> body) {
        require(AccessRight.MANAGE);
        Subscription subscription = subscription();
        long skip = Math.max(0, longValue(body.get("skip"), 0));
        long top = Math.max(0, longValue(body.get("top"), Integer.MAX_VALUE));
        List<Map<String, Object>> rules = new ArrayList<>();
        List<SubscriptionRule> all = subscription.rules();
        for (long i = skip; i < all.size() && rules.size() < top; i++) {
            rules.add(Map.of("rule-description", all.get((int) i).described()));
        }
        if (rules.isEmpty()) {
            connection.managementReply(request, 204, "No rules", null, Map.of());
            return;
        }
        ok(request, Map.of("rules", rules));
    }

    private static Failure lockLost() {
        return new Failure(
                410,
                LOCK_LOST,
                "The lock supplied is invalid. Either the lock expired, or the message has "
                        + "already been removed from the queue.");
    }

    private static long longValue(Object value, long fallback) {
        return value instanceof Number n ? n.longValue() : fallback;
    }

    static List<Long> longs(Object value) {
        List<Long> result = new ArrayList<>();
        if (value instanceof long[] array) {
            for (long v : array) {
                result.add(v);
            }
        } else if (value instanceof Object[] array) {
            for (Object v : array) {
                result.add(((Number) v).longValue());
            }
        } else if (value instanceof List<?> list) {
            for (Object v : list) {
                result.add(((Number) v).longValue());
            }
        } else if (value instanceof Number n) {
            result.add(n.longValue());
        } else {
            throw new Failure(400, ARGUMENT_ERROR, "'sequence-numbers' must be an array of long.");
        }
        return result;
    }

    static List<UUID> uuids(Object value) {
        List<UUID> result = new ArrayList<>();
        if (value instanceof Object[] array) {
            for (Object v : array) {
                result.add((UUID) v);
            }
        } else if (value instanceof List<?> list) {
            for (Object v : list) {
                result.add((UUID) v);
            }
        } else if (value instanceof UUID u) {
            result.add(u);
        } else {
            throw new Failure(400, ARGUMENT_ERROR, "'lock-tokens' must be an array of uuid.");
        }
        return result;
    }
}
