package io.cifpipe.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Text and JSON renderings of dead-letter entries and summaries for the CLI. */
final class Render {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Render() {}

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    static String table(List<DeadLetterEntry> entries, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {
            "SEQ", "MESSAGE ID", "CALL", "AGENT", "TYPE", "REASON", "CAUSE", "ENQUEUED", "AGE", "DELIVERIES", "REPLAYS"
        });
        for (DeadLetterEntry e : entries) {
            rows.add(new String[] {
                Long.toString(e.sequenceNumber()),
                e.messageId(),
                e.callId(),
                e.agentId(),
                e.type(),
                e.reason(),
                clip(e.cause(), 70),
                e.enqueuedAt() == null ? "" : e.enqueuedAt().toString(),
                age(e.age(now)),
                Long.toString(e.deliveryCount()),
                Integer.toString(e.replayCount())
            });
        }
        return grid(rows) + entries.size() + " dead-lettered message(s)\n";
    }

    static String detail(DeadLetterEntry e) {
        StringBuilder sb = new StringBuilder();
        sb.append("sequence number   ")
                .append(e.sequenceNumber())
                .append('\n')
                .append("message id        ")
                .append(e.messageId())
                .append('\n')
                .append("type              ")
                .append(nz(e.type()))
                .append('\n')
                .append("call / agent      ")
                .append(nz(e.callId()))
                .append(" / ")
                .append(nz(e.agentId()))
                .append('\n')
                .append("dead-letter reason ")
                .append(nz(e.reason()))
                .append('\n')
                .append("description       ")
                .append(nz(e.description()))
                .append('\n')
                .append("cause             ")
                .append(nz(e.causeReason()))
                .append(": ")
                .append(nz(e.cause()))
                .append('\n')
                .append("replay check      ")
                .append(ReplayCheck.wouldFail(e)
                        .map(f -> "would fail again: " + f)
                        .orElse("passes validation"))
                .append('\n')
                .append("enqueued          ")
                .append(e.enqueuedAt())
                .append('\n')
                .append("delivery count    ")
                .append(e.deliveryCount())
                .append('\n')
                .append("replay count      ")
                .append(e.replayCount())
                .append('\n')
                .append("application properties:\n");
        new TreeMap<>(e.applicationProperties())
                .forEach((k, v) ->
                        sb.append("  ").append(k).append(" = ").append(v).append('\n'));
        sb.append("body:\n").append(prettyBody(e.body()));
        return sb.toString();
    }

    static String summary(String verb, ReplaySummary s) {
        StringBuilder sb = new StringBuilder();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SEQ", "MESSAGE ID", "RESULT", "WHY"});
        for (List<ReplaySummary.Item> group : List.of(s.replayed(), s.skipped(), s.failed())) {
            for (ReplaySummary.Item i : group) {
                rows.add(new String[] {
                    Long.toString(i.sequenceNumber()),
                    i.messageId(),
                    i.action().name().toLowerCase().replace('_', ' '),
                    nz(i.detail())
                });
            }
        }
        if (rows.size() > 1) sb.append(grid(rows));
        sb.append(verb)
                .append(": ")
                .append(s.replayed().size())
                .append(" selected/done, ")
                .append(s.skipped().size())
                .append(" skipped, ")
                .append(s.failed().size())
                .append(" failed\n");
        return sb.toString();
    }

    static String depths(List<QueueDepth> depths) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"QUEUE", "ACTIVE", "SCHEDULED", "DEFERRED", "DEAD-LETTER"});
        for (QueueDepth d : depths) {
            String plus = d.capped() ? "+" : "";
            rows.add(new String[] {
                d.queue(), d.active() + plus, d.scheduled() + plus, d.deferred() + plus, d.deadLetter() + plus
            });
        }
        return grid(rows);
    }

    private static String prettyBody(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return JSON.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException notJson) {
            return body + "\n";
        }
    }

    private static String grid(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], nz(r[i]).length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(String.format("%-" + width[i] + "s", nz(r[i])));
                if (i < r.length - 1) sb.append("  ");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String age(Duration d) {
        long s = d.getSeconds();
        if (s < 120) return s + "s";
        if (s < 7200) return (s / 60) + "m";
        if (s < 172800) return (s / 3600) + "h";
        return (s / 86400) + "d";
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? nz(s) : s.substring(0, max - 1) + "…";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
