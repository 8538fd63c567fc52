package io.cifpipe.host.timer;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Functions timer schedule: 6-field NCRONTAB {@code second minute hour day month day-of-week}
 * ({@code *}, values, ranges {@code a-b}, lists, steps {@code *&#47;n} / {@code a-b/n} / {@code a/n},
 * month and weekday names), a 5-field expression (seconds = 0), or a TimeSpan {@code hh:mm:ss} interval.
 * Day and day-of-week must BOTH match (NCrontab semantics, unlike Vixie cron's OR). Times are evaluated in
 * UTC, the Functions default without WEBSITE_TIME_ZONE. Hand-written: the only Java cron libraries
 * (Quartz, cron-utils) use different syntax and '?' rules, and the host needs exactly NCrontab's.
 */
public final class NCronTab {
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** Bound on the search: a schedule with no occurrence in this many steps (e.g. "0 0 0 30 2 *") has none. */
    private static final int MAX_STEPS = 200_000;

    private final String expression;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet days;
    private final BitSet months;
    private final BitSet weekdays;
    private final Duration interval;

    private NCronTab(String expression, BitSet[] fields, Duration interval) {
        this.expression = expression;
        this.interval = interval;
        if (fields == null) {
            seconds = minutes = hours = days = months = weekdays = null;
        } else {
            seconds = fields[0];
            minutes = fields[1];
            hours = fields[2];
            days = fields[3];
            months = fields[4];
            weekdays = fields[5];
        }
    }

    public static NCronTab parse(String expression) {
        if (expression == null || expression.isBlank()) throw new IllegalArgumentException("timer schedule is empty");
        String expr = expression.trim();
        if (expr.matches("\\d+(\\.\\d+)?:\\d{1,2}:\\d{1,2}")) {
            String[] p = expr.split(":");
            String[] dh = p[0].split("\\.");
            long h = dh.length == 2 ? Long.parseLong(dh[0]) * 24 + Long.parseLong(dh[1]) : Long.parseLong(dh[0]);
            Duration d = Duration.ofHours(h).plusMinutes(Long.parseLong(p[1])).plusSeconds(Long.parseLong(p[2]));
            if (d.isZero()) throw new IllegalArgumentException("timer interval '" + expression + "' is zero");
            return new NCronTab(expression, null, d);
        }
        String[] f = expr.split("\\s+");
        if (f.length == 5) f = new String[] {"0", f[0], f[1], f[2], f[3], f[4]};
        if (f.length != 6) {
            throw new IllegalArgumentException("timer schedule '" + expression
                    + "' must have 6 fields (second minute hour day month day-of-week)");
        }
        BitSet[] fields = {
            field(f[0], 0, 59, null, "second", expression),
            field(f[1], 0, 59, null, "minute", expression),
            field(f[2], 0, 23, null, "hour", expression),
            field(f[3], 1, 31, null, "day", expression),
            field(f[4], 1, 12, MONTHS, "month", expression),
            field(f[5], 0, 7, DAYS, "day-of-week", expression),
        };
        if (fields[5].get(7)) fields[5].set(0); // 7 is Sunday too
        return new NCronTab(expression, fields, null);
    }

    private static BitSet field(String text, int min, int max, List<String> names, String what, String expr) {
        BitSet bits = new BitSet(max + 1);
        for (String item : text.split(",")) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                step = number(item.substring(slash + 1), null, what, expr);
                if (step <= 0) throw bad(expr, what, "step must be positive");
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max == 7 ? 6 : max;
            } else if (range.contains("-")) {
                String[] ab = range.split("-", 2);
                lo = number(ab[0], names, what, expr);
                hi = number(ab[1], names, what, expr);
            } else {
                lo = number(range, names, what, expr);
                hi = slash >= 0 ? (max == 7 ? 6 : max) : lo;
            }
            if (lo < min || hi > max || lo > hi) {
                throw bad(expr, what, "'" + item + "' is outside " + min + "-" + max);
            }
            for (int v = lo; v <= hi; v += step) bits.set(v);
        }
        return bits;
    }

    private static int number(String s, List<String> names, String what, String expr) {
        if (names != null) {
            int idx = names.indexOf(s.toUpperCase(Locale.ROOT));
            if (idx >= 0) return names == MONTHS ? idx + 1 : idx;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw bad(expr, what, "'" + s + "' is not a number");
        }
    }

    private static IllegalArgumentException bad(String expr, String field, String why) {
        return new IllegalArgumentException("timer schedule '" + expr + "': " + field + " field: " + why);
    }

    public String expression() {
        return expression;
    }

    /** The first occurrence strictly after {@code after} (UTC wall-clock), or empty if there is none. */
    public Optional<LocalDateTime> next(LocalDateTime after) {
        if (interval != null) return Optional.of(after.plus(interval).truncatedTo(ChronoUnit.SECONDS));
        LocalDateTime t = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        for (int step = 0; step < MAX_STEPS; step++) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!days.get(t.getDayOfMonth())
                    || !weekdays.get(t.getDayOfWeek().getValue() % 7)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            } else if (!seconds.get(t.getSecond())) {
                t = t.plusSeconds(1);
            } else {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return expression;
    }
}
