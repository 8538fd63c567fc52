package io.cifpipe.ops;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusMessageState;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.azure.messaging.servicebus.models.SubQueue;
import io.cifpipe.model.Names;
import io.cifpipe.model.PoisonCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Dead-letter inspection and safe replay for one queue or topic subscription ({@code <topic>/subscriptions/<name>}),
 * used by the CLI and the local ops dashboard. A subscription's dead letters can be listed, shown and purged but not
 * replayed: Service Bus cannot send to one subscription, and re-sending to the topic would reach every subscription.
 *
 * <p>Safety rule: a dead-lettered message is completed only after its copy was sent to the source
 * queue, so a failure in between leaves it in the dead-letter queue (at-least-once; a replayed call
 * event is deduplicated downstream by the notification ledger). Messages that a replay or purge does
 * not select are held under lock while it runs and abandoned at the end, so they stay where they are.
 */
public final class DeadLetterOperations implements AutoCloseable {

    /** The one place a replay writes to; an interface so tests can inject a failing send. */
    @FunctionalInterface
    public interface MessageSender {
        void send(ServiceBusMessage message);
    }

    /** Application properties Service Bus adds on dead-lettering; a replayed copy must not carry them. */
    private static final Set<String> BROKER_PROPERTIES = Set.of(
            "DeadLetterReason",
            "DeadLetterErrorDescription",
            PoisonCause.PROP_REASON,
            PoisonCause.PROP_DESCRIPTION,
            PoisonCause.PROP_AT); // a stale cause would re-poison it

    private static final int PAGE = 100;
    /** Upper bound on messages a single command scans, so a huge DLQ cannot make it run forever. */
    static final int MAX_SCAN = 50_000;

    private static final Duration RECEIVE_WAIT = Duration.ofSeconds(2);

    private final ServiceBusClientBuilder clients;
    private final String queue;
    private final Clock clock;
    private ServiceBusReceiverClient peeker;
    private ServiceBusSenderClient sender;
    private MessageSender senderOverride;

    public DeadLetterOperations(ServiceBusClientBuilder clients, String queue) {
        this(clients, queue, Clock.systemUTC());
    }

    DeadLetterOperations(ServiceBusClientBuilder clients, String queue, Clock clock) {
        this.clients = clients;
        this.queue = queue;
        this.clock = clock;
    }

    /** Replaces the Service Bus sender used by replay (tests simulate send failures with it). */
    public DeadLetterOperations withSender(MessageSender override) {
        this.senderOverride = override;
        return this;
    }

    public String queue() {
        return queue;
    }

    private static final String SUBSCRIPTIONS = "/subscriptions/";

    /** True when this works on a topic subscription ({@code <topic>/subscriptions/<name>}) rather than a queue. */
    public static boolean isSubscription(String entityPath) {
        int i = entityPath.toLowerCase(java.util.Locale.ROOT).indexOf(SUBSCRIPTIONS);
        return i > 0
                && i + SUBSCRIPTIONS.length() < entityPath.length()
                && entityPath.indexOf('/', i + SUBSCRIPTIONS.length()) < 0;
    }

    /** A receiver builder for the queue, or for the topic and subscription the path names. */
    private ServiceBusClientBuilder.ServiceBusReceiverClientBuilder receiver() {
        if (!isSubscription(queue)) return clients.receiver().queueName(queue);
        int i = queue.toLowerCase(java.util.Locale.ROOT).indexOf(SUBSCRIPTIONS);
        return clients.receiver()
                .topicName(queue.substring(0, i))
                .subscriptionName(queue.substring(i + SUBSCRIPTIONS.length()));
    }

    /** Dead-lettered messages matching the filter, oldest first; peeks only, changes nothing. */
    public List<DeadLetterEntry> list(DeadLetterFilter filter) {
        Instant now = clock.instant();
        List<DeadLetterEntry> out = new ArrayList<>();
        for (ServiceBusReceivedMessage m : peekAll(deadLetterPeeker())) {
            DeadLetterEntry e = DeadLetterEntry.of(m);
            if (filter.matches(e, now)) out.add(e);
            if (out.size() >= filter.limit()) break;
        }
        return out;
    }

    /** One dead-lettered message by sequence number, if it is still there. */
    public Optional<DeadLetterEntry> show(long sequenceNumber) {
        ServiceBusReceivedMessage m = deadLetterPeeker().peekMessage(sequenceNumber);
        return (m == null || m.getSequenceNumber() != sequenceNumber)
                ? Optional.empty()
                : Optional.of(DeadLetterEntry.of(m));
    }

