package io.cifpipe.dispatch;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.Names;
import io.cifpipe.model.PoisonCause;
import io.cifpipe.model.Setting;
import io.cifpipe.runtime.Lazy;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.servicebus.QueueSender;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Makes a poison call-events message carry its cause into the dead-letter queue (see {@link PoisonCause} for why
 * this is a re-send and not an explicit dead-letter: Java Functions cannot settle messages). On the first delivery
 * the message gets a copy with {@link PoisonCause#PROP_REASON}/{@link PoisonCause#PROP_DESCRIPTION} and the original
 * is completed; a message that already carries a cause is left to fail, so Service Bus dead-letters it with the
 * cause on it. The copy's MessageId is derived from the original's, so a redelivered original (send done, complete
 * lost) is dropped by duplicate detection instead of producing a second copy.
 */
final class PoisonHandler {
    private static final Lazy<PoisonHandler> SHARED = Lazy.of(() -> {
        RuntimeClients c = RuntimeClients.shared();
        return new PoisonHandler(c.queueSender(c.setting(Setting.CALL_EVENTS_QUEUE)), c.clock());
    });

    private final QueueSender queue;
    private final Clock clock;

    PoisonHandler(QueueSender queue, Clock clock) {
        this.queue = queue;
        this.clock = clock;
    }

    static PoisonHandler shared() {
        return SHARED.get();
    }

    /**
     * @return true when a copy carrying the cause was sent (complete the original); false when the message already
     *     carries a cause (throw, so the broker dead-letters it after MaxDeliveryCount)
     * @throws RuntimeException when the copy could not be sent (the original is abandoned and tried again)
     */
    boolean resendWithCause(
            byte[] body, String messageId, Map<String, Object> applicationProperties, PoisonMessageException cause) {
        Map<String, Object> props = applicationProperties == null ? Map.of() : applicationProperties;
        if (props.containsKey(PoisonCause.PROP_REASON)) {
            return false;
        }
        ServiceBusMessage copy = new ServiceBusMessage(body == null ? new byte[0] : body);
        props.forEach((k, v) -> {
            if (v != null) copy.getApplicationProperties().put(k, v);
        });
        copy.setMessageId(copyId(messageId));
        copy.getApplicationProperties().putIfAbsent(Names.PROP_ORIGINAL_MESSAGE_ID, messageId == null ? "" : messageId);
        copy.getApplicationProperties().put(PoisonCause.PROP_REASON, PoisonCause.INVALID_CALL_EVENT);
        copy.getApplicationProperties().put(PoisonCause.PROP_DESCRIPTION, PoisonCause.clip(cause.getMessage()));
        copy.getApplicationProperties().put(PoisonCause.PROP_AT, clock.instant().toString());
        queue.send(List.of(copy));
        return true;
    }

    static String copyId(String messageId) {
        String base = messageId == null ? "" : messageId;
        return "poison-" + UUID.nameUUIDFromBytes(base.getBytes(StandardCharsets.UTF_8));
    }
}
