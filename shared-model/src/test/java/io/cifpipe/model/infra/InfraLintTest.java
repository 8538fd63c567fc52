package io.cifpipe.model.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Known-bad deployment patterns ({@link BicepLint}) are absent from infra/ and azure.yaml; each rule is shown to fire
 * on a snippet of the mistake it guards against (taken from earlier versions of infra/).
 */
class InfraLintTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path INFRA = REPO.resolve("infra");

    /**
     * Lines allowed to name a public-cloud host, with the reason. The presence host name is known before the app
     * exists only by its default form, because SignalR's upstream must be set before presence is created.
     */
    private static final Set<String> ALLOWED_HOST_LINES =
            Set.of("var presenceHostName = '${presenceAppName}.azurewebsites.net'");

    // ---------------------------------------------------------------- our files

    @Test
    void infraHasNoKnownBadPattern() throws IOException {
        List<BicepLint.Finding> findings = new ArrayList<>();
        for (Path f : bicepFiles()) {
            String text = Files.readString(f);
            String name = REPO.relativize(f).toString();
            Function<String, String> callee = path -> read(f.getParent().resolve(path));
            findings.addAll(BicepLint.hardCodedCloudHosts(name, text, ALLOWED_HOST_LINES));
            findings.addAll(BicepLint.insecureSecrets(name, text, callee));
            findings.addAll(BicepLint.outdatedApiVersions(name, text));
            findings.addAll(BicepLint.principalTypeFixed(name, text, callee));
        }
        findings.addAll(BicepLint.hardCodedCloudHosts("azure.yaml", read(REPO.resolve("azure.yaml")), Set.of()));
        try (Stream<Path> s = Files.list(INFRA.resolve("hooks"))) {
            for (Path f : s.toList()) {
                findings.addAll(BicepLint.hardCodedCloudHosts(REPO.relativize(f).toString(), read(f), Set.of()));
            }
        }
        assertThat(findings).isEmpty();
        // The allow-list holds nothing stale.
        String resources = read(INFRA.resolve("resources.bicep"));
        ALLOWED_HOST_LINES.forEach(l -> assertThat(resources).contains(l));
    }

    @Test
    void theLintSeesEveryBicepFileAndItsModules() throws IOException {
        List<Path> files = bicepFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        int resources = 0, modules = 0;
        for (Path f : files) {
            String text = Files.readString(f);
            resources +=
                    (int) text.lines().filter(l -> l.startsWith("resource ")).count();
            modules += BicepLint.parse(text).modules().size();
        }
        assertThat(resources).isGreaterThan(20);
        assertThat(modules).isGreaterThanOrEqualTo(10);
        // Secrets do reach module params: the rule has something to check, and those params are @secure().
        var p = BicepLint.parse(read(INFRA.resolve("resources.bicep")));
        var ingress = p.modules().stream()
                .filter(m -> m.symbol().equals("ingressApp"))
                .findFirst()
                .orElseThrow();
        assertThat(BicepLint.carriesSecret(ingress.params().get("appSettings"), p))
                .isTrue();
        assertThat(BicepLint.parse(read(INFRA.resolve("modules/functionapp.bicep")))
                        .params()
                        .get("appSettings")
                        .secure())
                .isTrue();
    }

    @Test
    void azureYamlNamesTheMinimumAzdVersionForJavaOnFlex() {
        String yaml = read(REPO.resolve("azure.yaml"));
        Matcher m = Pattern.compile("(?m)^requiredVersions:\\n  azd: \"?>= ?(\\d+)\\.(\\d+)\\.(\\d+)\"?$")
                .matcher(yaml);
        assertThat(m.find()).as("requiredVersions.azd in azure.yaml").isTrue();
        int[] v = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        // 1.9.4: Flex Consumption deploy; 1.10.0: Java Azure Functions (azd CHANGELOG).
        assertThat(v[0] * 1_000_000 + v[1] * 1_000 + v[2]).isGreaterThanOrEqualTo(1_010_000);
        // The role-propagation wait runs before every deploy, on both platforms.
        assertThat(yaml)
                .contains(
                        "  predeploy:\n    posix:\n      shell: sh\n      run: java infra/hooks/WaitForRolePropagation.java\n"
                                + "    windows:\n      shell: pwsh\n      run: java infra/hooks/WaitForRolePropagation.java\n");
        assertThat(Files.exists(INFRA.resolve("hooks/WaitForRolePropagation.java")))
                .isTrue();
        String main = read(INFRA.resolve("main.bicep"));
        for (String output : List.of("AZURE_RESOURCE_GROUP", "STORAGE_ACCOUNT_NAME", "APP_PRINCIPAL_IDS")) {
            assertThat(main).containsPattern("(?m)^output " + output + " string = ");
        }
    }

    // ---------------------------------------------------------------- each rule fires on the mistake it guards

    @Test
    void hardCodedHostsAreFoundOutsideComments() {
        String bad = """
                // e.g. sb-abc.servicebus.windows.net — a comment may say so
                output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
                param authorityHost string = 'https://login.microsoftonline.com'
                var blob = 'https://${name}.blob.core.windows.net/'
                var ok = environment().suffixes.storage
                """;
        var findings = BicepLint.hardCodedCloudHosts("bad.bicep", bad, Set.of());
        assertThat(findings).extracting(BicepLint.Finding::line).containsExactly(2, 3, 4);
        assertThat(findings.get(0).message()).contains("servicebus.windows.net");
        assertThat(BicepLint.hardCodedCloudHosts(
                        "bad.bicep",
                        bad,
                        Set.of("output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'")))
                .hasSize(2);
        assertThat(BicepLint.hardCodedCloudHosts("azure.yaml", "# see https://management.azure.com\nx: 1\n", Set.of()))
                .isEmpty();
        assertThat(BicepLint.hardCodedCloudHosts("azure.yaml", "endpoint: https://management.azure.com\n", Set.of()))
                .hasSize(1);
    }

    @Test
    void aKeyPassedToANonSecureModuleParamIsFound() {
        String caller = """
                resource signalRResource 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
                  name: signalRName
                }
                var dispatchAppSettings = {
                  HubName: hubName
                  AzureSignalRConnectionString: signalRResource.listKeys().primaryConnectionString
                }
                var plainSettings = {
                  HubName: hubName
                }
                module dispatchApp 'modules/functionapp.bicep' = {
                  name: 'func-dispatch'
                  params: {
                    name: dispatchAppName
                    appSettings: dispatchAppSettings
                  }
                }
                module otherApp 'modules/functionapp.bicep' = {
                  name: 'func-other'
                  params: {
                    name: otherAppName
                    appSettings: plainSettings
                  }
                }
                """;
        String notSecure = """
                param name string
                @description('The app settings the code reads.')
                param appSettings object
                """;
        String secure = """
                param name string
                @secure()
                @description('The app settings the code reads.')
                param appSettings object
                """;
        var findings = BicepLint.insecureSecrets("resources.bicep", caller, path -> notSecure);
        assertThat(findings).hasSize(1);
        assertThat(findings.get(0).message()).contains("module dispatchApp").contains("param appSettings");
        assertThat(BicepLint.insecureSecrets("resources.bicep", caller, path -> secure))
                .isEmpty();
        // A module output named like a secret counts as one (the old monitoring.outputs.connectionString).
        String viaOutput = caller.replace(
                "  HubName: hubName\n}\nmodule dispatchApp",
                "  HubName: hubName\n  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString\n}\nmodule dispatchApp");
        assertThat(viaOutput).isNotEqualTo(caller);
        assertThat(BicepLint.insecureSecrets("resources.bicep", viaOutput, path -> notSecure))
                .hasSize(2);
    }

    @Test
    void aSecretOutputOrASecretLookingPlainParamIsFound() {
        String monitoring = """
                resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
                  name: applicationInsightsName
                }
                output applicationInsightsName string = appInsights.name
                output connectionString string = appInsights.properties.ConnectionString
                """;
        assertThat(BicepLint.insecureSecrets("monitoring.bicep", monitoring, null))
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("output connectionString"));
        String params = """
                param signalRUpstreamKey string = ''
                @secure()
                param otherKey string
                param hubName string
                """;
        assertThat(BicepLint.insecureSecrets("main.bicep", params, null))
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("signalRUpstreamKey"));
        // A value built from a secure param is a secret too.
        String derived = """
                @secure()
                param signalRUpstreamKey string
                module signalR 'modules/signalr.bicep' = {
                  name: 'signalr'
                  params: {
                    upstreamUrl: empty(signalRUpstreamKey) ? '' : 'https://${host}/x?code=${signalRUpstreamKey}'
                  }
                }
                """;
        assertThat(BicepLint.insecureSecrets("resources.bicep", derived, path -> "param upstreamUrl string = ''\n"))
                .hasSize(1);
        assertThat(BicepLint.insecureSecrets(
                        "resources.bicep", derived, path -> "@secure()\nparam upstreamUrl string = ''\n"))
                .isEmpty();
    }

    @Test
    void aPropertyTheApiVersionLacksIsFound() {
        String old = """
                resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
                  name: name
                  properties: {
                    disableLocalAuth: true
                    minimumTlsVersion: '1.2'
                  }
                }
                resource queue 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = {
                  parent: namespace
                  name: 'q'
                }
                """;
        assertThat(BicepLint.outdatedApiVersions("servicebus.bicep", old))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.line()).isEqualTo(1);
                    assertThat(f.message()).contains("minimumTlsVersion").contains("2024-01-01");
                });
        assertThat(BicepLint.outdatedApiVersions("servicebus.bicep", old.replace("2021-11-01", "2024-01-01")))
                .isEmpty();
        String site = """
                resource app 'Microsoft.Web/sites@2023-01-01' = {
                  properties: {
                    functionAppConfig: isFlex ? {
                      runtime: { name: 'java', version: '17' }
                    } : null
                  }
                }
                resource sb 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
                  name: sbName
                }
                """;
        assertThat(BicepLint.outdatedApiVersions("app.bicep", site))
                .extracting(BicepLint.Finding::line)
                .containsExactly(1, 8);
    }

    @Test
    void aFixedPrincipalTypeForAConfigurablePrincipalIsFound() {
        String module = """
                param operatorPrincipalId string = ''
                @allowed(['User', 'Group', 'ServicePrincipal'])
                param operatorPrincipalType string = 'User'
                """;
        String callerWithout = """
                module serviceBus 'modules/servicebus.bicep' = {
                  name: 'servicebus'
                  params: {
                    name: 'sb-${token}'
                    operatorPrincipalId: operatorPrincipalId
                  }
                }
                """;
        assertThat(BicepLint.principalTypeFixed("resources.bicep", callerWithout, path -> module))
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("operatorPrincipalType"));
        String callerWith = callerWithout.replace(
                "    operatorPrincipalId: operatorPrincipalId\n",
                "    operatorPrincipalId: operatorPrincipalId\n    operatorPrincipalType: operatorPrincipalType\n");
        assertThat(BicepLint.principalTypeFixed("resources.bicep", callerWith, path -> module))
                .isEmpty();
        String literal = """
                resource a 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
                  properties: {
                    principalId: operatorPrincipalId
                    principalType: 'User'
                  }
                }
                """;
        assertThat(BicepLint.principalTypeFixed("servicebus.bicep", literal, null))
                .extracting(BicepLint.Finding::line)
                .containsExactly(4);
        assertThat(BicepLint.principalTypeFixed(
                        "servicebus.bicep", literal.replace("'User'", "'ServicePrincipal'"), null))
                .isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static List<Path> bicepFiles() throws IOException {
        try (Stream<Path> s = Files.walk(INFRA)) {
            return s.filter(p -> p.toString().endsWith(".bicep")).sorted().toList();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
