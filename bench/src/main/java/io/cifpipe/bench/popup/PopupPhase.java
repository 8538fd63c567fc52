package io.cifpipe.bench.popup;

import io.cifpipe.bench.core.Latency;
import io.cifpipe.bench.core.ScenarioResult;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one fixed-rate phase sent and saw. Call {@code seq} is due at {@code intended[seq]}; it offers the call to
 * {@code targetsPerCall} agents, and notification {@code seq * targetsPerCall + t} is its t-th offer. Every
 * latency is taken from the call's intended send time (or, for decisions, from the decide invocation).
 */
final class PopupPhase {
    final int id;
    final String label;
    final double rate;
    final int targetsPerCall;
    final boolean decide;
    final AtomicLongArray intended;
    /** Pushes of each notification received by a client (more than 1 = duplicate). */
    final AtomicIntegerArray notifies;

    final AtomicLongArray decideAt;
    final AtomicIntegerArray deliveredOutcomes;
    final AtomicIntegerArray acceptedOutcomes;

    final Latency notify = new Latency("notify");
    final Latency notifyJava = new Latency("notify (Java SignalR client sample)");
    final Latency deliveredOutcome = new Latency("delivered outcome");
    final Latency decideCompletion = new Latency("decide completion");
    final Latency decideOutcome = new Latency("decide outcome");

    final AtomicLong fired = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong decides = new AtomicLong();
    final AtomicLong decidesRecorded = new AtomicLong();
    final AtomicLong decidesFailed = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong acceptedOutcome = new AtomicLong();
    final AtomicLong otherOutcomes = new AtomicLong();
    final AtomicLong duplicateDelivered = new AtomicLong();
    final AtomicLong duplicateAccepted = new AtomicLong();
    final AtomicLong decidesDone = new AtomicLong();
    /** Decide results by status (recorded, already-decided, ...) or error. */
    final java.util.Map<String, AtomicLong> decideStatuses = new java.util.concurrent.ConcurrentSkipListMap<>();

    final AtomicReference<String> firstFailure = new AtomicReference<>();
    /** The phase and its drain: wall time, CPU per process of the stack and of the machine; null until measured. */
    volatile DispatchProbe.Window window;
    /** Round trips counted over the phase and its drain (dispatch's Table and SignalR REST, every queue's operations). */
    volatile io.cifpipe.harness.proxy.RoundTrips trips;

    PopupPhase(int id, String label, double rate, long calls, int targetsPerCall, boolean decide) {
        this.id = id;
        this.label = label;
        this.rate = rate;
        this.targetsPerCall = targetsPerCall;
        this.decide = decide;
        int n = Math.toIntExact(calls * targetsPerCall);
        intended = new AtomicLongArray(Math.toIntExact(calls));
        notifies = new AtomicIntegerArray(n);
        decideAt = new AtomicLongArray(n);
        deliveredOutcomes = new AtomicIntegerArray(n);
        acceptedOutcomes = new AtomicIntegerArray(n);
    }

    void measured(DispatchProbe.Window window) {
        this.window = window;
        trips = window.trips();
    }

    /**
     * The pipeline's Service Bus operations: every counted operation except those on the outcome topic's subscriptions
     * (the consumers' side: the bench's telephony reader, the operations subscription), i.e. call-events sent, delivered,
     * completed (abandoned) and outcomes sent to the call-outcomes topic.
     */
    long pipelineServiceBusOperations() {
        return trips.serviceBus().entrySet().stream()
                .filter(e -> !e.getKey().contains("/subscriptions/"))
                .mapToLong(java.util.Map.Entry::getValue)
                .sum();
    }

    /** Distinct notifications that reached a client. */
    long delivered() {
        return received.get() - duplicates.get();
    }

    long lost() {
        return Math.max(0, expectedNotifications() - delivered());
    }

    /**
     * Notifications dispatch worked through in the window: the call-events messages it completed (each one
     * call.offered: the bench sends nothing else), so a backlog from the warm-up or an overloaded phase divides the
     * work it caused by the work done, not by what was offered. Falls back to the notifications delivered.
     */
    long dispatched() {
        Long completed = trips == null
                ? null
                : trips.serviceBus()
                        .get(io.cifpipe.model.Setting.CALL_EVENTS_QUEUE
                                        .defaultValue()
                                        .orElseThrow() + " completed");
        return completed != null && completed > 0 ? completed : delivered();
    }

    /** CPU time of the dispatch JVM over the phase and its drain (ns), -1 when unreadable or not measured. */
    long dispatchCpuNanos() {
        return window == null ? -1 : window.dispatchCpuNanos();
    }

    /** µs of dispatch CPU per notification dispatched in the window, NaN when not measurable. */
    double dispatchCpuMicrosPerNotification() {
        long ns = dispatchCpuNanos();
        return ns < 0 || dispatched() == 0 ? Double.NaN : ns / 1e3 / dispatched();
    }

