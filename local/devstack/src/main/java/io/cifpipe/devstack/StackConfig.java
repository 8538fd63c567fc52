package io.cifpipe.devstack;

import io.cifpipe.model.Names;
import io.cifpipe.testsupport.Azurite;
import io.cifpipe.testsupport.AzuriteAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a stack run needs to know before it starts: where the repository is, where state goes,
 * the ports and the keys. URLs use {@code localhost} (what browsers and the issuer name), sockets bind 127.0.0.1.
 *
 * @param root      repository root (holds local/azurite, functions-* builds, client/dist)
 * @param stateDir  {@code .devstack}: logs, pid file, generated settings samples
 * @param dataDir   with {@code --data}: Service Bus journal and Azurite files survive restarts
 */
public record StackConfig(Path root, Path stateDir, Optional<Path> dataDir, Ports ports, Keys keys) {

    public static final String ENTRA_ISSUER_ID = "entra";

    public String webOrigin() {
        return "http://localhost:" + ports.web();
    }

    public String entraIssuer() {
        return "http://localhost:" + ports.entra() + "/" + ENTRA_ISSUER_ID;
    }

    public String tablesConnectionString() {
        return AzuriteAccount.connectionString(ports.azurite());
    }

    public String functionsBaseUrl(int port) {
        return "http://localhost:" + port;
    }

    /**
     * The SignalR upstream URL template: presence's HTTP route, as infra configures it on Azure. No key in it; presence
     * checks each request's X-ASRS-Signature (access-key mode, the local default).
     */
    public String signalRUpstreamUrl() {
        return "http://localhost:" + ports.presence() + "/api/" + Names.SIGNALR_UPSTREAM_ROUTE;
    }

    public Path appDir(String module, String appName) {
        return root.resolve(module).resolve("target").resolve("azure-functions").resolve(appName);
    }

    /** The Functions hosts' telemetry files (docs/telemetry.md, "Local files"). */
    public Path telemetryDir() {
        return stateDir.resolve("telemetry");
    }

    public Path clientDist() {
        return root.resolve("client").resolve("dist");
    }

    public Path azuriteBin() {
        return Azurite.binaryUnder(root);
    }

    /** Finds the repository root from a start directory (the one holding local/devstack). */
    public static Path findRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("local").resolve("devstack")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new StackException(
                "Cannot find the project root (a folder with local/devstack) above " + start,
                "Run devstack from inside the repository, e.g. './dev up', or pass --root <repo>.");
    }
}
