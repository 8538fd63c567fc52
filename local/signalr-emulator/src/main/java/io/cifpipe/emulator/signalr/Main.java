package io.cifpipe.emulator.signalr;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar signalr-emulator.jar --port 8888 [--upstream <template>]... [--access-key <k>] [--allow-origin <o>]...} */
@Command(
        name = "signalr-emulator",
        mixinStandardHelpOptions = true,
        description =
                "Local Azure SignalR Service (Serverless mode) emulator. Prints its connection string on one stdout line.")
public final class Main implements Callable<Integer> {
    @Option(
            names = "--port",
            description = "Port to listen on (default ${DEFAULT-VALUE}; 0 = any free port).",
            defaultValue = "8888")
    int port;

    @Option(names = "--host", description = "Bind address (default ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(
            names = "--upstream",
            paramLabel = "<url-template>",
            description =
                    "Upstream URL template for every hub/category/event, e.g. "
                            + "http://localhost:7073/api/signalr/{hub}/{category}/{event} (presence's route). Repeatable (first match wins).")
    List<String> upstreams = new ArrayList<>();

    @Option(
            names = "--access-key",
            description = "AccessKey (>= 32 chars); default: the well-known local emulator key.")
    String accessKey = SignalREmulator.DEFAULT_ACCESS_KEY;

    @Option(
            names = "--allow-origin",
            paramLabel = "<origin>",
            description =
                    "CORS origin allowed with credentials (repeatable; default http://localhost:8080 and http://127.0.0.1:8080; * = any).")
    List<String> origins = new ArrayList<>();

    @Option(
            names = "--entra-issuer",
            paramLabel = "<issuer>",
            description =
                    "Accept Microsoft Entra bearer tokens (aud https://signalr.azure.com) from this OIDC issuer on the REST API.")
    String entraIssuer;

    @Option(
            names = "--disable-local-auth",
            description = "Refuse access-key tokens on the REST API (needs --entra-issuer).")
    boolean disableLocalAuth;

    @Option(
            names = "--upstream-auth-resource",
            paramLabel = "<resource>",
            description =
                    "Managed-identity upstream auth: send a bearer token for this resource with every upstream call "
                            + "(needs --upstream-token-endpoint, --upstream-client-id and env SIGNALR_EMULATOR_UPSTREAM_CLIENT_SECRET).")
    String upstreamAuthResource;

    @Option(
            names = "--upstream-token-endpoint",
            paramLabel = "<url>",
            description = "OAuth 2.0 token endpoint for upstream tokens.")
    String upstreamTokenEndpoint;

    @Option(
            names = "--upstream-client-id",
            paramLabel = "<id>",
            description = "Client id the emulator's identity uses there.")
    String upstreamClientId;

    @Override
    public Integer call() throws Exception {
        SignalREmulator.Builder builder =
                SignalREmulator.builder().host(host).port(port).accessKey(accessKey);
        if (upstreamAuthResource != null) {
            if (upstreamTokenEndpoint == null || upstreamClientId == null) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--upstream-auth-resource needs --upstream-token-endpoint and --upstream-client-id");
            }
            // The secret comes from the environment so it never shows in a process list.
            String secret = System.getenv().getOrDefault("SIGNALR_EMULATOR_UPSTREAM_CLIENT_SECRET", "");
            builder.upstreamTokenSource(new ClientCredentialsTokenSource(
                    java.net.URI.create(upstreamTokenEndpoint), upstreamClientId, secret));
            upstreams.forEach(u -> builder.upstream(UpstreamTemplate.of(u).withManagedIdentity(upstreamAuthResource)));
        } else {
            upstreams.forEach(builder::upstreamTemplate);
        }
        if (entraIssuer != null) {
            builder.entraIssuer(entraIssuer);
        }
        builder.disableLocalAuth(disableLocalAuth);
        origins.forEach(builder::allowOrigin);
        SignalREmulator emulator = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            emulator.close();
                            stopped.countDown();
                        },
                        "signalr-emulator-shutdown"));
        System.out.println(emulator.connectionString());
        System.out.flush();
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        // The library jar must not impose a logback.xml on embedders; the standalone jar picks its own (stderr) config.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "signalr-emulator-logback.xml");
        }
        int exit = new CommandLine(new Main()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
