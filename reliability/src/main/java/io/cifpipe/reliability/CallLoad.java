package io.cifpipe.reliability;

import io.cifpipe.harness.Stack;
import io.cifpipe.testsupport.Pause;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A steady stream of call.offered events through ingress, like a telephony system: each event is retried until
 * ingress answers 202 (503 → wait Retry-After, capped to keep tests short; connection refused → short backoff),
 * and every 202 is registered with the invariant checker. Offers go to agents with no connection, so each one
 * must end as Undeliverable after its (short) ring window.
 */
public final class CallLoad implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallLoad.class);
    private final Stack stack;
    private final RunChecker checker;
    private final Duration interval;
    private final int ringSeconds;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger unavailableWithRetryAfter = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger unexpected = new AtomicInteger();
    private final Thread thread;

    public CallLoad(Stack stack, RunChecker checker, Duration interval, int ringSeconds) {
        this.stack = stack;
        this.checker = checker;
        this.interval = interval;
        this.ringSeconds = ringSeconds;
        thread = new Thread(this::run, "call-load");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int n = 0;
        while (running.get()) {
            String callId = Events.newId("load");
            String agent = "offline-agent-" + (n++ % 5);
            byte[] body = Events.bytes(Events.offered(Events.newId("evt"), callId, agent, ringSeconds));
            while (running.get()) {
                int status;
                HttpResponse<String> r = null;
                try {
                    r = Http.post(
                            stack.url("ingress") + "/api/calls",
                            body,
                            "Content-Type",
                            "application/cloudevents+json",
                            "x-functions-key",
                            stack.ingressKey());
                    status = r.statusCode();
                } catch (UncheckedIOException e) {
                    status = -1;
                }
                if (status == 202) {
                    accepted.incrementAndGet();
                    checker.accepted(callId, agent);
                    break;
                }
                if (status == 503) {
                    unavailable.incrementAndGet();
                    String retryAfter = r.headers().firstValue("retry-after").orElse(null);
                    if (retryAfter != null) unavailableWithRetryAfter.incrementAndGet();
                    long wait = retryAfter == null ? 1000 : Math.min(2000, Long.parseLong(retryAfter.trim()) * 1000);
                    Pause.millis(wait);
                } else if (status == -1) {
                    refused.incrementAndGet();
                    Pause.millis(300);
                } else {
                    unexpected.incrementAndGet();
                    LOG.warn("ingress answered {}: {}", status, r.body());
                    break; // not retryable: a 4xx for a valid event is a finding the test reports
                }
            }
            Pause.millis(interval.toMillis());
        }
    }

    public int accepted() {
        return accepted.get();
    }

    public int unavailable() {
        return unavailable.get();
    }

    public int unavailableWithRetryAfter() {
        return unavailableWithRetryAfter.get();
    }

    public int connectionRefused() {
        return refused.get();
    }

    public int unexpected() {
        return unexpected.get();
    }

    /** Stops after the event in flight (which is retried until accepted or the stop). */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "accepted=" + accepted + " 503=" + unavailable + " (with Retry-After " + unavailableWithRetryAfter
                + ") refused=" + refused + " unexpected=" + unexpected;
    }
}
