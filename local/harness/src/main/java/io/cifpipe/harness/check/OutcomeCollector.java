package io.cifpipe.harness.check;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverAsyncClient;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.testsupport.Pause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one subscription of the {@code call-outcomes} topic in the background while a run is going on (the live
 * counterpart of
 * {@link OutcomeDrain}), for the {@link InvariantChecker}: every message is decoded, kept and completed. It
 * rebuilds its receiver whenever the broker goes away (a restarted Service Bus emulator, a network cut), reading the
 * connection string again each time. Messages that are not valid outcomes are counted, not kept: an outcome queue
 * must hold only outcomes, so {@link #undecodable()} must stay 0.
 */
public final class OutcomeCollector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeCollector.class);

    private final Supplier<String> connectionString;
    private final String topic;
    private final String subscription;
    private final List<Outcome> outcomes = new ArrayList<>();
    private final Set<String> terminal = ConcurrentHashMap.newKeySet();
    /** MessageIds of messages that are not outcomes: a redelivery (complete lost in a broker restart) counts once. */
    private final Set<String> undecodable = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean running = new AtomicBoolean(true);
    /** The receiver the drainer streams from, so {@link #close()} can end its stream. */
    private volatile ServiceBusReceiverAsyncClient current;

    private final Thread drainer;

    /**
     * @param connectionString read on every (re)connect, so a restarted broker is found again
     * @param topic the outcomes topic ({@code call-outcomes})
     * @param subscription the subscription this collector reads (it sees every outcome its filter selects)
     */
    public OutcomeCollector(Supplier<String> connectionString, String topic, String subscription) {
        this.connectionString = connectionString;
        this.topic = topic;
        this.subscription = subscription;
        drainer = new Thread(this::drain, "outcome-collector-" + topic + "-" + subscription);
        drainer.setDaemon(true);
        drainer.start();
    }

    private void drain() {
        while (running.get()) {
            ServiceBusReceiverAsyncClient receiver = null;
            try {
                receiver = new ServiceBusClientBuilder()
                        .connectionString(connectionString.get())
                        .receiver()
                        .topicName(topic)
                        .subscriptionName(subscription)
                        .disableAutoComplete()
                        .buildAsyncClient();
                current = receiver;
                ServiceBusReceiverAsyncClient r = receiver;
                // One stream, each message completed before the next is asked for. Not the sync client's timed
                // receives: one that times out leaves messages locked in its implicit prefetch, and under the
                // reliability stack's short lock they can expire there, be redelivered past maxDeliveryCount and
                // end in the dead-letter queue, unseen by this collector.
                r.receiveMessages()
                        .concatMap(m -> {
                            record(m);
                            return r.complete(m);
                        })
                        .blockLast(); // returns when close() closes the receiver
            } catch (RuntimeException e) {
                if (running.get()) {
                    LOG.info(
                            "outcome receiver failed ({}); reconnecting",
                            e.getClass().getSimpleName());
                    Pause.millis(500);
                }
            } finally {
                current = null;
                if (receiver != null) {
                    try {
                        receiver.close();
                    } catch (RuntimeException ignored) {
                        // the broker is gone; nothing to close politely
                    }
                }
            }
        }
    }

    private void record(ServiceBusReceivedMessage m) {
        Outcome o;
        try {
            o = Outcome.fromJson(m.getBody().toBytes());
        } catch (RuntimeException e) {
            undecodable.add(m.getMessageId() != null ? m.getMessageId() : "seq:" + m.getSequenceNumber());
            LOG.warn(
                    "message {} on {}/subscriptions/{} is not an outcome: {}",
                    m.getMessageId(),
                    topic,
                    subscription,
                    e.getMessage());
            return;
        }
        synchronized (outcomes) {
            outcomes.add(o);
        }
        if (o.outcome().isTerminal()) {
            terminal.add(o.notificationId());
        }
    }

    /** Every outcome received so far (redeliveries included, as {@link InvariantChecker#check} expects). */
    public List<Outcome> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    /** How many distinct messages (by MessageId) were not outcomes. */
    public int undecodable() {
        return undecodable.size();
    }

    /** How many of {@code notificationIds} have had a terminal outcome so far. */
    public long settled(Collection<String> notificationIds) {
        return notificationIds.stream().filter(terminal::contains).count();
    }

    /**
     * Waits until each of {@code notificationIds} has a terminal outcome or {@code timeout} passed, then
     * {@code linger} more (a second, wrong outcome would come right after the first: give it the chance to show).
     */
    public boolean awaitTerminal(Collection<String> notificationIds, Duration timeout, Duration linger) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (settled(notificationIds) < notificationIds.size() && System.nanoTime() < deadline) {
            Pause.millis(200);
        }
        Pause.millis(linger.toMillis());
        return settled(notificationIds) == notificationIds.size();
    }

    @Override
    public void close() {
        running.set(false);
        ServiceBusReceiverAsyncClient receiver = current;
        if (receiver != null) {
            receiver.close();
        }
        try {
            drainer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
