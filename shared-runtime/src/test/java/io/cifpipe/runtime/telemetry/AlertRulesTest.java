package io.cifpipe.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules issue 21 asks for exist in {@code infra/modules/alerts.bicep} with their thresholds, the thresholds'
 * defaults in {@code main.bicep} are the documented ones, every rule notifies the action group parameter, and the
 * log queries use the metric and attribute names the code emits ({@link TelemetryNames}).
 */
class AlertRulesTest {
    static final Path INFRA = Path.of("..", "infra");
    static final Pattern RESOURCE = Pattern.compile("(?m)^resource (\\w+) '([^']+)' = \\{$");

    @Test
    void everyRuleExistsWithItsSignalAndThreshold() throws IOException {
        Map<String, String> rules = resources(Files.readString(INFRA.resolve("modules/alerts.bicep")));
        assertThat(rules.get("dlqDepth"))
                .contains(
                        "Microsoft.Insights/metricAlerts@",
                        "metricName: 'DeadletteredMessages'",
                        "operator: 'GreaterThan'",
                        "threshold: 0\n",
                        "timeAggregation: 'Maximum'");
        assertThat(rules.get("functionFailures"))
                .contains(
                        "metricName: 'requests/failed'",
                        "operator: 'GreaterThan'",
                        "threshold: functionFailureThreshold");
        assertThat(rules.get("signalRDrops"))
                .contains(
                        "metricName: 'ConnectionCloseCount'",
                        "operator: 'Exclude'",
                        "values: ['Normal']",
                        "threshold: signalRConnectionDropThreshold");
        assertThat(rules.get("undeliverableRate"))
                .contains(
                        "Microsoft.Insights/scheduledQueryRules@",
                        "format(outcomeRateQuery, 'Undeliverable')",
                        "metricMeasureColumn: 'ratePercent'",
                        "operator: 'GreaterThan'",
                        "threshold: undeliverableRatePercent");
        assertThat(rules.get("missedRate"))
                .contains("format(outcomeRateQuery, 'Expired')", "threshold: missedRatePercent");
        assertThat(rules.get("workbook")).contains("Microsoft.Insights/workbooks@", "sourceId: appInsights.id");
        for (String rule : new String[] {"dlqDepth", "functionFailures", "signalRDrops"}) {
            assertThat(rules.get(rule)).as(rule).contains("actions: actions");
        }
        for (String rule : new String[] {"undeliverableRate", "missedRate"}) {
            assertThat(rules.get(rule)).as(rule).contains("actionGroups: empty(actionGroupId) ? [] : [actionGroupId]");
        }
    }

    @Test
    void thresholdsAreMainParametersWithTheDocumentedDefaultsAndReachTheModule() throws IOException {
        String main = Files.readString(INFRA.resolve("main.bicep"));
        assertThat(main)
                .contains(
                        "param alertActionGroupId string = ''",
                        "param undeliverableRatePercent int = 5",
                        "param missedRatePercent int = 20",
                        "param functionFailureThreshold int = 5",
                        "param signalRConnectionDropThreshold int = 20");
        String resources = Files.readString(INFRA.resolve("resources.bicep"));
        assertThat(resources)
                .contains(
                        "module alerts 'modules/alerts.bicep'",
                        "actionGroupId: alertActionGroupId",
                        "undeliverableRatePercent: undeliverableRatePercent",
                        "missedRatePercent: missedRatePercent",
                        "functionFailureThreshold: functionFailureThreshold",
                        "signalRConnectionDropThreshold: signalRConnectionDropThreshold");
        String doc = Files.readString(Path.of("..", "docs", "telemetry.md"));
        assertThat(doc)
                .contains(
                        "`undeliverableRatePercent` (5)",
                        "`missedRatePercent` (20)",
                        "`functionFailureThreshold` (5)",
                        "`signalRConnectionDropThreshold` (20)");
    }

    @Test
    void queriesUseTheNamesTheAppsEmit() throws IOException {
        String alerts = Files.readString(INFRA.resolve("modules/alerts.bicep"));
        Matcher names = Pattern.compile("\"(cifpipe\\.[a-z0-9._]+)\"").matcher(alerts);
        java.util.Set<String> used = new java.util.TreeSet<>();
        while (names.find()) used.add(names.group(1));
        assertThat(used).isNotEmpty().allSatisfy(n -> assertThat(n)
                .isIn(concat(TelemetryNames.METRICS, TelemetryNames.SPANS, TelemetryNames.ATTRIBUTES)));
        assertThat(used)
                .contains(
                        TelemetryNames.METRIC_OUTCOMES,
                        TelemetryNames.ATTR_OUTCOME,
                        TelemetryNames.SPAN_PRESENCE_DECIDE,
                        TelemetryNames.ATTR_ANSWER_MS);
    }

    @SafeVarargs
    private static java.util.List<String> concat(java.util.List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(java.util.List::stream).toList();
    }

    /** Resource symbol → its block (up to the next top-level declaration). */
    static Map<String, String> resources(String bicep) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = RESOURCE.matcher(bicep);
        while (m.find()) {
            int end = bicep.indexOf("\n}\n", m.end());
            out.put(m.group(1), m.group(2) + "\n" + bicep.substring(m.end(), end < 0 ? bicep.length() : end + 2));
        }
        return out;
    }
}