    /** Re-sends each selected message to the queue with a fresh MessageId; see the class comment for safety. */
    public ReplaySummary replay(DeadLetterFilter filter, ReplayOptions options, Consumer<ReplaySummary.Item> progress) {
        if (isSubscription(queue)) {
            throw new UnsupportedOperationException(
                    "dead letters of a subscription cannot be replayed: Service Bus has no "
                            + "send to one subscription, and re-sending to the topic would reach every subscription; list, show "
                            + "or purge them instead");
        }
        if (options.dryRun())
            return preview(
                    filter,
                    e -> refusal(e, options),
                    ReplaySummary.Action.WOULD_REPLAY,
                    progress,
                    e -> forcedWarning(e, options));
        return settleSelected(filter, progress, (m, entry) -> {
            String refused = refusal(entry, options);
            if (refused != null) {
                return new ReplaySummary.Item(
                        entry.sequenceNumber(), entry.messageId(), ReplaySummary.Action.SKIPPED, refused);
            }
            send(replayCopy(m, entry, options.refreshTtl()));
            return new ReplaySummary.Item(
                    entry.sequenceNumber(),
                    entry.messageId(),
                    ReplaySummary.Action.REPLAYED,
                    forcedWarning(entry, options));
        });
    }

    /** Why a message is not replayed: replayed too often, or it would fail validation again (unless forced). */
    private String refusal(DeadLetterEntry e, ReplayOptions options) {
        if (e.replayCount() >= options.maxReplays()) {
            return "already replayed " + e.replayCount() + " time(s); --max-replays is " + options.maxReplays();
        }
        if (!options.force()) {
            var fails = ReplayCheck.wouldFail(e);
            if (fails.isPresent()) return "would fail again: " + fails.get() + " (fix the sender, or --force)";
        }
        return null;
    }

    private static String forcedWarning(DeadLetterEntry e, ReplayOptions options) {
        if (!options.force()) return null;
        return ReplayCheck.wouldFail(e)
                .map(f -> "forced; will fail again: " + f)
                .orElse(null);
    }

    /** Removes the selected dead-lettered messages for good (dry run lists them only). */
    public ReplaySummary purge(DeadLetterFilter filter, boolean dryRun, Consumer<ReplaySummary.Item> progress) {
        if (dryRun) return preview(filter, e -> null, ReplaySummary.Action.WOULD_PURGE, progress, e -> e.cause());
        return settleSelected(
                filter,
                progress,
                (m, entry) -> new ReplaySummary.Item(
                        entry.sequenceNumber(), entry.messageId(), ReplaySummary.Action.PURGED, entry.cause()));
    }

    /** Message counts of the queue and its dead-letter queue, by peeking (works on Azure and the emulator alike). */
    public QueueDepth depth() {
        long active = 0, scheduled = 0, deferred = 0;
        try (ServiceBusReceiverClient main = receiver().buildClient()) {
            for (ServiceBusReceivedMessage m : peekAll(main)) {
                ServiceBusMessageState state = m.getState();
                if (ServiceBusMessageState.SCHEDULED.equals(state)) scheduled++;
                else if (ServiceBusMessageState.DEFERRED.equals(state)) deferred++;
                else active++;
            }
        }
        long dead = peekAll(deadLetterPeeker()).size();
        return new QueueDepth(
                queue,
                active,
                scheduled,
                deferred,
                dead,
                active + scheduled + deferred >= MAX_SCAN || dead >= MAX_SCAN);
    }

    private interface Selection {
        /** Acts on one selected message; returns what happened. SKIPPED leaves it in place. */
        ReplaySummary.Item apply(ServiceBusReceivedMessage m, DeadLetterEntry entry);
    }

    private ReplaySummary preview(
            DeadLetterFilter filter,
            java.util.function.Function<DeadLetterEntry, String> refusal,
            ReplaySummary.Action would,
            Consumer<ReplaySummary.Item> progress,
            java.util.function.Function<DeadLetterEntry, String> note) {
        List<ReplaySummary.Item> selected = new ArrayList<>(), skipped = new ArrayList<>();
        for (DeadLetterEntry e : list(filter)) {
            String refused = refusal.apply(e);
            ReplaySummary.Item item = new ReplaySummary.Item(
                    e.sequenceNumber(),
                    e.messageId(),
                    refused != null ? ReplaySummary.Action.SKIPPED : would,
                    refused != null ? refused : note.apply(e));
            (refused != null ? skipped : selected).add(item);
            progress.accept(item);
        }
        return new ReplaySummary(selected, skipped, List.of());
    }

