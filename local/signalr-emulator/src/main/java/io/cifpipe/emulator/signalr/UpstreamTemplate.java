package io.cifpipe.emulator.signalr;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * One upstream setting item as in Azure: a URL template with {@code {hub}}, {@code {category}} and {@code {event}}
 * placeholders (values URI-escaped) and three rules. A rule is {@code *} (any), a comma-separated list, or one name;
 * matching is case-insensitive. Items are tried in order; the first match wins. {@code authResource} non-null is
 * Azure's {@code auth: {type: ManagedIdentity, managedIdentity: {resource}}}: each request carries
 * {@code Authorization: Bearer <token for that resource>} from the emulator's {@link UpstreamTokenSource}.
 */
public record UpstreamTemplate(
        String urlTemplate, String hubRule, String categoryRule, String eventRule, String authResource) {

    public UpstreamTemplate(String urlTemplate, String hubRule, String categoryRule, String eventRule) {
        this(urlTemplate, hubRule, categoryRule, eventRule, null);
    }

    public UpstreamTemplate {
        Objects.requireNonNull(urlTemplate, "urlTemplate");
        if (!urlTemplate.startsWith("http://") && !urlTemplate.startsWith("https://")) {
            throw new IllegalArgumentException("upstream URL template must be http(s): " + urlTemplate);
        }
        hubRule = hubRule == null || hubRule.isBlank() ? "*" : hubRule;
        categoryRule = categoryRule == null || categoryRule.isBlank() ? "*" : categoryRule;
        eventRule = eventRule == null || eventRule.isBlank() ? "*" : eventRule;
    }

    /** A template that receives every hub, category and event. */
    public static UpstreamTemplate of(String urlTemplate) {
        return new UpstreamTemplate(urlTemplate, "*", "*", "*");
    }

    /** This item with managed-identity auth for {@code resource}. */
    public UpstreamTemplate withManagedIdentity(String resource) {
        return new UpstreamTemplate(urlTemplate, hubRule, categoryRule, eventRule, Objects.requireNonNull(resource));
    }

    public boolean matches(String hub, String category, String event) {
        return ruleMatches(hubRule, hub) && ruleMatches(categoryRule, category) && ruleMatches(eventRule, event);
    }

    public String expand(String hub, String category, String event) {
        return urlTemplate
                .replace("{hub}", PathCodec.encode(hub))
                .replace("{category}", PathCodec.encode(category))
                .replace("{event}", PathCodec.encode(event));
    }

    private static boolean ruleMatches(String rule, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return Arrays.stream(rule.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .anyMatch(r -> r.equals("*") || r.equals(v));
    }
}
