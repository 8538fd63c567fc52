package io.cifpipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.devstack.parts.EntraPart;
import io.cifpipe.model.Setting;
import io.cifpipe.runtime.auth.InsufficientScopeException;
import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.auth.Principal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./dev token}'s tokens come from the local Entra over its HTTP endpoints and pass the apps' own validation
 * (JwtValidator from the same settings devstack gives ingress/presence; ingress's app-token check = validation +
 * role Calls.Send; negotiate = validation + the agent's oid). LocalStackTest also negotiates with one for real.
 */
class TokenClientTest {
    @TempDir
    static Path tmp;

    static StackConfig config;
    static EntraPart entra;
    static JwtValidator validator;

    @BeforeAll
    static void start() throws Exception {
        config = TestStacks.config(tmp, tmp.resolve("state"));
        entra = new EntraPart(config);
        entra.start();
        Map<String, String> settings = AppSettings.forApp(Setting.App.INGRESS, config, "sb", "signalr");
        validator = JwtValidator.fromSettings(settings::get);
    }

    @AfterAll
    static void stop() {
        entra.close();
    }

    TokenClient client() {
        return new TokenClient(config.entraIssuer(), config.webOrigin() + "/agent.html");
    }

    @Test
    void appTokenPassesIngressAppTokenCheck() {
        String token = client().appToken().get("access_token").asText();
        Principal p = validator.validateAuthorizationHeader("Bearer " + token).requireRole("Calls.Send");
        assertThat(p.objectId()).isEqualTo(DemoIdentities.TELEPHONY.oid());
    }

    @Test
    void agentTokenIsTheAgentsWithTheApiScopeAndNoRole() {
        String token = client().agentToken("bob").get("access_token").asText();
        Principal p = validator.validate(token);
        assertThat(p.objectId()).isEqualTo(DemoIdentities.agent("bob").oid());
        assertThat(p.hasScope(DemoIdentities.AGENT_SCOPE)).isTrue();
        assertThatThrownBy(() -> p.requireRole("Calls.Send")).isInstanceOf(InsufficientScopeException.class);
    }

    @Test
    void cliPrintsTheBareTokenAndUsesTheStacksIssuerFromStatusJson() throws Exception {
        Path state = tmp.resolve("cli-state");
        Files.createDirectories(state);
        // An ephemeral-port stack's status.json names its issuer; the CLI must use it, not the default port.
        Files.writeString(
                state.resolve("status.json"),
                "{\"state\":\"READY\",\"webUrl\":\"" + config.webOrigin() + "\",\"stack\":{\"entra\":{\"issuer\":\""
                        + config.entraIssuer() + "\"}}}");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = new CommandLine(new DevStack())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute("token", "alice", "--root", TestStacks.repoRoot().toString(), "--state-dir", state.toString());
        assertThat(code).as(err.toString()).isZero();
        String token = out.toString().trim();
        assertThat(token).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        assertThat(validator.validate(token).objectId())
                .isEqualTo(DemoIdentities.agent("alice").oid());

        StringWriter err2 = new StringWriter();
        int unknown = new CommandLine(new DevStack())
                .setErr(new PrintWriter(err2, true))
                .setOut(new PrintWriter(new StringWriter()))
                .execute(
                        "token",
                        "mallory",
                        "--root",
                        TestStacks.repoRoot().toString(),
                        "--state-dir",
                        state.toString());
        assertThat(unknown).isEqualTo(2);
        assertThat(err2.toString()).contains("unknown agent 'mallory'");
        int both = new CommandLine(new DevStack())
                .setErr(new PrintWriter(new StringWriter()))
                .setOut(new PrintWriter(new StringWriter()))
                .execute(
                        "token",
                        "alice",
                        "--app",
                        "--root",
                        TestStacks.repoRoot().toString(),
                        "--state-dir",
                        state.toString());
        assertThat(both).isEqualTo(2);
    }

    @Test
    void noStackMeansExitCode3() {
        TokenClient nowhere = new TokenClient("http://127.0.0.1:1/entra", "http://localhost:1/agent.html");
        assertThatThrownBy(nowhere::appToken)
                .isInstanceOf(TokenClient.TokenException.class)
                .hasMessageContaining("not answering");
    }
}
