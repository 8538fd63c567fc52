package io.vertx.proton.impl;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonSender;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;

/**
 * Sends, dispositions and settlements that flush each connection once per event-loop turn instead of once per
 * operation.
 *
 * <p>Why this exists: vertx-proton flushes the whole connection (runs proton-j's transport output, copies it into a
 * new Netty buffer and writes it down the pipeline) after every {@code send}, {@code disposition} and {@code settle}.
 * A broker does three of those per message (accept the transfer, deliver it, settle the consumer's disposition), so
 * at tens of thousands of messages/s about 30 % of the broker's event loop went into those flushes (JFR). Deferring
 * them to a task queued on the same event loop produces the same frames in the same order with one flush per
 * connection per turn; the frames are written before the loop goes back to waiting on sockets. vertx-proton has no
 * public hook for this, so, like {@link RawMessageReceiver}, this lives in its package. Event-loop thread only.
 */
public final class FlushCoalescer {
    private final Vertx vertx;
    private final Set<ProtonConnectionImpl> pending = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Handler<Void> flushTask = v -> flushPending();
    private boolean scheduled;

    public FlushCoalescer(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Like {@code ProtonSender.send(tag, message, onUpdated)} for an already encoded message: no encoding, and the
     * connection is flushed at the end of this event-loop turn. {@code encoded} must not be changed afterwards.
     */
    public ProtonDelivery send(ProtonSender link, byte[] tag, byte[] encoded, Handler<ProtonDelivery> onUpdated) {
        ProtonSenderImpl impl = (ProtonSenderImpl) link;
        Sender sender = (Sender) impl.link;
        Delivery delivery = sender.delivery(tag);
        sender.sendNoCopy(ReadableBuffer.ByteBufferReader.wrap(encoded));
        if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
            delivery.settle();
        }
        sender.advance();
        CoalescingDelivery result = new CoalescingDelivery(delivery, this);
        if (onUpdated != null) {
            result.setAutoSettle(impl.isAutoSettle());
            result.handler(onUpdated);
        } else {
            result.setAutoSettle(true);
        }
        request(impl.getSession().getConnectionImpl());
        return result;
    }

    /** Wraps a delivery received on a link so that its disposition/settle use deferred flushing. */
    ProtonDeliveryImpl wrap(Delivery delivery) {
        return new CoalescingDelivery(delivery, this);
    }

    void request(ProtonConnectionImpl connection) {
        pending.add(connection);
        if (!scheduled) {
            scheduled = true;
            vertx.runOnContext(flushTask);
        }
    }

    private void flushPending() {
        scheduled = false;
        List<ProtonConnectionImpl> connections = new ArrayList<>(pending);
        pending.clear();
        for (ProtonConnectionImpl connection : connections) {
            try {
                connection.flush();
            } catch (IllegalStateException e) {
                // The socket closed in the meantime; vertx-proton's own handlers clean the connection up.
            }
        }
    }

    /** A delivery whose disposition/settle leave the flush to the coalescer. */
    private static final class CoalescingDelivery extends ProtonDeliveryImpl {
        private final Delivery delivery;
        private final FlushCoalescer flusher;

        CoalescingDelivery(Delivery delivery, FlushCoalescer flusher) {
            super(delivery);
            this.delivery = delivery;
            this.flusher = flusher;
        }

        @Override
        public ProtonDelivery disposition(org.apache.qpid.proton.amqp.transport.DeliveryState state, boolean settle) {
            if (delivery.isSettled()) {
                return this;
            }
            ProtonConnectionImpl connection = connection();
            delivery.disposition(state);
            if (settle) {
                delivery.settle();
            }
            flusher.request(connection);
            return this;
        }

        @Override
        public ProtonDelivery settle() {
            ProtonConnectionImpl connection = connection();
            delivery.settle();
            flusher.request(connection);
            return this;
        }

        private ProtonConnectionImpl connection() {
            return getLinkImpl().getSession().getConnectionImpl();
        }
    }
}
