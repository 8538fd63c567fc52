package io.cifpipe.devstack.parts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.devstack.DemoIdentities;
import io.cifpipe.devstack.DemoIdentities.Agent;
import io.cifpipe.devstack.StackConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * The embedded Entra ID: the harness part ({@link io.cifpipe.harness.parts.EntraPart}, mock-oauth2-server) on
 * devstack's fixed port with issuer id {@code entra}. Configured through the mock's JSON config:
 * interactive login with our own login page (pick a demo agent; the page posts the agent's claims), token
 * callbacks that give every token the API audience, {@code tid}, {@code ver}, and the telephony app its
 * {@code Calls.Send} role on client-credentials.
 */
public final class EntraPart implements StackPart {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StackConfig config;
    private final io.cifpipe.harness.parts.EntraPart server;

    public EntraPart(StackConfig config) {
        this.config = config;
        this.server = new io.cifpipe.harness.parts.EntraPart(
                config.ports().entra(), () -> OAuth2Config.Companion.fromJson(configJson(writeLoginPage())));
    }

    @Override
    public String name() {
        return "Entra (mock-oauth2-server)";
    }

    @Override
    public void start() throws Exception {
        server.start();
    }

    /** The mock-oauth2-server JSON config (documented format: interactiveLogin, loginPagePath, tokenCallbacks). */
    String configJson(Path loginPage) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("interactiveLogin", true);
        root.put("loginPagePath", loginPage.toString());
        root.put("httpServer", "NettyWrapper");
        ArrayNode callbacks = root.putArray("tokenCallbacks");
        ObjectNode entra = callbacks.addObject();
        entra.put("issuerId", StackConfig.ENTRA_ISSUER_ID);
        entra.put("tokenExpiry", 3600);
        ArrayNode mappings = entra.putArray("requestMappings");

        // Telephony system: client credentials → app token with the Calls.Send app role. Matched on the grant
        // type because clients usually authenticate with HTTP Basic, so client_id is not a form parameter.
        ObjectNode app = mappings.addObject();
        app.put("requestParam", "grant_type");
        app.put("match", "client_credentials");
        ObjectNode appClaims = app.putObject("claims");
        appClaims.put("sub", DemoIdentities.TELEPHONY.oid());
        appClaims.put("oid", DemoIdentities.TELEPHONY.oid());
        appClaims.put("azp", DemoIdentities.TELEPHONY.clientId());
        appClaims.put("idtyp", "app");
        appClaims.putPOJO("roles", DemoIdentities.TELEPHONY.roles());
        common(appClaims);

        // Agents: the login page supplies oid/name/preferred_username; every agent token carries the API scope.
        ObjectNode agent = mappings.addObject();
        agent.put("requestParam", "grant_type");
        agent.put("match", "*");
        ObjectNode agentClaims = agent.putObject("claims");
        agentClaims.put("scp", DemoIdentities.AGENT_SCOPE);
        agentClaims.put("azp", "${clientId}");
        agentClaims.putPOJO("roles", List.of());
        common(agentClaims);
        return JSON.writeValueAsString(root);
    }

    private static void common(ObjectNode claims) {
        claims.putPOJO("aud", List.of(DemoIdentities.API_AUDIENCE, DemoIdentities.API_CLIENT_ID));
        claims.put("tid", DemoIdentities.TENANT_ID);
        claims.put("ver", "2.0");
    }

    /** Our login page replaces the mock's free-text form with "sign in as Alice / Bob" buttons. */
    private Path writeLoginPage() throws IOException {
        String template;
        try (InputStream in = EntraPart.class.getResourceAsStream("/entra-login.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Map<String, Object>> agents = new ArrayList<>();
        for (Agent a : DemoIdentities.AGENTS) {
            Map<String, Object> entry = new HashMap<>(a.identityClaims());
            entry.put("key", a.key());
            entry.put("claims", JSON.writeValueAsString(a.identityClaims()));
            agents.add(entry);
        }
        String html =
                template.replace("__AGENTS__", JSON.writeValueAsString(agents).replace("</", "<\\/"));
        Files.createDirectories(config.stateDir());
        Path page = config.stateDir().resolve("entra-login.html");
        Files.writeString(page, html);
        return page;
    }

    /** Mints a token for a demo agent without the browser flow (tests, CLI). */
    public String agentToken(String agentKey) {
        Agent a = DemoIdentities.agent(agentKey);
        return server.server()
                .issueToken(StackConfig.ENTRA_ISSUER_ID, a.oid(), DemoIdentities.API_AUDIENCE, agentClaims(a), 3600)
                .serialize();
    }

    private static Map<String, Object> agentClaims(Agent a) {
        Map<String, Object> claims = new HashMap<>(a.identityClaims());
        claims.put("scp", DemoIdentities.AGENT_SCOPE);
        claims.put("tid", DemoIdentities.TENANT_ID);
        claims.put("ver", "2.0");
        claims.put("roles", List.of());
        return claims;
    }

    @Override
    public boolean answers() {
        return Readiness.httpStatus(config.entraIssuer() + "/.well-known/openid-configuration") == 200;
    }

    @Override
    public List<Row> rows() {
        return List.of(
                new Row("Entra issuer", config.entraIssuer()),
                new Row("Entra discovery", config.entraIssuer() + "/.well-known/openid-configuration"));
    }

    @Override
    public void close() {
        server.stop();
    }
}
