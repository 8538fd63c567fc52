package io.cifpipe.emulator.servicebus;

import io.vertx.proton.ProtonSender;
import java.util.LinkedHashSet;
import java.util.Set;

/** A client receiver link attached to an entity (the broker's sending side). */
final class Consumer {
    final ProtonSender link;
    final QueueEntity entity;
    /** RECEIVE_AND_DELETE: the client asked for pre-settled transfers. */
    final boolean receiveAndDelete;
    /** Messages this link holds the lock of, released when the link goes away. */
    final Set<StoredMessage> locked = new LinkedHashSet<>();
    /**
     * Set after the client released a message (the SDK does that for prefetched messages nobody asked for): stop
     * feeding this link until it sends a new flow, so the message goes to another consumer instead of bouncing.
     */
    boolean paused;

    boolean closed;

    Consumer(ProtonSender link, QueueEntity entity, boolean receiveAndDelete) {
        this.link = link;
        this.entity = entity;
        this.receiveAndDelete = receiveAndDelete;
    }

    boolean canTake() {
        return !closed && !paused && link.isOpen() && !link.sendQueueFull();
    }
}
