package io.vertx.proton.impl;

import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import java.io.ByteArrayOutputStream;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;

/**
 * A receiver link that hands over each transfer's raw payload bytes and message format instead of a decoded
 * proton-j {@code Message}.
 *
 * <p>Why this exists: vertx-proton always decodes deliveries with {@code MessageImpl.decode}, which keeps only
 * the first body section. Service Bus batches (message-format 0x80013700) carry one {@code data} section per
 * message, so all but the first message would be silently lost. vertx-proton has no public raw-bytes hook, so
 * this class lives in vertx-proton's package (a classpath split package) to override the package-private
 * {@code onDelivery()}. Creating it re-binds the proton-j link context to this instance; the original wrapper
 * vertx-proton created is then unused.
 */
public final class RawMessageReceiver extends ProtonReceiverImpl {

    /** Receives one complete transfer. */
    @FunctionalInterface
    public interface RawHandler {
        void handle(ProtonDelivery delivery, int messageFormat, byte[] payload);
    }

    /** Called when a transfer grows beyond the link's max-message-size; the link is closed by the handler. */
    @FunctionalInterface
    public interface OversizeHandler {
        void handle(RawMessageReceiver receiver);
    }

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final byte[] chunk = new byte[16 * 1024];
    private RawHandler rawHandler;
    private OversizeHandler oversizeHandler;
    private long maxBytes = Long.MAX_VALUE;
    private boolean discarding;

    private final FlushCoalescer flusher;

    public RawMessageReceiver(ProtonReceiver created, FlushCoalescer flusher) {
        super((Receiver) ((ProtonLinkImpl<?>) created).link);
        this.flusher = flusher;
        setPrefetch(0);
        setAutoAccept(false);
    }

    public RawMessageReceiver rawHandler(RawHandler handler) {
        this.rawHandler = handler;
        return this;
    }

    public RawMessageReceiver oversizeHandler(OversizeHandler handler) {
        this.oversizeHandler = handler;
        return this;
    }

    /** Largest payload accepted; also advertised as the link's max-message-size. */
    public RawMessageReceiver maxPayloadBytes(long bytes) {
        this.maxBytes = bytes;
        return this;
    }

    /** Credit still granted to the remote sender. */
    public int creditLeft() {
        return link.getCredit();
    }

    @Override
    void onDelivery() {
        Receiver receiver = (Receiver) link;
        Delivery delivery = receiver.current();
        if (delivery == null || rawHandler == null) {
            return;
        }
        if (delivery.isAborted()) {
            partial.reset();
            receiver.advance();
            delivery.settle();
            flow(1);
            return;
        }
        int count;
        while ((count = receiver.recv(chunk, 0, chunk.length)) > 0) {
            if (!discarding) {
                partial.write(chunk, 0, count);
            }
        }
        if (!discarding && partial.size() > maxBytes) {
            discarding = true;
            partial.reset();
            if (oversizeHandler != null) {
                oversizeHandler.handle(this);
            }
        }
        if (delivery.isPartial()) {
            return;
        }
        byte[] payload = partial.toByteArray();
        partial.reset();
        receiver.advance();
        if (discarding) {
            discarding = false;
            delivery.settle();
            return;
        }
        ProtonDeliveryImpl protonDelivery = flusher.wrap(delivery);
        rawHandler.handle(protonDelivery, delivery.getMessageFormat(), payload);
    }
}
