package io.cifpipe.ops;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses operator-friendly durations: ISO-8601 ({@code PT10M}) or a number with s/m/h/d ({@code 10m}). */
final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*([smhd])", Pattern.CASE_INSENSITIVE);

    private Durations() {}

    static Duration parse(String text) {
        if (text == null || text.isBlank()) return null;
        Matcher m = SHORT.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (Character.toLowerCase(m.group(2).charAt(0))) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a duration: use e.g. 30s, 10m, 2h, 1d or PT10M");
        }
    }
}
