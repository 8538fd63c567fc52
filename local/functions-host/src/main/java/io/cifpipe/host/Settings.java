package io.cifpipe.host;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app settings one Functions app sees. Precedence (highest first): settings given to the builder,
 * the process environment, {@code local.settings.json} {@code Values} — the same order Core Tools uses
 * ("skipping X from local.settings.json, already defined in the environment") with devstack on top.
 */
public final class Settings {
    private static final Pattern PLACEHOLDER = Pattern.compile("%([^%\\s]+)%");
    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        // App settings are case-insensitive in Azure (they become Windows/Linux env vars; lookups ignore case).
        TreeMap<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.putAll(values);
        this.values = m;
    }

    public static Settings layered(
            Map<String, String> localSettingsValues, Map<String, String> environment, Map<String, String> explicit) {
        TreeMap<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.putAll(localSettingsValues);
        m.putAll(environment);
        m.putAll(explicit);
        return new Settings(m);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    /** Replaces every {@code %Name%} with the setting's value, as the host does for binding attributes. */
    public String resolve(String text) {
        if (text == null || text.indexOf('%') < 0) return text;
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = values.get(key);
            if (value == null) {
                throw new IllegalStateException("app setting '" + key + "' referenced as %" + key + "% is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
