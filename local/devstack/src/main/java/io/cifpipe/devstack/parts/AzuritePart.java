package io.cifpipe.devstack.parts;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.cifpipe.devstack.StackConfig;
import io.cifpipe.devstack.StackException;
import io.cifpipe.model.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Azurite (Microsoft's Table Storage emulator, npm) as a supervised child process. In-memory by default,
 * on disk under {@code <data>/azurite} with {@code --data}. Creates the tables the apps use.
 */
public final class AzuritePart implements StackPart {
    private final StackConfig config;
    private Process process;
    private Path tempLocation;

    public AzuritePart(StackConfig config) { this.config = config; }

    @Override public String name() { return "Azurite tables"; }

    @Override
    public void start() throws Exception {
        Path bin = config.azuriteBin();
        if (!NodeCheck.nodeAvailable()) {
            throw new StackException("Node.js is not installed (Azurite runs on Node).",
                    "Install Node 20, then run './dev up' (it installs Azurite with npm).");
        }
        if (!Files.isExecutable(bin)) {
            throw new StackException("Azurite is not installed (" + config.root().relativize(bin) + " is missing).",
                    "Run './dev up', which installs it (or: cd local/azurite && npm ci).");
        }
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--disableTelemetry",
                "--tableHost", "127.0.0.1", "--tablePort", String.valueOf(config.ports().azurite())));
        // Azurite refuses --location together with --inMemoryPersistence; in memory it runs in a temp working
        // directory so nothing lands in the repository.
        tempLocation = Files.createTempDirectory("devstack-azurite");
        if (config.dataDir().isPresent()) {
            Path location = config.dataDir().get().resolve("azurite");
            Files.createDirectories(location);
            cmd.add("--location");
            cmd.add(location.toString());
        } else {
            cmd.add("--inMemoryPersistence");
        }
        Files.createDirectories(config.stateDir());
        Path log = config.stateDir().resolve("azurite.log");
        process = new ProcessBuilder(cmd)
                .directory(tempLocation.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        boolean up = Readiness.await(Duration.ofSeconds(30),
                () -> !process.isAlive() || Readiness.tcpOpen(config.ports().azurite()));
        if (!up || !process.isAlive()) {
            String tail = tail(log);
            close();
            throw new StackException("Azurite did not start on port " + config.ports().azurite() + ". Its log says:\n" + tail,
                    "See " + log + "; if the port is taken, stop the other process.");
        }
        createTables();
    }

    private void createTables() {
        TableServiceClient tables = new TableServiceClientBuilder()
                .connectionString(config.tablesConnectionString()).buildClient();
        tables.createTableIfNotExists(Setting.CONNECTIONS_TABLE.defaultValue().orElseThrow());
        tables.createTableIfNotExists(Setting.NOTIFICATIONS_TABLE.defaultValue().orElseThrow());
        tables.createTableIfNotExists(Setting.AGENTS_TABLE.defaultValue().orElseThrow());
    }

    @Override
    public boolean answers() { return isAlive() && Readiness.tcpOpen(config.ports().azurite()); }

    @Override
    public List<Row> rows() {
        return List.of(new Row("Tables endpoint", "http://127.0.0.1:" + config.ports().azurite()
                + "/devstoreaccount1  tables Connections, Notifications"));
    }

    @Override
    public void close() {
        ProcessTree.destroy(process, Duration.ofSeconds(10));
        process = null;
        if (tempLocation != null) {
            ProcessTree.deleteQuietly(tempLocation);
            tempLocation = null;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Used by tests: is the child still running? */
    public boolean isAlive() { return process != null && process.isAlive(); }

    public long pid() { return process == null ? -1 : process.pid(); }
}
