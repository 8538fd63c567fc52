package io.cifpipe.reliability;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import io.cifpipe.model.notification.NotificationId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's promise, checked from the outside: every accepted offer (callId, agentId) reaches exactly one
 * terminal outcome on {@code call-outcomes} (Accepted, Rejected, Expired, Withdrawn, Undeliverable), counted by
 * distinct MessageId (consumers de-duplicate on it; redelivery of the same message is at-least-once, not a second
 * outcome), and never two different terminal outcomes. A background receiver drains call-outcomes and
 * survives broker restarts by rebuilding its client.
 */
public final class InvariantChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InvariantChecker.class);
    static final Set<String> TERMINAL = Set.of("Accepted", "Rejected", "Expired", "Withdrawn", "Undeliverable");

    private final Supplier<String> connectionString;
    private final Map<String, String> expected = new ConcurrentHashMap<>(); // notificationId -> callId
    private final Map<String, Map<String, String>> terminal = new ConcurrentHashMap<>(); // nid -> messageId -> outcome
    private final Map<String, Integer> deliveredMessages = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread drainer;

    /** @param connectionString read on every (re)connect, so a restarted broker is found again */
    public InvariantChecker(Supplier<String> connectionString) {
        this.connectionString = connectionString;
        drainer = new Thread(this::drain, "invariant-outcomes");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** An offer the pipeline answered 202 for: it must reach one terminal outcome. */
    public void accepted(String callId, String agentId) {
        expected.put(NotificationId.of(callId, agentId), callId);
    }

    private void drain() {
        while (running.get()) {
            ServiceBusReceiverClient receiver = null;
            try {
                receiver = new ServiceBusClientBuilder().connectionString(connectionString.get()).receiver()
                        .queueName("call-outcomes").disableAutoComplete().buildClient();
                while (running.get()) {
                    for (ServiceBusReceivedMessage m : receiver.receiveMessages(50, Duration.ofSeconds(1))) {
                        record(m);
                        receiver.complete(m);
                    }
                }
            } catch (RuntimeException e) {
                if (running.get()) LOG.info("outcome receiver failed ({}); reconnecting", e.getClass().getSimpleName());
                sleep(500);
            } finally {
                if (receiver != null) {
                    try {
                        receiver.close();
                    } catch (RuntimeException ignored) {
                        // broker gone
                    }
                }
            }
        }
    }

    private void record(ServiceBusReceivedMessage m) {
        Object nid = m.getApplicationProperties().get("notificationId");
        Object outcome = m.getApplicationProperties().get("outcome");
        if (nid == null || outcome == null) return;
        if (TERMINAL.contains(outcome.toString())) {
            terminal.computeIfAbsent(nid.toString(), k -> new ConcurrentHashMap<>()).put(m.getMessageId(), outcome.toString());
        } else {
            deliveredMessages.merge(nid.toString(), 1, Integer::sum);
        }
    }

    /** What the checker found. {@code lost} and {@code duplicated} must be empty. */
    public record Report(int accepted, int terminal, List<String> lost, List<String> duplicated, Map<String, Integer> byOutcome) {
        public boolean holds() { return lost.isEmpty() && duplicated.isEmpty(); }

        @Override public String toString() {
            return "accepted=" + accepted + " terminal=" + terminal + " lost=" + lost.size() + " duplicated=" + duplicated.size()
                    + " outcomes=" + byOutcome + (lost.isEmpty() ? "" : " lost e.g. " + lost.subList(0, Math.min(5, lost.size())))
                    + (duplicated.isEmpty() ? "" : " duplicated e.g. " + duplicated.subList(0, Math.min(5, duplicated.size())));
        }
    }

    public Report report() {
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        Map<String, Integer> byOutcome = new LinkedHashMap<>();
        int done = 0;
        for (String nid : expected.keySet()) {
            Map<String, String> t = terminal.getOrDefault(nid, Map.of());
            Set<String> kinds = new LinkedHashSet<>(t.values());
            if (t.isEmpty()) lost.add(expected.get(nid));
            else if (t.size() > 1 || kinds.size() > 1) duplicated.add(expected.get(nid) + " " + t.values());
            else done++;
            kinds.forEach(k -> byOutcome.merge(k, 1, Integer::sum));
        }
        return new Report(expected.size(), done, lost, duplicated, byOutcome);
    }

    /** Waits until every accepted offer has a terminal outcome (or the timeout), then returns the report. */
    public Report awaitSettled(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Report r = report();
        while (!r.lost().isEmpty() && System.nanoTime() < deadline) {
            sleep(200);
            r = report();
        }
        sleep(1500); // a duplicate outcome would arrive right after the first: give it the chance to show
        return report();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            drainer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
