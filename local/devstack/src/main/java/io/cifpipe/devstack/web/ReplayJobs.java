package io.cifpipe.devstack.web;

import io.cifpipe.ops.ReplaySummary;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dashboard replays run as jobs so the page can show progress ("replayed 40 of 120") while the ops library works
 * through the dead-letter queue; one at a time (a second replay of the same queue would only contend for locks).
 * Finished jobs are kept (the last 20) so a reloaded page can still read the result.
 */
final class ReplayJobs implements AutoCloseable {
    /** What runs the replay: the ops library through {@link DeadLetters}. */
    interface Runner {
        Map<String, Object> run(
                String queue, String callId, boolean force, java.util.function.Consumer<ReplaySummary.Item> progress);
    }

    private static final int KEEP = 20;
    private final Runner runner;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dlq-replay");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    ReplayJobs(Runner runner, Clock clock) {
        this.runner = runner;
        this.clock = clock;
    }

    final class Job {
        final String id = UUID.randomUUID().toString();
        final String queue;
        final String callId;
        final int expected;
        final Instant started = clock.instant();
        final AtomicInteger done = new AtomicInteger();
        volatile String state = "queued";
        volatile Map<String, Object> result;
        volatile String error;

        Job(String queue, String callId, int expected) {
            this.queue = queue;
            this.callId = callId;
            this.expected = expected;
        }

        Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("queue", queue);
            m.put("callId", callId);
            m.put("state", state);
            m.put("expected", expected);
            m.put("processed", done.get());
            m.put("startedAt", started.toString());
            m.put("result", result);
            m.put("error", error);
            return m;
        }
    }

    /** @param expected the count the operator confirmed (for the progress bar; the library decides the truth) */
    Job start(String queue, String callId, boolean force, int expected) {
        Job job = new Job(queue, callId, expected);
        prune();
        jobs.put(job.id, job);
        worker.submit(() -> {
            job.state = "running";
            try {
                job.result = runner.run(queue, callId, force, item -> job.done.incrementAndGet());
                job.state = "finished";
            } catch (RuntimeException e) {
                job.error = e.getClass().getSimpleName() + ": " + e.getMessage();
                job.state = "failed";
            }
        });
        return job;
    }

    Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    private void prune() {
        if (jobs.size() < KEEP) return;
        jobs.values().stream()
                .filter(j -> j.state.equals("finished") || j.state.equals("failed"))
                .min(java.util.Comparator.comparing(j -> j.started))
                .ifPresent(j -> jobs.remove(j.id));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
