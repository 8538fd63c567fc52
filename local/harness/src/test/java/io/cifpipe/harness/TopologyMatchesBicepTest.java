package io.cifpipe.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.SubscriptionOptions;
import io.cifpipe.emulator.servicebus.TopicOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one local definition of the Service Bus entities ({@link Topology#bicep()}) against infra/ Bicep, which is the
 * truth: names, lock durations, delivery counts, TTLs, dead-letter-on-expiry, duplicate detection, subscriptions and
 * their SQL filters. Reads the Bicep text (no Bicep CLI here): parameter defaults, the properties of each resource,
 * and the module call in resources.bicep (an override there wins over the default).
 */
class TopologyMatchesBicepTest {
    static final Path INFRA = root().resolve("infra");
    static final String MODULE = read(INFRA.resolve("modules/servicebus.bicep"));
    static final String RESOURCES = read(INFRA.resolve("resources.bicep"));

    @Test
    void callEventsQueueIsAsBicep() {
        String queue = resource("callEvents");
        assertThat(RESOURCES).contains("var callEventsQueueName = '" + Topology.CALL_EVENTS + "'");
        QueueOptions local = Topology.bicep().callEvents();
        assertThat(local.name()).isEqualTo(Topology.CALL_EVENTS);
        assertThat(local.lockDuration()).isEqualTo(duration(value(queue, "lockDuration")));
        assertThat(local.maxDeliveryCount()).isEqualTo(Integer.parseInt(value(queue, "maxDeliveryCount")));
        assertThat(local.deadLetterOnExpiration())
                .isEqualTo(Boolean.parseBoolean(value(queue, "deadLetteringOnMessageExpiration")));
        assertThat(local.defaultTtl()).isEqualTo(duration(value(queue, "defaultMessageTimeToLive")));
        assertThat(value(queue, "requiresDuplicateDetection")).isEqualTo("true");
        assertThat(local.duplicateDetectionWindow())
                .isEqualTo(duration(value(queue, "duplicateDetectionHistoryTimeWindow")));
        // The figures the issue names: today 10 deliveries and a 1 minute lock.
        assertThat(local.maxDeliveryCount()).isEqualTo(10);
        assertThat(local.lockDuration()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void callOutcomesTopicIsAsBicep() {
        String topic = resource("callOutcomes");
        assertThat(RESOURCES).contains("var callOutcomesTopicName = '" + Topology.CALL_OUTCOMES + "'");
        TopicOptions local = Topology.bicep().callOutcomes();
        assertThat(local.name()).isEqualTo(Topology.CALL_OUTCOMES);
        assertThat(local.defaultTtl()).isEqualTo(duration(value(topic, "defaultMessageTimeToLive")));
        assertThat(value(topic, "requiresDuplicateDetection")).isEqualTo("true");
        assertThat(local.duplicateDetectionWindow())
                .isEqualTo(duration(value(topic, "duplicateDetectionHistoryTimeWindow")));
    }

    @Test
    void subscriptionsAndFiltersAreAsBicep() {
        String sub = resource("callOutcomesSubscription");
        Map<String, String> bicepFilters = subscriptionFilters();
        assertThat(Topology.SUBSCRIPTION_FILTERS).containsExactlyEntriesOf(bicepFilters);
        assertThat(Topology.bicep().outcomeSubscriptions())
                .extracting(SubscriptionOptions::name)
                .containsExactlyElementsOf(bicepFilters.keySet());
        for (SubscriptionOptions local : Topology.bicep().outcomeSubscriptions()) {
            assertThat(local.topic()).isEqualTo(Topology.CALL_OUTCOMES);
            assertThat(local.lockDuration()).as(local.name()).isEqualTo(duration(value(sub, "lockDuration")));
            assertThat(local.maxDeliveryCount())
                    .as(local.name())
                    .isEqualTo(Integer.parseInt(value(sub, "maxDeliveryCount")));
            assertThat(local.deadLetterOnExpiration())
                    .as(local.name())
                    .isEqualTo(Boolean.parseBoolean(value(sub, "deadLetteringOnMessageExpiration")));
            assertThat(local.defaultTtl()).as(local.name()).isEqualTo(duration(value(sub, "defaultMessageTimeToLive")));
        }
        // Bicep replaces $Default with a SqlFilter only where a filter is given.
        assertThat(resource("callOutcomesFilter"))
                .contains("filterType: 'SqlFilter'")
                .contains("sqlExpression: s.sqlFilter")
                .contains("if (!empty(s.sqlFilter))");
    }

    @Test
    void shorterLocksForFaultTestsKeepEverythingElse() {
        Topology fast =
                Topology.bicep().withCallEvents(Duration.ofSeconds(5), 3).withSubscriptionLock(Duration.ofSeconds(5));
        assertThat(fast.callEvents())
                .isEqualTo(Topology.bicep()
                        .callEvents()
                        .withLockDuration(Duration.ofSeconds(5))
                        .withMaxDeliveryCount(3));
        assertThat(fast.callOutcomes()).isEqualTo(Topology.bicep().callOutcomes());
    }

    /** The {@code properties} block of {@code resource <symbol> '...' = ...}. */
    static String resource(String symbol) {
        Matcher m = Pattern.compile("(?m)^resource " + symbol + " '[^']+' = ").matcher(MODULE);
        assertThat(m.find()).as("resource " + symbol + " in servicebus.bicep").isTrue();
        int end = MODULE.indexOf("\n}", m.end());
        return MODULE.substring(m.end(), end);
    }

    /** A property's value: a literal, or a parameter (its override in resources.bicep's module call, else its default). */
    static String value(String block, String property) {
        Matcher m = Pattern.compile("(?m)^\\s*" + property + ": (.+)$").matcher(block);
        assertThat(m.find()).as(property).isTrue();
        String raw = m.group(1).trim();
        if (raw.startsWith("'")) return raw.substring(1, raw.length() - 1);
        if (raw.equals("true") || raw.equals("false") || raw.matches("\\d+")) return raw;
        Matcher override = Pattern.compile("(?m)^\\s*" + raw + ": (.+)$").matcher(serviceBusModuleCall());
        if (override.find()) return resolveVariable(unquote(override.group(1).trim()));
        Matcher param = Pattern.compile("(?m)^param " + raw + " \\w+ = (.+)$").matcher(MODULE);
        assertThat(param.find()).as("default of param " + raw).isTrue();
        return unquote(param.group(1).trim());
    }

    /** An override may name a variable of resources.bicep (e.g. one shared with an app setting): its value. */
    static String resolveVariable(String value) {
        if (!value.matches("[A-Za-z_]\\w*") || value.equals("true") || value.equals("false")) return value;
        Matcher var = Pattern.compile("(?m)^var " + value + " = (.+)$").matcher(RESOURCES);
        assertThat(var.find()).as("var " + value + " in resources.bicep").isTrue();
        return unquote(var.group(1).trim());
    }

    static String serviceBusModuleCall() {
        int start = RESOURCES.indexOf("module serviceBus 'modules/servicebus.bicep'");
        assertThat(start).isNotNegative();
        return RESOURCES.substring(start, RESOURCES.indexOf("\n}", start));
    }

    /** var callOutcomesSubscriptions in resources.bicep: name → SQL filter (\' unescaped). */
    static Map<String, String> subscriptionFilters() {
        int start = RESOURCES.indexOf("var callOutcomesSubscriptions = [");
        assertThat(start).isNotNegative();
        String block = RESOURCES.substring(start, RESOURCES.indexOf("\n]", start));
        Map<String, String> filters = new LinkedHashMap<>();
        Matcher m = Pattern.compile("name: '([^']+)'\\s+sqlFilter: '((?:[^'\\\\]|\\\\')*)'")
                .matcher(block);
        while (m.find()) filters.put(m.group(1), m.group(2).replace("\\'", "'"));
        assertThat(filters).isNotEmpty();
        return filters;
    }

    static String unquote(String s) {
        return s.startsWith("'") ? s.substring(1, s.length() - 1) : s;
    }

    static Duration duration(String iso) {
        return Duration.parse(iso);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("infra/modules"))) return dir;
        }
        throw new IllegalStateException("infra/ not found above " + Path.of("").toAbsolutePath());
    }
}
