package io.cifpipe.runtime.settings;

import io.cifpipe.model.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed reads of the app settings in {@link Setting} (the one list), over a source such as {@code System::getenv}.
 * Absent or blank values fall back to the setting's default; a required setting without one, or a value that does
 * not parse, fails with an {@link IllegalStateException} naming the key and the expected form (never the value of a
 * {@linkplain Setting#secret() secret} setting).
 */
public final class AppSettings {
    private final Function<String, String> source;

    private AppSettings(Function<String, String> source) {
        this.source = Objects.requireNonNull(source);
    }

    public static AppSettings of(Function<String, String> source) {
        return new AppSettings(source);
    }

    /** The raw source, for code that reads derived keys (e.g. {@code ServiceBusConnection__fullyQualifiedNamespace}). */
    public Function<String, String> source() {
        return source;
    }

    /** The value or default; fails when neither exists. */
    public String string(Setting s) {
        return s.require(source);
    }

    /** The trimmed value or default, empty when neither is set or the value is blank. */
    public Optional<String> optional(Setting s) {
        return s.read(source).map(String::trim).filter(v -> !v.isEmpty());
    }

    public int integer(Setting s) {
        String v = string(s).trim();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid(s, v, "an integer");
        }
    }

    /** An integer of at least 1. */
    public int positiveInteger(Setting s) {
        int v = integer(s);
        if (v < 1) {
            throw invalid(s, Integer.toString(v), "a positive integer");
        }
        return v;
    }

    /** {@code true} or {@code false} (any case); anything else is an error rather than a silent {@code false}. */
    public boolean bool(Setting s) {
        String v = string(s).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(s, v, "true or false");
        };
    }

    /** A positive whole number of seconds, e.g. {@code OfflineRetrySeconds}. */
    public Duration seconds(Setting s) {
        return Duration.ofSeconds(positiveInteger(s));
    }

    /** A positive whole number of minutes, e.g. {@code ClientTokenMinutes}. */
    public Duration minutes(Setting s) {
        return Duration.ofMinutes(positiveInteger(s));
    }

    /** An absolute URI (scheme and host), e.g. {@code Authority}. */
    public URI uri(Setting s) {
        return parseUri(s, string(s).trim());
    }

    public Optional<URI> optionalUri(Setting s) {
        return optional(s).map(v -> parseUri(s, v));
    }

    private URI parseUri(Setting s, String v) {
        try {
            URI uri = new URI(v);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw invalid(s, v, "an absolute URI such as https://host/path");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid(s, v, "an absolute URI such as https://host/path");
        }
    }

    private static IllegalStateException invalid(Setting s, String value, String expected) {
        String shown = s.secret() ? "" : " (was '" + value + "')";
        return new IllegalStateException("App setting '" + s.key() + "' must be " + expected + shown);
    }
}