    /** Per-notification operation counts (table, signalr, servicebus), NaN each when not counted. */
    double[] opsPerNotification() {
        long n = dispatched();
        if (trips == null || n == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {
            (double) trips.tableOperations() / n,
            (double) trips.signalRRequests() / n,
            (double) pipelineServiceBusOperations() / n
        };
    }

    /** The summary keys every end-to-end scenario shares (results.json {@code summary}). */
    void summarize(io.cifpipe.bench.core.ScenarioResult r, int agents) {
        org.HdrHistogram.Histogram h = notify.snapshot();
        double[] perNotification = opsPerNotification();
        r.summary("rate_per_s", rate)
                .summary("agents", agents)
                .summary("sent", fired.get())
                .summary("delivered", delivered())
                .summary("lost", lost())
                .summary("pipeline_p50_ms", h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0)
                .summary("pipeline_p99_ms", h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0)
                .summary("table_ops_per_notification", perNotification[0])
                .summary("signalr_requests_per_notification", perNotification[1])
                .summary("servicebus_ops_per_notification", perNotification[2])
                .summary("dispatch_cpu_us_per_notification", dispatchCpuMicrosPerNotification())
                .summary("dispatched_in_window", dispatched());
    }

    long calls() {
        return intended.length();
    }

    long expectedNotifications() {
        return accepted.get() * targetsPerCall;
    }

    void fail(String why) {
        rejected.incrementAndGet();
        firstFailure.compareAndSet(null, why);
    }

    /** Every accepted call reached every targeted client, and every decision its outcome. */
    boolean complete() {
        return received.get() >= expectedNotifications()
                && delivered.get() >= expectedNotifications()
                && acceptedOutcome.get() + decidesFailed.get() >= decides.get()
                && decidesDone.get() >= decides.get();
    }

    String status() {
        return String.format(
                "sent %d accepted %d rejected %d received %d dup %d | outcomes Delivered %d Accepted %d | decides %d",
                fired.get(),
                accepted.get(),
                rejected.get(),
                received.get(),
                duplicates.get(),
                delivered.get(),
                acceptedOutcome.get(),
                decides.get());
    }

    /** Adds this phase's series and counts to the result, every name prefixed with {@code tag}. */
    void report(ScenarioResult r, String tag, boolean withJavaSample) {
        r.latency("call POST (scheduled) → client receives notify", tag + "pipeline, all clients", notify.snapshot());
        if (withJavaSample) {
            r.latency(
                    "call POST (scheduled) → client receives notify",
                    tag + "pipeline, Java SignalR client sample",
                    notifyJava.snapshot());
        }
        r.latency(
                "call POST (scheduled) → Delivered outcome on call-outcomes",
                tag + "Delivered outcome",
                deliveredOutcome.snapshot());
        if (decide) {
            r.latency(
                    "decide invoke → result",
                    tag + "decide completion (hub invocation result)",
                    decideCompletion.snapshot());
            r.latency(
                    "decide invoke → result",
                    tag + "decide → Accepted outcome on call-outcomes",
                    decideOutcome.snapshot());
        }
        long expected = expectedNotifications();
        r.figure(tag + "calls sent", fired.get(), "count");
        r.figure(tag + "calls accepted (202)", accepted.get(), "count");
        r.figure(tag + "calls refused or failed", rejected.get(), "count");
        r.figure(tag + "notifications expected", expected, "count");
        r.figure(tag + "notifications received", received.get() - duplicates.get(), "count");
        r.figure(
                tag + "notifications not received by the end of the drain (late or lost)",
                Math.max(0, expected - (received.get() - duplicates.get())),
                "count");
        r.figure(tag + "notifications duplicated", duplicates.get(), "count");
        r.figure(tag + "Delivered outcomes", delivered.get(), "count");
        r.figure(tag + "duplicate Delivered outcomes", duplicateDelivered.get(), "count");
        if (decide) {
            r.figure(tag + "decides invoked", decides.get(), "count");
            r.figure(tag + "decides recorded", decidesRecorded.get(), "count");
            r.figure(tag + "decides failed", decidesFailed.get(), "count");
            r.figure(tag + "Accepted outcomes", acceptedOutcome.get(), "count");
            r.figure(tag + "duplicate Accepted outcomes", duplicateAccepted.get(), "count");
        }
        r.figure(tag + "other outcomes (Expired, Undeliverable, ...)", otherOutcomes.get(), "count");
        if (decide) {
            r.note(tag + "decide results: " + decideStatuses);
        }
        if (duplicateDelivered.get() + duplicateAccepted.get() > 0) {
            r.note(tag
                    + "duplicate outcomes carry the same MessageId (publish-then-mark races, e.g. a decide that lands"
                    + " before dispatch recorded the delivery); Azure's call-outcomes topic has duplicate detection on"
                    + " (infra/modules/servicebus.bicep), as has the local Stack's.");
        }
        if (firstFailure.get() != null) {
            r.note(tag + "first failure: " + firstFailure.get());
        }
    }
}
