package io.cifpipe.devstack.web;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import io.cifpipe.ops.DeadLetterEntry;
import io.cifpipe.ops.DeadLetterFilter;
import io.cifpipe.ops.DeadLetterOperations;
import io.cifpipe.ops.ReplayCheck;
import io.cifpipe.ops.ReplayOptions;
import io.cifpipe.ops.ReplaySummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's dead-letter list and replay, through the ops library ({@link DeadLetterOperations}) so the
 * page and the CLI share one safe replay path (a DLQ message is completed only after its copy was sent).
 * Blocking: call from a worker thread.
 */
public final class DeadLetters {
    /** A replayed offer gets a fresh ring window instead of the expired one it died with. */
    static final Duration REFRESH_TTL = Duration.ofSeconds(60);

    static final int MAX_REPLAYS = 3;
    private static final int MAX_BODY_CHARS = 2000;

    private final String connectionString;

    public DeadLetters(String connectionString) {
        this.connectionString = connectionString;
    }

    private DeadLetterOperations ops(String queue) {
        return new DeadLetterOperations(new ServiceBusClientBuilder().connectionString(connectionString), queue);
    }

    public List<Map<String, Object>> list(String queue, int max) {
        try (DeadLetterOperations ops = ops(queue)) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (DeadLetterEntry e : ops.list(new DeadLetterFilter(null, null, null, null, null, max))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sequenceNumber", e.sequenceNumber());
                m.put("messageId", e.messageId());
                m.put("callId", e.callId());
                m.put("agentId", e.agentId());
                m.put("type", e.type());
                m.put("deadLetterReason", e.reason());
                m.put("deadLetterErrorDescription", e.description());
                // What really poisoned it (dispatch's validation error naming the field), and whether a replay would
                // fail the same way: the same ops-library answers as './dev ops dlq show'.
                m.put("causeReason", e.causeReason());
                m.put("cause", e.cause());
                m.put(
                        "wouldFail",
                        DeadLetterOperations.isSubscription(queue)
                                ? null
                                : ReplayCheck.wouldFail(e).orElse(null));
                m.put(
                        "enqueuedTime",
                        e.enqueuedAt() == null ? null : e.enqueuedAt().toString());
                m.put("deliveryCount", e.deliveryCount());
                m.put("replayCount", e.replayCount());
                String body = e.body();
                m.put("body", body.length() > MAX_BODY_CHARS ? body.substring(0, MAX_BODY_CHARS) + "…" : body);
                out.add(m);
            }
            return out;
        }
    }

    /**
     * Replays the dead letters of one call ({@code callId}), or every dead letter of the queue when {@code callId} is
     * null; {@code dryRun} only counts what would be replayed and skipped (the dashboard's confirmation). Messages that
     * would fail validation again are skipped unless {@code force}. {@code progress} sees each message as it is done.
     * (The ops library selects by filter; it has no per-sequence-number selection.)
     */
    public Map<String, Object> replay(
            String queue,
            String callId,
            boolean dryRun,
            boolean force,
            java.util.function.Consumer<ReplaySummary.Item> progress) {
        try (DeadLetterOperations ops = ops(queue)) {
            DeadLetterFilter filter =
                    new DeadLetterFilter(null, callId, null, null, null, DeadLetterFilter.DEFAULT_LIMIT);
            ReplaySummary s = ops.replay(filter, new ReplayOptions(dryRun, REFRESH_TTL, MAX_REPLAYS, force), progress);
            return summary(queue, callId, dryRun, s);
        }
    }

    public Map<String, Object> replay(String queue, String callId) {
        return replay(queue, callId, false, false, item -> {});
    }

    static Map<String, Object> summary(String queue, String callId, boolean dryRun, ReplaySummary s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queue", queue);
        out.put("callId", callId);
        out.put("dryRun", dryRun);
        out.put("replayed", s.replayed().size());
        out.put(
                "skipped",
                s.skipped().stream().map(i -> i.messageId() + ": " + i.detail()).toList());
        out.put(
                "failed",
                s.failed().stream().map(i -> i.messageId() + ": " + i.detail()).toList());
        out.put(
                "warnings",
                s.replayed().stream()
                        .filter(i -> i.detail() != null)
                        .map(i -> i.messageId() + ": " + i.detail())
                        .toList());
        return out;
    }
}
