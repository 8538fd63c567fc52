package io.cifpipe.model.ledger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;

/** Conversions between our types and the plain values a Table entity holds (no Azure types here). */
final class TableValues {
    private TableValues() {}

    static OffsetDateTime toTable(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null) return null;
        if (v instanceof OffsetDateTime o) return o.toInstant();
        if (v instanceof Instant i) return i;
        if (v instanceof Date d) return d.toInstant();
        if (v instanceof java.time.ZonedDateTime z) return z.toInstant();
        if (v instanceof String s) return OffsetDateTime.parse(s).toInstant();
        throw new IllegalArgumentException(
                "property " + key + " is not a date-time: " + v.getClass().getName());
    }

    static String string(Map<String, Object> p, String key) {
        Object v = p.get(key);
        return v == null ? null : v.toString();
    }

    static String requiredString(Map<String, Object> p, String key) {
        String v = string(p, key);
        if (v == null) throw new IllegalArgumentException("property " + key + " is missing");
        return v;
    }

    static Integer integer(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null) return null;
        if (v instanceof Number n) return n.intValue();
        return Integer.valueOf(v.toString());
    }

    static void putIfNotNull(Map<String, Object> m, String key, Object value) {
        if (value != null) m.put(key, value);
    }
}