    private ReplaySummary settleSelected(
            DeadLetterFilter filter, Consumer<ReplaySummary.Item> progress, Selection action) {
        List<ReplaySummary.Item> done = new ArrayList<>(), skipped = new ArrayList<>(), failed = new ArrayList<>();
        List<ServiceBusReceivedMessage> held = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Instant now = clock.instant();
        try (ServiceBusReceiverClient receiver = receiver()
                .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .disableAutoComplete()
                .prefetchCount(0)
                .buildClient()) {
            try {
                scan:
                while (seen.size() < MAX_SCAN) {
                    boolean any = false;
                    for (ServiceBusReceivedMessage m : receiver.receiveMessages(PAGE, RECEIVE_WAIT)) {
                        any = true;
                        if (!seen.add(m.getSequenceNumber())) {
                            held.add(m);
                            break scan;
                        }
                        DeadLetterEntry entry = DeadLetterEntry.of(m);
                        if (!filter.matches(entry, now) || done.size() + failed.size() >= filter.limit()) {
                            held.add(m);
                            continue;
                        }
                        ReplaySummary.Item item;
                        try {
                            item = action.apply(m, entry);
                        } catch (RuntimeException sendFailure) {
                            item = new ReplaySummary.Item(
                                    entry.sequenceNumber(),
                                    entry.messageId(),
                                    ReplaySummary.Action.FAILED,
                                    "send failed, left in the dead-letter queue: " + sendFailure.getMessage());
                            failed.add(item);
                            held.add(m);
                            progress.accept(item);
                            continue;
                        }
                        if (item.action() == ReplaySummary.Action.SKIPPED) {
                            skipped.add(item);
                            held.add(m);
                        } else {
                            try {
                                receiver.complete(m);
                                done.add(item);
                            } catch (RuntimeException completeFailure) {
                                // The copy is already on the queue: the ledger makes the duplicate harmless.
                                item = new ReplaySummary.Item(
                                        entry.sequenceNumber(),
                                        entry.messageId(),
                                        ReplaySummary.Action.FAILED,
                                        "sent, but could not remove it from the dead-letter queue (it may be replayed twice): "
                                                + completeFailure.getMessage());
                                failed.add(item);
                            }
                        }
                        progress.accept(item);
                    }
                    if (!any) break;
                }
            } finally {
                for (ServiceBusReceivedMessage m : held) {
                    try {
                        receiver.abandon(m);
                    } catch (RuntimeException ignored) {
                        /* lock expiry returns it anyway */
                    }
                }
            }
        }
        return new ReplaySummary(done, skipped, failed);
    }

    private ServiceBusMessage replayCopy(ServiceBusReceivedMessage m, DeadLetterEntry entry, Duration refreshTtl) {
        ServiceBusMessage copy = new ServiceBusMessage(m);
        BROKER_PROPERTIES.forEach(copy.getApplicationProperties()::remove);
        copy.setMessageId(java.util.UUID.randomUUID().toString());
        copy.getApplicationProperties().putIfAbsent(Names.PROP_ORIGINAL_MESSAGE_ID, m.getMessageId());
        copy.getApplicationProperties().put(Names.PROP_REPLAY_COUNT, entry.replayCount() + 1);
        if (refreshTtl != null) copy.setTimeToLive(refreshTtl);
        return copy;
    }

    private void send(ServiceBusMessage message) {
        if (senderOverride != null) {
            senderOverride.send(message);
            return;
        }
        if (sender == null) sender = clients.sender().queueName(queue).buildClient();
        sender.sendMessage(message);
    }

    private ServiceBusReceiverClient deadLetterPeeker() {
        if (peeker == null)
            peeker = receiver().subQueue(SubQueue.DEAD_LETTER_QUEUE).buildClient();
        return peeker;
    }

    private static List<ServiceBusReceivedMessage> peekAll(ServiceBusReceiverClient receiver) {
        List<ServiceBusReceivedMessage> all = new ArrayList<>();
        long next = 0;
        while (all.size() < MAX_SCAN) {
            int before = all.size();
            for (ServiceBusReceivedMessage m : receiver.peekMessages(PAGE, next)) {
                all.add(m);
                next = Math.max(next, m.getSequenceNumber() + 1);
            }
            if (all.size() == before) break;
        }
        return all;
    }

    @Override
    public void close() {
        if (peeker != null) peeker.close();
        if (sender != null) sender.close();
    }
}
