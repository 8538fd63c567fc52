package io.cifpipe.model.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cifpipe.model.Names;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks infra/ (Bicep, parameters, azd hooks, azure.yaml) against the code's single lists of names:
 * {@link Setting} (which app reads which setting) and {@link Names}. Bicep itself cannot be compiled here; these
 * checks cover what a wrong name or a forgotten setting would break at deploy or run time.
 */
class InfraConsistencyTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path INFRA = REPO.resolve("infra");
    private static final Bicep RESOURCES = Bicep.read(INFRA.resolve("resources.bicep"));
    private static final Bicep MAIN = Bicep.read(INFRA.resolve("main.bicep"));
    private static final Bicep FUNCTION_APP = Bicep.read(INFRA.resolve("modules/functionapp.bicep"));

    /** Identity-based forms the Functions runtime / RuntimeClients accept instead of a connection string. */
    private static final Map<Setting, String> IDENTITY_FORM = Map.of(
            Setting.SERVICE_BUS_CONNECTION, "__fullyQualifiedNamespace",
            Setting.TABLES_CONNECTION, "__tableServiceUri");
    /** Companions of an identity-based connection (which credential; which user-assigned identity). */
    private static final List<String> IDENTITY_COMPANIONS = List.of("__credential", "__clientId");
    /** Settings the platform reads, set by modules/functionapp.bicep; none of them is ours. */
    private static final Set<String> PLATFORM_SETTINGS = Set.of(
            "AzureWebJobsStorage__accountName",
            "AzureWebJobsStorage__credential",
            "AzureWebJobsStorage__clientId",
            "AZURE_CLIENT_ID", // DefaultAzureCredential → the app's user-assigned identity
            "FUNCTIONS_EXTENSION_VERSION",
            "FUNCTIONS_WORKER_RUNTIME", // Premium only (Flex sets the runtime itself)
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
            "WEBSITE_CONTENTSHARE", // Premium content share
            "APPLICATIONINSIGHTS_ENABLE_AGENT"); // the Java worker's Application Insights agent (issue 21)
    /** Settings whose infra value deliberately differs from the code default (why in infra/README.md). */
    private static final Set<Setting> STRICTER_IN_AZURE = Set.of(Setting.INGRESS_REQUIRE_APP_TOKEN);
    /** Settings whose value is per deployment (a parameter without a code default to compare with). */
    private static final Set<Setting> PER_DEPLOYMENT =
            Set.of(Setting.ALLOWED_ORIGINS, Setting.SIGNALR_UPSTREAM_RESOURCE, Setting.SIGNALR_UPSTREAM_PRINCIPAL_ID);

    private static Map<String, String> appSettings(Setting.App app) {
        return RESOURCES.objectVar(app.name().toLowerCase() + "AppSettings");
    }

    @Test
    void everySettingAnAppReadsIsProvisionedForItAndNothingUnknownIsSet() {
        List<String> problems = new ArrayList<>();
        for (Setting.App app : Setting.App.values()) {
            Set<String> provisioned = new TreeSet<>(appSettings(app).keySet());
            Set<String> allowed = new HashSet<>();
            for (Setting s : Setting.forApp(app)) {
                String form = IDENTITY_FORM.get(s);
                String expected = form == null ? s.key() : s.key() + form;
                allowed.add(expected);
                if (!provisioned.contains(expected)) problems.add(app + " lacks " + expected);
                if (form != null) {
                    IDENTITY_COMPANIONS.forEach(c -> allowed.add(s.key() + c));
                    if (provisioned.contains(s.key())) {
                        problems.add(app + " sets the connection string " + s.key() + " although identity works");
                    }
                }
            }
            for (String key : provisioned) {
                if (!allowed.contains(key)) problems.add(app + " sets " + key + ", which the code never reads for it");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theFunctionAppModuleAddsOnlyPlatformSettings() {
        Set<String> platform = new TreeSet<>();
        platform.addAll(FUNCTION_APP.objectVar("identityStorageSettings").keySet());
        // premiumSettings = isFlex ? {} : { … }
        platform.addAll(FUNCTION_APP.objectVar("premiumSettings").keySet());
        platform.addAll(FUNCTION_APP.objectVar("monitoringSettings").keySet());
        assertThat(platform).isNotEmpty().isSubsetOf(PLATFORM_SETTINGS);
        Set<String> ours = new HashSet<>();
        for (Setting s : Setting.values()) ours.add(s.key());
        assertThat(platform).doesNotContainAnyElementsOf(ours);
        assertThat(FUNCTION_APP.text()).contains("properties: union(platformSettings, appSettings)");
    }

    @Test
    void namesAndDefaultsMatchTheSettingList() {
        List<String> problems = new ArrayList<>();
        for (Setting.App app : Setting.App.values()) {
            appSettings(app).forEach((key, expression) -> {
                Setting s = Stream.of(Setting.values())
                        .filter(x -> x.key().equals(key))
                        .findFirst()
                        .orElse(null);
                if (s == null
                        || s.defaultValue().isEmpty()
                        || STRICTER_IN_AZURE.contains(s)
                        || PER_DEPLOYMENT.contains(s)) return;
                var value = RESOURCES.resolve(expression).or(() -> MAIN.resolve(expression));
                // Parameters flow main.bicep → resources.bicep under the same name; their defaults live in main.
                if (value.isEmpty() && expression.matches("(string\\()?\\w+\\)?")) {
                    String name = expression.replace("string(", "").replace(")", "");
                    value = MAIN.resolve(name);
                }
                if (value.isEmpty()) {
                    problems.add(
                            app + " " + key + " = " + expression + " is not a literal infra can be checked against");
                } else if (!value.get().equals(s.defaultValue().get())) {
                    problems.add(app + " " + key + " = '" + value.get() + "' but the code default is '"
                            + s.defaultValue().get() + "'");
                }
            });
        }
        assertThat(problems).isEmpty();
        // The resources themselves are created with those names.
        var serviceBus = RESOURCES.modules().get("serviceBus").params();
        assertThat(RESOURCES.resolve(serviceBus.get("callEventsQueueName")))
                .contains(Setting.CALL_EVENTS_QUEUE.defaultValue().get());
        assertThat(RESOURCES.resolve(serviceBus.get("callOutcomesTopicName")))
                .contains(Setting.CALL_OUTCOMES_TOPIC.defaultValue().get());
        var storage = RESOURCES.modules().get("storage").params();
        assertThat(RESOURCES.resolve(storage.get("connectionsTableName")))
                .contains(Setting.CONNECTIONS_TABLE.defaultValue().get());
        assertThat(RESOURCES.resolve(storage.get("notificationsTableName")))
                .contains(Setting.NOTIFICATIONS_TABLE.defaultValue().get());
        assertThat(RESOURCES.resolve(storage.get("agentsTableName")))
                .contains(Setting.AGENTS_TABLE.defaultValue().get());
        assertThat(RESOURCES.resolve(RESOURCES.modules().get("signalR").params().get("hubName")))
                .contains(Setting.HUB_NAME.defaultValue().get());
        assertThat(MAIN.params().get("ingressRequireAppToken")).isEqualTo("'true'");
    }

    @Test
    void callOutcomesIsATopicWithTheSubscriptionsAndFiltersTheCodeNames() throws IOException {
        assertThat(RESOURCES.modules().get("serviceBus").params().get("callOutcomesSubscriptions"))
                .isEqualTo("callOutcomesSubscriptions");
        // var callOutcomesSubscriptions = [ { name: '...' sqlFilter: '...' } ... ]: name -> filter, \' unescaped.
        String text = RESOURCES.text();
        int start = text.indexOf("var callOutcomesSubscriptions = [");
        assertThat(start).as("var callOutcomesSubscriptions in resources.bicep").isNotNegative();
        String block = text.substring(start, text.indexOf("\n]", start));
        Map<String, String> subscriptions = new java.util.LinkedHashMap<>();
        var m = java.util.regex.Pattern.compile("name: '([^']+)'\\s+sqlFilter: '((?:[^'\\\\]|\\\\')*)'")
                .matcher(block);
        while (m.find()) subscriptions.put(m.group(1), m.group(2).replace("\\'", "'"));
        assertThat(subscriptions)
                .containsExactly(
                        Map.entry(OutcomeSubscriptions.TELEPHONY, ""),
                        Map.entry(OutcomeSubscriptions.OPERATIONS, OutcomeSubscriptions.OPERATIONS_FILTER));
        String module = Files.readString(INFRA.resolve("modules/servicebus.bicep"));
        assertThat(module)
                .contains("'Microsoft.ServiceBus/namespaces/topics@")
                .contains("'Microsoft.ServiceBus/namespaces/topics/subscriptions@")
                .contains("'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@")
                .contains("name: '$Default'")
                // Basic has no topics.
                .contains("@allowed(['Standard', 'Premium'])")
                .doesNotContain("callOutcomesQueueName");
    }

    @Test
    void signalRUpstreamPointsAtPresencesHttpRouteWithManagedIdentityAndNoSecret() throws IOException {
        Map<String, String> signalR = RESOURCES.modules().get("signalR").params();
        // The route presence's SignalRUpstreamFunction serves, with SignalR's own placeholders; no ?code= key.
        assertThat(signalR.get("upstreamUrlTemplate"))
                .isEqualTo("'https://${presenceHostName}/api/" + Names.SIGNALR_UPSTREAM_ROUTE + "'")
                .doesNotContain("?");
        assertThat(RESOURCES.varExpression("presenceHostName")).contains("'${presenceAppName}.azurewebsites.net'");
        // SignalR authenticates upstream calls with its identity's token for the resource presence checks.
        assertThat(signalR.get("upstreamResource")).isEqualTo("apiClientId");
        Map<String, String> presence = appSettings(Setting.App.PRESENCE);
        assertThat(presence.get(Setting.SIGNALR_UPSTREAM_RESOURCE.key())).isEqualTo(signalR.get("upstreamResource"));
        assertThat(presence.get(Setting.SIGNALR_UPSTREAM_PRINCIPAL_ID.key())).isEqualTo("signalR.outputs.principalId");
        String module = Files.readString(INFRA.resolve("modules/signalr.bicep"));
        assertThat(module)
                .contains("identity: { type: 'SystemAssigned' }")
                .contains("urlTemplate: upstreamUrlTemplate")
                .containsPattern(
                        "auth: \\{\\s*type: 'ManagedIdentity'\\s*managedIdentity: \\{ resource: upstreamResource \\}")
                .contains("disableLocalAuth: true")
                .contains("output principalId string = signalR.identity.principalId");
        // No post-deploy key copying: no hook, no key parameter, nothing azd has to carry between runs.
        assertThat(Files.exists(INFRA.resolve("hooks/postdeploy.sh"))).isFalse();
        assertThat(Files.readString(REPO.resolve("azure.yaml")))
                .doesNotContain("postdeploy")
                .doesNotContain("postprovision");
        assertThat(Files.readString(INFRA.resolve("main.parameters.json"))).doesNotContain("SIGNALR_UPSTREAM_KEY");
        assertThat(MAIN.params()).doesNotContainKey("signalRUpstreamKey");
    }

    @Test
    void signalRIsKeylessAndEveryAppThatCallsItHasTheRestRoleAndItsOwnIdentity() throws IOException {
        // No access key anywhere: not read from the resource, not in a setting.
        for (Path f : List.of(
                INFRA.resolve("resources.bicep"),
                INFRA.resolve("main.bicep"),
                INFRA.resolve("modules/signalr.bicep"))) {
            String text = Files.readString(f);
            assertThat(text)
                    .as(f.toString())
                    .doesNotContain("primaryConnectionString")
                    .doesNotContain("primaryKey")
                    .doesNotContainPattern("(?i)signalR\\w*\\.listKeys");
        }
        String principals = RESOURCES.modules().get("signalR").params().get("restApiPrincipals");
        for (Setting.App app : Setting.App.values()) {
            String identity = app.name().toLowerCase() + "Identity";
            String cs = appSettings(app).get(Setting.SIGNALR_CONNECTION.key());
            if (Setting.SIGNALR_CONNECTION.apps().contains(app)) {
                // AuthType=azure.msi with the app's own user-assigned identity (DefaultAzureCredential → that
                // identity).
                assertThat(cs)
                        .as(app + " SignalR connection")
                        .isEqualTo("'Endpoint=${signalREndpoint};AuthType=azure.msi;ClientId=${" + identity
                                + ".outputs.clientId};Version=1.0;'");
                assertThat(principals).as(app + " has the REST role").contains(identity + ".outputs.principalId");
            } else {
                assertThat(principals).as(app + " must not get SignalR rights").doesNotContain(identity);
            }
        }
        String module = Files.readString(INFRA.resolve("modules/signalr.bicep"));
        // SignalR REST API Owner (built-in role id), assigned on the SignalR resource only.
        assertThat(module)
                .contains("var restApiOwnerRoleId = 'fd53cd77-2268-407a-8f46-7e7863d0f521'")
                .contains("[for principalId in restApiPrincipals:")
                .contains("scope: signalR");
    }

    @Test
    void modulesAreWiredToParametersThatExist() {
        List<String> problems = new ArrayList<>();
        for (Bicep caller : List.of(MAIN, RESOURCES)) {
            caller.modules().forEach((symbol, module) -> {
                Path target = caller.path().getParent().resolve(module.path());
                if (!Files.exists(target)) {
                    problems.add(caller.path().getFileName() + ": module " + symbol + " -> missing " + module.path());
                    return;
                }
                Map<String, String> declared = Bicep.read(target).params();
                for (String p : module.params().keySet()) {
                    if (!declared.containsKey(p)) problems.add(symbol + " passes unknown param " + p);
                }
                declared.forEach((p, dflt) -> {
                    if (dflt == null && !module.params().containsKey(p))
                        problems.add(symbol + " misses required param " + p);
                });
            });
        }
        assertThat(problems).isEmpty();
        assertThat(RESOURCES.modules())
                .containsKeys(
                        "ingressApp", "dispatchApp", "presenceApp", "serviceBus", "storage", "signalR", "monitoring");
    }

    @Test
    void parameterFileMatchesMainBicep() throws IOException {
        JsonNode parameters = new ObjectMapper()
                .readTree(INFRA.resolve("main.parameters.json").toFile())
                .get("parameters");
        Map<String, String> declared = MAIN.params();
        List<String> problems = new ArrayList<>();
        parameters.fieldNames().forEachRemaining(p -> {
            if (!declared.containsKey(p)) problems.add("main.parameters.json sets unknown " + p);
        });
        declared.forEach((p, dflt) -> {
            if (dflt == null && !parameters.has(p))
                problems.add("required param " + p + " missing in main.parameters.json");
        });
        assertThat(problems).isEmpty();
        assertThat(MAIN.text()).startsWith("// ").contains("targetScope = 'subscription'");
    }

    @Test
    void azureYamlDeploysTheThreeAppsFromTheirMavenStagingFolders() throws IOException {
        String yaml = Files.readString(REPO.resolve("azure.yaml"));
        for (String app : List.of("ingress", "dispatch", "presence")) {
            String pom = Files.readString(REPO.resolve("functions-" + app + "/pom.xml"));
            String appName = pom.replaceAll("(?s).*<functionAppName>([^<]+)</functionAppName>.*", "$1");
            assertThat(yaml)
                    .contains("  " + app + ":\n    project: ./functions-" + app + "\n    language: java\n"
                            + "    host: function\n")
                    .contains("dist: target/azure-functions/" + appName);
            assertThat(RESOURCES.text()).contains("serviceName: '" + app + "'");
        }
    }

    @Test
    void everyBicepFileHasBalancedBracketsAndNoWildcardCors() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(INFRA)) {
            files = s.filter(p -> p.toString().endsWith(".bicep")).toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        for (Path f : files) {
            Bicep b = Bicep.read(f);
            int curly = 0, square = 0, round = 0;
            for (String l : b.lines()) {
                curly += Bicep.count(l, '{') - Bicep.count(l, '}');
                square += Bicep.count(l, '[') - Bicep.count(l, ']');
                round += Bicep.count(l, '(') - Bicep.count(l, ')');
            }
            assertThat(List.of(curly, square, round)).as(f.toString()).containsOnly(0);
            assertThat(b.text())
                    .as(f.toString())
                    .doesNotContain("allowedOrigins: ['*']")
                    .doesNotContain("'*']");
        }
    }
}
