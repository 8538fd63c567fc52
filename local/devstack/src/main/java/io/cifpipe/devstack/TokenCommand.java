package io.cifpipe.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./dev token <agent>} / {@code ./dev token --app}: a real access token from the running stack's local Entra. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = {
            "Print an access token from the running local stack's Entra provider.",
            "  ./dev token alice        agent token (scp=user_impersonation): for presence's negotiate",
            "  ./dev token --app        telephony app token (roles=[Calls.Send]): for ingress POST /api/calls",
            "Use: curl -H \"Authorization: Bearer $(./dev token alice)\" …"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:token printed",
            "2:invalid usage (unknown agent, both or neither of AGENT and --app)",
            "3:no stack running / Entra not answering",
            "4:the provider refused the request%n"
        })
final class TokenCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "AGENT", description = "alice, bob (or an agent's oid)")
    String agent;

    @Option(names = "--app", description = "The telephony app's token (client credentials) instead of an agent's.")
    boolean app;

    @Option(names = "--json", description = "Print the token endpoint's whole answer (JSON) instead of the bare token.")
    boolean json;

    @Option(names = "--root", paramLabel = "DIR")
    Path root;

    @Option(names = "--state-dir", paramLabel = "DIR")
    Path stateDirOption;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (app == (agent != null)) {
            err.println("error: give an agent (alice, bob) or --app, not both or neither");
            return 2;
        }
        String issuer = "http://localhost:" + Ports.defaults().entra() + "/" + StackConfig.ENTRA_ISSUER_ID;
        String web = "http://localhost:" + Ports.defaults().web();
        // A stack on other ports (--ephemeral-ports) says where its Entra is in status.json.
        Path repo = DevStack.repoRoot(root);
        Path status = DevStack.stateDir(repo, stateDirOption).resolve("status.json");
        if (Files.exists(status)) {
            try {
                JsonNode s = new ObjectMapper().readTree(status.toFile());
                if (s.path("stack").path("entra").hasNonNull("issuer"))
                    issuer = s.path("stack").path("entra").get("issuer").asText();
                if (s.hasNonNull("webUrl")) web = s.get("webUrl").asText();
            } catch (IOException e) {
                err.println("warning: cannot read " + status + " (" + e.getMessage() + "); trying the default ports");
            }
        }
        TokenClient client = new TokenClient(issuer, web + "/agent.html");
        try {
            JsonNode answer = app ? client.appToken() : client.agentToken(agent);
            out.println(
                    json ? answer.toPrettyString() : answer.get("access_token").asText());
            return 0;
        } catch (TokenClient.TokenException e) {
            err.println("error: " + e.getMessage());
            return e.exitCode;
        }
    }
}
