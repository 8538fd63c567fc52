package io.cifpipe.devstack.web;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The supervisor figures from the stack's tables (pure function of rows; the dashboard polls it): agents with
 * availability and current call, calls ringing now, and per window (last 15 minutes, today) offered / accepted /
 * rejected by reason / missed (Expired) / unavailable / undeliverable / withdrawn with answer-time p50/p90, plus a
 * per-minute series for the chart. Rows are read as property maps so rows written before issue 20's fields exist
 * (no Availability, no ActiveCalls, no UNAVAILABLE state) read as defaults instead of failing.
 */
public final class SupervisorView {
    private SupervisorView() {}

    static final Duration RECENT = Duration.ofMinutes(15);
    /** An accepted call counts as "current" until its call is closed or this long has passed (MaxCallDuration default). */
    static final Duration MAX_CALL = Duration.ofHours(4);

    private static final Set<String> OPEN = Set.of("OFFERED", "DELIVERED");

    /**
     * @param agentRows       Agents table rows (PartitionKey = agent id), may be empty
     * @param connections     Connections rows by agent id
     * @param ledger          Notifications rows (notifications only, no {@code ~} rows)
     * @param closedCalls     call ids with a {@code ~closed} tombstone (call ended/answered)
     * @param names           display names by agent id
     */
    public static Map<String, Object> compute(
            List<Map<String, Object>> agentRows,
            Map<String, List<Map<String, Object>>> connections,
            List<Map<String, Object>> ledger,
            Set<String> closedCalls,
            Map<String, String> names,
            Instant now,
            ZoneId zone) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", now.toString());
        out.put("agents", agents(agentRows, connections, ledger, closedCalls, names, now));
        out.put("ringing", ringing(ledger, names, now));
        Instant midnight = now.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        out.put("last15m", window(ledger, now.minus(RECENT), now));
        out.put("today", window(ledger, midnight, now));
        out.put("perMinute", perMinute(ledger, now, 15));
        return out;
    }

    private static List<Map<String, Object>> agents(
            List<Map<String, Object>> agentRows,
            Map<String, List<Map<String, Object>>> connections,
            List<Map<String, Object>> ledger,
            Set<String> closedCalls,
            Map<String, String> names,
            Instant now) {
        Map<String, Map<String, Object>> rowByAgent = new TreeMap<>();
        for (Map<String, Object> r : agentRows) rowByAgent.put(String.valueOf(r.get("PartitionKey")), r);
        Set<String> ids = new java.util.TreeSet<>(rowByAgent.keySet());
        ids.addAll(connections.keySet());
        ids.addAll(names.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            Map<String, Object> row = rowByAgent.getOrDefault(id, Map.of());
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("agentId", id);
            a.put("name", names.getOrDefault(id, id));
            int conns = connections.getOrDefault(id, List.of()).size();
            a.put("connections", conns);
            a.put("signedIn", conns > 0);
            a.put("availability", text(row.get("Availability"), "Available"));
            a.put("availabilityReason", text(row.get("AvailabilityReason"), null));
            a.put("availabilitySince", text(firstNonNull(row.get("AvailabilitySince"), row.get("Since")), null));
            a.put("activeCalls", number(row.get("ActiveCalls")));
            a.put("capacity", number(firstNonNull(row.get("Capacity"), row.get("MaxConcurrentCalls"))));
            a.put("currentCall", currentCall(id, ledger, closedCalls, now));
            a.put(
                    "ringingNow",
                    ledger.stream()
                            .filter(r -> id.equals(r.get("RowKey")) && isRinging(r, now))
                            .count());
            out.add(a);
        }
        return out;
    }

    private static Map<String, Object> currentCall(
            String agentId, List<Map<String, Object>> ledger, Set<String> closedCalls, Instant now) {
        return ledger.stream()
                .filter(r -> agentId.equals(r.get("RowKey")) && "ACCEPTED".equals(r.get("State")))
                .filter(r -> !closedCalls.contains(String.valueOf(r.get("PartitionKey"))))
                .filter(r -> {
                    Instant at = instant(r.get("AcceptedAt"));
                    return at != null && at.isAfter(now.minus(MAX_CALL));
                })
                .max(Comparator.comparing(r -> instant(r.get("AcceptedAt"))))
                .map(r -> {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("callId", r.get("PartitionKey"));
                    c.put("caller", text(firstNonNull(r.get("CallerName"), r.get("CallerNumber")), ""));
                    c.put("queue", text(r.get("Queue"), ""));
                    c.put("acceptedAt", instant(r.get("AcceptedAt")).toString());
                    return c;
                })
                .orElse(null);
    }

    private static boolean isRinging(Map<String, Object> r, Instant now) {
        if (!OPEN.contains(String.valueOf(r.get("State")))) return false;
        Instant expires = instant(r.get("ExpiresAt"));
        return expires == null || expires.isAfter(now);
    }

    private static List<Map<String, Object>> ringing(
            List<Map<String, Object>> ledger, Map<String, String> names, Instant now) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : ledger) {
            if (!isRinging(r, now)) continue;
            Instant offered = instant(r.get("OfferedAt"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("callId", r.get("PartitionKey"));
            m.put("agentId", r.get("RowKey"));
            m.put("agent", names.getOrDefault(String.valueOf(r.get("RowKey")), String.valueOf(r.get("RowKey"))));
            m.put("caller", text(firstNonNull(r.get("CallerName"), r.get("CallerNumber")), ""));
            m.put("queue", text(r.get("Queue"), ""));
            m.put("state", r.get("State"));
            m.put("offeredAt", offered == null ? null : offered.toString());
            m.put(
                    "ringingMs",
                    offered == null
                            ? null
                            : Math.max(0, Duration.between(offered, now).toMillis()));
            m.put("expiresAt", text(r.get("ExpiresAt"), null));
            out.add(m);
        }
        out.sort(Comparator.comparing(m -> -((Long) (m.get("ringingMs") == null ? 0L : m.get("ringingMs")))));
        return out;
    }

    /** Counts of notifications that entered each state in [from, to); answer time = OfferedAt → AcceptedAt. */
    static Map<String, Object> window(List<Map<String, Object>> ledger, Instant from, Instant to) {
        long offered = 0, accepted = 0, rejected = 0, expired = 0, unavailable = 0, undeliverable = 0, withdrawn = 0;
        Map<String, Long> rejectedBy = new TreeMap<>(), unavailableBy = new TreeMap<>();
        List<Long> answer = new ArrayList<>();
        for (Map<String, Object> r : ledger) {
            if (in(instant(r.get("OfferedAt")), from, to)) offered++;
            String state = String.valueOf(r.get("State"));
            Instant at = instant(r.get(stateProperty(state)));
            if (!in(at, from, to)) continue;
            String reason = text(r.get("Reason"), "(none)");
            switch (state) {
                case "ACCEPTED" -> {
                    accepted++;
                    Instant o = instant(r.get("OfferedAt"));
                    if (o != null) answer.add(Duration.between(o, at).toMillis());
                }
                case "REJECTED" -> {
                    rejected++;
                    rejectedBy.merge(reason, 1L, Long::sum);
                }
                case "EXPIRED" -> expired++;
                case "UNAVAILABLE" -> {
                    unavailable++;
                    unavailableBy.merge(reason, 1L, Long::sum);
                }
                case "UNDELIVERABLE" -> undeliverable++;
                case "WITHDRAWN" -> withdrawn++;
                default -> {}
            }
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("from", from.toString());
        w.put("offered", offered);
        w.put("accepted", accepted);
        w.put("rejected", rejected);
        w.put("rejectedByReason", rejectedBy);
        w.put("missed", expired);
        w.put("unavailable", unavailable);
        w.put("unavailableByReason", unavailableBy);
        w.put("undeliverable", undeliverable);
        w.put("withdrawn", withdrawn);
        w.put("answerMsP50", percentile(answer, 50));
        w.put("answerMsP90", percentile(answer, 90));
        w.put("answered", answer.size());
        return w;
    }

    /** Per minute over the last {@code minutes}: offered, accepted, and lost (missed + unavailable + undeliverable). */
    static List<Map<String, Object>> perMinute(List<Map<String, Object>> ledger, Instant now, int minutes) {
        Instant end = now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = minutes; i > 0; i--) {
            Instant from = end.minus(Duration.ofMinutes(i)), to = from.plus(Duration.ofMinutes(1));
            Map<String, Object> w = window(ledger, from, to);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("minute", from.toString());
            m.put("offered", w.get("offered"));
            m.put("accepted", w.get("accepted"));
            m.put("lost", (long) w.get("missed") + (long) w.get("unavailable") + (long) w.get("undeliverable"));
            out.add(m);
        }
        return out;
    }

    /** Nearest-rank percentile; null when there is no sample. */
    static Long percentile(List<Long> values, int p) {
        if (values.isEmpty()) return null;
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** "ACCEPTED" → "AcceptedAt" (NotificationState.timestampProperty's naming). */
    static String stateProperty(String state) {
        if (state == null || state.isEmpty() || "null".equals(state)) return "";
        return state.charAt(0) + state.substring(1).toLowerCase(java.util.Locale.ROOT) + "At";
    }

    private static boolean in(Instant at, Instant from, Instant to) {
        return at != null && !at.isBefore(from) && at.isBefore(to);
    }

    static Instant instant(Object v) {
        if (v == null) return null;
        if (v instanceof OffsetDateTime o) return o.toInstant();
        if (v instanceof Instant i) return i;
        try {
            return OffsetDateTime.parse(v.toString()).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Object firstNonNull(Object a, Object b) {
        return a != null ? a : b;
    }

    private static String text(Object v, String dflt) {
        return v == null ? dflt : v.toString();
    }

    private static Integer number(Object v) {
        if (v instanceof Number n) return n.intValue();
        if (v == null) return null;
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
