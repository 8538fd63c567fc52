package io.cifpipe.devstack;

import io.cifpipe.devstack.parts.FunctionsPart;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code stack} object of {@code .devstack/status.json}: everything an integrator's script needs (endpoints,
 * keys, connection strings, identities) as JSON, so nobody parses the text table. Local secrets only (random per
 * run, or kept in {@code --data}); the file is as private as the state directory. Field names are a contract for
 * scripts: add fields, do not rename them ({@value #SCHEMA} is bumped on an incompatible change).
 */
final class StackDocument {
    static final int SCHEMA = 1;

    private StackDocument() {}

    static Map<String, Object> build(
            StackConfig config,
            List<FunctionsPart.AppSpec> apps,
            String serviceBusConnection,
            String signalRConnection) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        String web = config.webOrigin();
        doc.put(
                "pages",
                Map.of(
                        "agent",
                        web + "/agent.html",
                        "telephony",
                        web + "/telephony.html",
                        "ops",
                        web + "/ops.html",
                        "stateApi",
                        web + "/api"));

        Map<String, Object> functions = new LinkedHashMap<>();
        for (FunctionsPart.AppSpec a : apps) {
            String name = a.appName().replaceFirst("^cifpipe-", "");
            functions.put(
                    name,
                    Map.of("baseUrl", config.functionsBaseUrl(a.port()) + "/api", "functionKey", a.functionKey()));
        }
        functions.put("masterKey", config.keys().masterKey());
        doc.put("functions", functions);

        Map<String, Object> sb = new LinkedHashMap<>();
        sb.put("connectionString", serviceBusConnection);
        sb.put("amqp", "amqp://localhost:" + config.ports().serviceBus());
        sb.put("admin", "http://localhost:" + config.ports().serviceBusAdmin());
        sb.put("callEventsQueue", Setting.CALL_EVENTS_QUEUE.defaultValue().orElseThrow());
        sb.put("callOutcomesTopic", Setting.CALL_OUTCOMES_TOPIC.defaultValue().orElseThrow());
        sb.put("subscriptions", List.of(OutcomeSubscriptions.TELEPHONY, OutcomeSubscriptions.OPERATIONS));
        sb.put("simulatorSubscription", io.cifpipe.devstack.parts.ServiceBusPart.SIMULATOR_SUBSCRIPTION); // local only
        doc.put("serviceBus", sb);

        doc.put(
                "signalR",
                Map.of(
                        "connectionString",
                        signalRConnection,
                        "endpoint",
                        "http://localhost:" + config.ports().signalR(),
                        "hub",
                        Setting.HUB_NAME.defaultValue().orElse("cifhub"),
                        "upstream",
                        config.signalRUpstreamUrl()));
        doc.put(
                "tables",
                Map.of(
                        "connectionString",
                        config.tablesConnectionString(),
                        "endpoint",
                        "http://127.0.0.1:" + config.ports().azurite() + "/devstoreaccount1"));

        String issuer = config.entraIssuer();
        Map<String, Object> entra = new LinkedHashMap<>();
        entra.put("issuer", issuer);
        entra.put("discovery", issuer + "/.well-known/openid-configuration");
        entra.put("authorizeEndpoint", issuer + "/authorize");
        entra.put("tokenEndpoint", issuer + "/token");
        entra.put("jwks", issuer + "/jwks");
        entra.put("audience", DemoIdentities.API_AUDIENCE);
        entra.put("agentScope", DemoIdentities.API_AUDIENCE + "/" + DemoIdentities.AGENT_SCOPE);
        entra.put("appScope", DemoIdentities.API_AUDIENCE + "/.default");
        entra.put("panelClientId", DemoIdentities.PANEL_CLIENT_ID);
        entra.put("tenantId", DemoIdentities.TENANT_ID);
        doc.put("entra", entra);

        List<Map<String, Object>> agents = new ArrayList<>();
        for (DemoIdentities.Agent a : DemoIdentities.AGENTS) {
            agents.add(Map.of("key", a.key(), "oid", a.oid(), "name", a.name(), "username", a.preferredUsername()));
        }
        DemoIdentities.App t = DemoIdentities.TELEPHONY;
        doc.put(
                "identities",
                Map.of(
                        "agents",
                        agents,
                        "telephony",
                        Map.of(
                                "clientId",
                                t.clientId(),
                                "clientSecret",
                                t.clientSecret(),
                                "oid",
                                t.oid(),
                                "roles",
                                t.roles())));
        doc.put(
                "settingsSamples",
                config.stateDir()
                        .resolve("local.settings.{ingress,dispatch,presence}.json")
                        .toString());
        doc.put("dataDir", config.dataDir().map(Object::toString).orElse(null));
        return doc;
    }
}
