package io.cifpipe.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.host.timer.NCronTab;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one timer-triggered function on its NCRONTAB schedule: never two runs of the same timer at once
 * (Azure timers are singletons), {@code runOnStartup}, and the function.json {@code retry} policy
 * (fixedDelay / exponentialBackoff), which Azure honours for timer triggers.
 */
final class TimerRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimerRunner.class);
    private static final String NEVER = "0001-01-01T00:00:00";

    private final FunctionInvoker invoker;
    private final NCronTab schedule;
    private final boolean runOnStartup;
    private final JsonNode retry;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final Clock clock;
    private volatile boolean closed;
    private volatile String last = NEVER;

    TimerRunner(FunctionInvoker invoker, ScheduledExecutorService scheduler, ExecutorService workers, Clock clock) {
        this.invoker = invoker;
        Binding trigger = invoker.definition().trigger();
        this.schedule = NCronTab.parse(trigger.attr("schedule", ""));
        this.runOnStartup = trigger.flag("runOnStartup", false);
        this.retry = invoker.definition().retry();
        this.scheduler = scheduler;
        this.workers = workers;
        this.clock = clock;
    }

    void start() {
        if (runOnStartup) {
            workers.execute(() -> {
                runWithRetry(now(), false);
                scheduleNext();
            });
        } else {
            scheduleNext();
        }
    }

    private LocalDateTime now() {
        return LocalDateTime.now(clock.withZone(ZoneOffset.UTC));
    }

    private void scheduleNext() {
        if (closed) return;
        Optional<LocalDateTime> next = schedule.next(now());
        if (next.isEmpty()) {
            LOG.warn(
                    "timer function '{}': schedule '{}' has no future occurrence",
                    invoker.definition().name(),
                    schedule);
            return;
        }
        long delayMs = Math.max(0, Duration.between(now(), next.get()).toMillis());
        scheduler.schedule(
                () -> workers.execute(() -> {
                    LocalDateTime due = next.get();
                    boolean pastDue = Duration.between(due, now()).toSeconds() > 5;
                    runWithRetry(due, pastDue);
                    scheduleNext();
                }),
                delayMs,
                TimeUnit.MILLISECONDS);
    }

    /** Also used for admin-triggered runs ({@code POST /admin/functions/<name>}). */
    void runWithRetry(LocalDateTime due, boolean pastDue) {
        int max = retry == null ? 0 : retry.path("maxRetryCount").asInt(0);
        Throwable previous = null;
        for (int attempt = 0; !closed; attempt++) {
            String info = timerInfo(due, pastDue);
            FunctionExecutionContext.Retry retryContext =
                    retry == null ? null : FunctionExecutionContext.Retry.of(attempt, max, previous);
            try {
                invoker.invoke(new FunctionInvoker.Invocation(info, Map.of(), null, retryContext));
                break;
            } catch (FunctionInvoker.FunctionException e) {
                LOG.error(
                        "timer function '{}' invocation {} failed (attempt {})",
                        e.functionName(),
                        e.invocationId(),
                        attempt + 1,
                        e.getCause());
                previous = e.getCause();
                if (retry == null || (max >= 0 && attempt >= max)) break;
                if (!sleep(retryDelay(attempt))) break;
            }
        }
        last = due.toString();
    }

    private Duration retryDelay(int attempt) {
        if ("exponentialBackoff".equalsIgnoreCase(retry.path("strategy").asText())) {
            Duration min = timeSpan(retry.path("minimumInterval").asText("00:00:01"));
            Duration maxD = timeSpan(retry.path("maximumInterval").asText("00:15:00"));
            Duration d = min.multipliedBy(1L << Math.min(attempt, 20));
            return d.compareTo(maxD) > 0 ? maxD : d;
        }
        return timeSpan(retry.path("delayInterval").asText("00:00:01"));
    }

    static Duration timeSpan(String hhmmss) {
        String[] p = hhmmss.split(":");
        if (p.length != 3) throw new IllegalArgumentException("retry interval '" + hhmmss + "' is not HH:MM:SS");
        return Duration.ofHours(Long.parseLong(p[0]))
                .plusMinutes(Long.parseLong(p[1]))
                .plusMillis((long) (Double.parseDouble(p[2]) * 1000));
    }

    private boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // retry delay on a worker thread, as the Functions host waits between retries
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The JSON the Java worker receives for a timer trigger. */
    private String timerInfo(LocalDateTime due, boolean pastDue) {
        ObjectNode root = HostJson.MAPPER.createObjectNode();
        root.putObject("Schedule").put("AdjustForDST", true);
        ObjectNode status = root.putObject("ScheduleStatus");
        status.put("Last", last);
        status.put("Next", schedule.next(due).map(LocalDateTime::toString).orElse(null));
        status.put("LastUpdated", now().toString());
        root.put("IsPastDue", pastDue);
        return root.toString();
    }

    @Override
    public void close() {
        closed = true;
    }
}
