package io.cifpipe.emulator.servicebus;

import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.impl.RawMessageReceiver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: CBS authorisation state, reply links, and the links to entities and management nodes.
 */
final class ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    static final String CBS_ADDRESS = "$cbs";
    static final String MANAGEMENT_SUFFIX = "/$management";
    static final Symbol SESSION_FILTER = Symbol.valueOf("com.microsoft:session-filter");
    /**
     * Credit granted to client senders, topped up when half is used (Artemis grants 1000 and tops up below 300). A
     * client with more messages ready than credit keeps them in proton-j's transport work list and rescans that list
     * on every flush, which cost a plain AMQP client a third of its CPU with 500 messages in flight and credit 500.
     */
    private static final int SENDER_CREDIT = 1000;

    /** A put-token result: the audience path it was granted for. */
    private record Claim(String audiencePath, Set<AccessRight> rights, Instant expiresAt) {}

    /** An open entity link and the right it needs; closed when no unexpired claim grants it any more. */
    private record GuardedLink(ProtonLink<?> link, String entityPath, AccessRight right) {}

    static final long CLAIM_CHECK_MILLIS = 1000;

    private final Broker broker;
    private final ProtonConnection connection;
    private final List<Claim> claims = new ArrayList<>();
    private final Map<String, ProtonSender> replyLinks = new HashMap<>();
    private final List<Consumer> consumers = new ArrayList<>();
    private final List<GuardedLink> guardedLinks = new ArrayList<>();
    private long claimTimer = -1;
    private boolean closed;

    ClientConnection(Broker broker, ProtonConnection connection) {
        this.broker = broker;
        this.connection = connection;
    }

    void start() {
        connection.openHandler(result -> {
            if (result.succeeded()) {
                connection.setContainer("servicebus-emulator");
                connection.open();
            }
        });
        connection.closeHandler(result -> {
            connection.close();
            cleanUp();
            connection.disconnect();
        });
        connection.disconnectHandler(c -> {
            cleanUp();
            c.disconnect();
        });
        connection.sessionOpenHandler(session -> {
            session.closeHandler(r -> session.close());
            session.open();
        });
        connection.senderOpenHandler(this::onClientReceiverAttach);
        connection.receiverOpenHandler(this::onClientSenderAttach);
        claimTimer = broker.vertx().setPeriodic(CLAIM_CHECK_MILLIS, id -> closeLinksWithExpiredClaims());
    }

    /** Like Service Bus: when the token behind an open link expires (and was not renewed), the link is detached. */
    private void closeLinksWithExpiredClaims() {
        guardedLinks.removeIf(g -> !g.link().isOpen());
        for (GuardedLink g : new ArrayList<>(guardedLinks)) {
            if (!authorised(g.entityPath(), g.right())) {
                guardedLinks.remove(g);
                g.link()
                        .setCondition(new ErrorCondition(
                                AmqpError.UNAUTHORIZED_ACCESS,
                                "The token for '" + g.entityPath()
                                        + "' has expired; put a new token before attaching again."));
                g.link().close();
            }
        }
    }

    private void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        if (claimTimer >= 0) {
            broker.vertx().cancelTimer(claimTimer);
        }
        guardedLinks.clear();
        for (Consumer consumer : new ArrayList<>(consumers)) {
            consumer.entity.removeConsumer(consumer);
        }
        consumers.clear();
        replyLinks.clear();
    }

    // ---------------------------------------------------------------- links where the client receives

    private void onClientReceiverAttach(ProtonSender link) {
        String source =
                link.getRemoteSource() == null ? null : link.getRemoteSource().getAddress();
        String target =
                link.getRemoteTarget() == null ? null : link.getRemoteTarget().getAddress();
        if (source == null) {
            refuse(link, AmqpError.INVALID_FIELD, "A receive link needs a source address.");
            return;
        }
        if (source.equals(CBS_ADDRESS) || source.endsWith(MANAGEMENT_SUFFIX)) {
            if (source.endsWith(MANAGEMENT_SUFFIX)) {
                String entityPath = source.substring(0, source.length() - MANAGEMENT_SUFFIX.length());
                if (broker.resolve(entityPath) == null && broker.resolveTopic(entityPath) == null) {
                    refuse(link, AmqpError.NOT_FOUND, notFound(entityPath));
                    return;
                }
            }
            link.setSource(link.getRemoteSource());
            link.setTarget(link.getRemoteTarget());
            link.setQoS(ProtonQoS.AT_MOST_ONCE);
            String replyTo = target == null ? link.getName() : target;
            link.closeHandler(r -> {
                replyLinks.remove(replyTo, link);
                link.close();
            });
            link.detachHandler(r -> {
                replyLinks.remove(replyTo, link);
                link.detach();
            });
            replyLinks.put(replyTo, link);
            link.open();
            return;
        }
        QueueEntity entity = broker.resolve(source);
        if (entity == null) {
            TopicEntity topic = broker.resolveTopic(source);
            if (topic != null) {
                refuse(
                        link,
                        AmqpError.NOT_ALLOWED,
                        "Messages cannot be received from a topic ('" + topic.path + "'); receive from '" + topic.path
                                + "/subscriptions/<name>'.");
                return;
            }
            refuse(link, AmqpError.NOT_FOUND, notFound(source));
            return;
        }
        if (!authorised(entity.path, AccessRight.LISTEN)) {
            refuse(link, AmqpError.UNAUTHORIZED_ACCESS, unauthorised(entity.path, AccessRight.LISTEN));
            return;
        }
        if (link.getRemoteSource() instanceof Source s
                && s.getFilter() != null
                && s.getFilter().containsKey(SESSION_FILTER)) {
            refuse(link, AmqpError.NOT_IMPLEMENTED, "Session-enabled entities are not supported by this emulator.");
            return;
        }
        boolean receiveAndDelete = link.getRemoteQoS() == ProtonQoS.AT_MOST_ONCE;
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.setQoS(receiveAndDelete ? ProtonQoS.AT_MOST_ONCE : ProtonQoS.AT_LEAST_ONCE);
        link.setAutoSettle(false);
        Consumer consumer = new Consumer(link, entity, receiveAndDelete);
        link.sendQueueDrainHandler(s -> {
            consumer.paused = false;
            entity.dispatch();
        });
        Runnable detach = () -> {
            if (consumers.remove(consumer)) {
                entity.removeConsumer(consumer);
            }
        };
        link.closeHandler(r -> {
            logClientError(link, entity, r);
            detach.run();
            link.close();
        });
        link.detachHandler(r -> {
            logClientError(link, entity, r);
            detach.run();
            link.detach();
        });
        link.open();
        consumers.add(consumer);
        guardedLinks.add(new GuardedLink(link, entity.path, AccessRight.LISTEN));
        entity.addConsumer(consumer);
    }

    /**
     * A client that closes its receive link with an error says why, e.g. the Java SDK's "delivery-buffer-overflow" when
     * its own delivery buffer is smaller than the credit it granted; its pending settlements then fail on its side.
     */
    private static void logClientError(ProtonSender link, QueueEntity entity, io.vertx.core.AsyncResult<?> result) {
        ErrorCondition condition = link.getRemoteCondition();
        if (result.failed() && condition != null) {
            LOG.warn(
                    "client closed receive link '{}' on '{}' with error {}: {}",
                    link.getName(),
                    entity.path,
                    condition.getCondition(),
                    condition.getDescription());
        }
    }

    // ---------------------------------------------------------------- links where the client sends

    private void onClientSenderAttach(ProtonReceiver created) {
        RawMessageReceiver link = new RawMessageReceiver(created, broker.flusher());
        String target =
                link.getRemoteTarget() == null ? null : link.getRemoteTarget().getAddress();
        if (target == null) {
            refuse(link, AmqpError.INVALID_FIELD, "A send link needs a target address.");
            return;
        }
        link.setTarget(link.getRemoteTarget());
        link.setSource(link.getRemoteSource());
        if (target.equals(CBS_ADDRESS)) {
            link.maxPayloadBytes(64 * 1024).rawHandler(this::onCbsRequest);
            openSendLink(link, 64 * 1024);
            return;
        }
        if (target.endsWith(MANAGEMENT_SUFFIX)) {
            String entityPath = target.substring(0, target.length() - MANAGEMENT_SUFFIX.length());
            QueueEntity entity = broker.resolve(entityPath);
            TopicEntity topic = entity == null ? broker.resolveTopic(entityPath) : null;
            MessageSink sink = entity != null ? entity : topic;
            if (sink == null) {
                refuse(link, AmqpError.NOT_FOUND, notFound(entityPath));
                return;
            }
            String path = sink.entityPath();
            if (!authorised(path, AccessRight.LISTEN) && !authorised(path, AccessRight.SEND)) {
                refuse(link, AmqpError.UNAUTHORIZED_ACCESS, unauthorised(path, AccessRight.LISTEN));
                return;
            }
            ManagementNode node =
                    entity != null ? new ManagementNode(broker, entity, this) : new ManagementNode(broker, topic, this);
            long max = Math.max(1024 * 1024, sink.maxMessageSizeBytes() * 4);
            link.maxPayloadBytes(max)
                    .rawHandler((delivery, format, payload) -> node.onRequest(link, delivery, payload));
            openSendLink(link, max);
            return;
        }
        QueueEntity queue = broker.resolve(target);
        MessageSink entity = queue != null ? queue : broker.resolveTopic(target);
        if (entity == null) {
            refuse(link, AmqpError.NOT_FOUND, notFound(target));
            return;
        }
        if (queue != null && queue.isDeadLetterQueue()) {
            refuse(
                    link,
                    AmqpError.NOT_ALLOWED,
                    "Messages cannot be sent to a dead-letter queue ('" + queue.path + "').");
            return;
        }
        if (queue != null && queue.subscription != null) {
            refuse(
                    link,
                    AmqpError.NOT_ALLOWED,
                    "Messages cannot be sent to a subscription ('" + queue.path + "'); send to its topic '"
                            + queue.subscription.topic.path + "'.");
            return;
        }
        if (!authorised(entity.entityPath(), AccessRight.SEND)) {
            refuse(link, AmqpError.UNAUTHORIZED_ACCESS, unauthorised(entity.entityPath(), AccessRight.SEND));
            return;
        }
        long max = entity.maxMessageSizeBytes();
        link.maxPayloadBytes(max)
                .rawHandler((delivery, format, payload) -> onMessageTransfer(entity, link, delivery, format, payload));
        openSendLink(link, max);
        guardedLinks.add(new GuardedLink(link, entity.entityPath(), AccessRight.SEND));
    }

    private void openSendLink(RawMessageReceiver link, long maxMessageSize) {
        link.setMaxMessageSize(UnsignedLong.valueOf(maxMessageSize));
        link.setQoS(link.getRemoteQoS());
        link.oversizeHandler(l -> {
            l.setCondition(new ErrorCondition(
                    LinkError.MESSAGE_SIZE_EXCEEDED,
                    "The message exceeds the maximum message size of " + maxMessageSize + " bytes."));
            l.close();
        });
        link.closeHandler(r -> link.close());
        link.detachHandler(r -> link.detach());
        link.open();
        link.flow(SENDER_CREDIT);
    }

    private void replenish(RawMessageReceiver link) {
        int left = link.creditLeft();
        if (link.isOpen() && left < SENDER_CREDIT / 2) {
            link.flow(SENDER_CREDIT - left);
        }
    }

    private void onMessageTransfer(
            MessageSink entity, RawMessageReceiver link, ProtonDelivery delivery, int format, byte[] payload) {
        if (link.creditLeft() < 0) {
            // The client sent more transfers than it was given credit for.
            reject(delivery, new ErrorCondition(LinkError.TRANSFER_LIMIT_EXCEEDED, "Link credit exceeded."));
            link.setCondition(
                    new ErrorCondition(LinkError.TRANSFER_LIMIT_EXCEEDED, "Transfers sent without link credit."));
            link.close();
            return;
        }
        replenish(link);
        List<AmqpCodec.Encoded> messages;
        try {
            messages = AmqpCodec.decodeTransfer(format, payload);
        } catch (IllegalArgumentException e) {
            reject(delivery, new ErrorCondition(AmqpError.DECODE_ERROR, "The message could not be decoded."));
            return;
        }
        for (AmqpCodec.Encoded m : messages) {
            if (m.size() > entity.maxMessageSizeBytes()) {
                reject(
                        delivery,
                        new ErrorCondition(
                                LinkError.MESSAGE_SIZE_EXCEEDED,
                                "A message in the batch exceeds the maximum message size of "
                                        + entity.maxMessageSizeBytes() + " bytes."));
                return;
            }
        }
        long total = 0;
        for (AmqpCodec.Encoded m : messages) {
            total += m.size();
        }
        if (!entity.hasRoomFor(total)) {
            reject(
                    delivery,
                    new ErrorCondition(
                            AmqpError.RESOURCE_LIMIT_EXCEEDED,
                            "The maximum entity size has been reached for '" + entity.entityPath() + "'."));
            return;
        }
        // Acknowledge once every message of the transfer is stored (journal mode: durable).
        AtomicInteger pending = new AtomicInteger(messages.size());
        Runnable onStored = () -> {
            if (pending.decrementAndGet() == 0 && !delivery.isSettled()) {
                delivery.disposition(Accepted.getInstance(), true);
            }
        };
        long now = broker.now();
        for (AmqpCodec.Encoded m : messages) {
            try {
                entity.send(m.message(), m.bare(), m.size(), now, onStored);
            } catch (QueueEntity.QuotaExceededException e) {
                reject(delivery, new ErrorCondition(AmqpError.RESOURCE_LIMIT_EXCEEDED, e.getMessage()));
                return;
            }
        }
    }

    private static void reject(ProtonDelivery delivery, ErrorCondition error) {
        if (delivery.isSettled()) {
            return;
        }
        Rejected rejected = new Rejected();
        rejected.setError(error);
        delivery.disposition(rejected, true);
    }

    // ---------------------------------------------------------------- CBS

    private void onCbsRequest(ProtonDelivery delivery, int format, byte[] payload) {
        if (!delivery.isSettled()) {
            delivery.disposition(Accepted.getInstance(), true);
        }
        Message request;
        try {
            request = AmqpCodec.decode(payload, 0, payload.length);
        } catch (RuntimeException e) {
            return; // nothing to correlate a reply with
        }
        Map<String, Object> props = applicationProperties(request);
        Object operation = props.get("operation");
        Object audience = props.get("name");
        Object body = request.getBody() instanceof AmqpValue value ? value.getValue() : null;
        if (!"put-token".equals(operation)) {
            reply(request, 400, "Unsupported CBS operation '" + operation + "'.", Map.of());
            return;
        }
        if (!(audience instanceof String name) || !(body instanceof String token)) {
            reply(request, 400, "put-token needs a 'name' and a string token body.", Map.of());
            return;
        }
        try {
            SasTokenValidator.Grant grant = broker.validator().validate(token, name);
            Claim claim = new Claim(SasTokenValidator.normalisedPath(name), grant.rights(), grant.expiresAt());
            // Refreshed tokens replace older claims for the same audience, so the list stays small.
            claims.removeIf(c -> c.expiresAt().isBefore(broker.clock().instant())
                    || c.audiencePath().equals(claim.audiencePath())
                            && c.rights().equals(claim.rights())
                            && !c.expiresAt().isAfter(claim.expiresAt()));
            claims.add(claim);
            reply(request, 202, "Accepted", Map.of());
        } catch (SasTokenValidator.RejectedTokenException e) {
            LOG.debug("put-token refused for {}: {}", name, e.getMessage());
            reply(request, 401, e.getMessage(), Map.of("error-condition", AmqpError.UNAUTHORIZED_ACCESS.toString()));
        }
    }

    boolean authorised(String entityPath, AccessRight right) {
        if (broker.anonymousAccess()) {
            return true;
        }
        String path = SasTokenValidator.normalisedPath(entityPath);
        Instant now = broker.clock().instant();
        for (Claim claim : claims) {
            if (claim.expiresAt().isAfter(now)
                    && claim.rights().contains(right)
                    && SasTokenValidator.pathCovers(claim.audiencePath(), path)) {
                return true;
            }
        }
        return false;
    }

    /** Sends a request/response reply on the client's reply-to link (CBS uses status-code, management statusCode). */
    void reply(Message request, int status, String description, Map<String, Object> extraProperties) {
        String replyTo = request.getReplyTo();
        ProtonSender link = replyTo == null ? null : replyLinks.get(replyTo);
        if (link == null || !link.isOpen()) {
            LOG.debug("no reply link '{}' for a request; reply dropped", replyTo);
            return;
        }
        Message response = Proton.message();
        response.setCorrelationId(request.getMessageId());
        Map<String, Object> props = new HashMap<>();
        props.put("status-code", status);
        props.put("status-description", description);
        props.putAll(extraProperties);
        response.setApplicationProperties(new ApplicationProperties(props));
        link.send(response);
    }

    /** Sends a management reply (camel-case status keys, body always present). */
    void managementReply(
            Message request, int status, String description, String errorCondition, Map<String, Object> body) {
        String replyTo = request.getReplyTo();
        ProtonSender link = replyTo == null ? null : replyLinks.get(replyTo);
        if (link == null || !link.isOpen()) {
            LOG.debug("no reply link '{}' for a management request; reply dropped", replyTo);
            return;
        }
        Message response = Proton.message();
        response.setCorrelationId(request.getMessageId());
        Map<String, Object> props = new HashMap<>();
        props.put("statusCode", status);
        props.put("statusDescription", description);
        if (errorCondition != null) {
            props.put("errorCondition", Symbol.valueOf(errorCondition));
        }
        response.setApplicationProperties(new ApplicationProperties(props));
        response.setBody(new AmqpValue(body == null ? Map.of() : body));
        link.send(response);
    }

    static Map<String, Object> applicationProperties(Message message) {
        ApplicationProperties props = message.getApplicationProperties();
        if (props == null || props.getValue() == null) {
            return Map.of();
        }
        Map<String, Object> result = new HashMap<>();
        props.getValue().forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }

    // ---------------------------------------------------------------- helpers

    private String notFound(String path) {
        String host = connection.getRemoteHostname() == null ? "localhost" : connection.getRemoteHostname();
        return "The messaging entity 'sb://" + host + "/" + SasTokenValidator.normalisedPath(path)
                + "' could not be found.";
    }

    private static String unauthorised(String path, AccessRight right) {
        return "Unauthorized access. '" + (right == AccessRight.SEND ? "Send" : "Listen")
                + "' claim(s) are required to perform this operation on '" + path
                + "'. Put a valid token first ($cbs).";
    }

    /** Refuses a link the standard way: attach with no terminus, then detach with the error. */
    private static void refuse(ProtonLink<?> link, Symbol condition, String description) {
        link.setSource(null);
        link.setTarget(null);
        link.setCondition(new ErrorCondition(condition, description));
        link.open();
        link.close();
    }
}
