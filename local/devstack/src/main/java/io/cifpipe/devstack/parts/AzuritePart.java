package io.cifpipe.devstack.parts;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.cifpipe.devstack.StackConfig;
import io.cifpipe.devstack.StackException;
import io.cifpipe.model.Setting;
import io.cifpipe.testsupport.Azurite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Azurite (Microsoft's Table Storage emulator, npm) as a supervised child process: the harness part
 * ({@link io.cifpipe.harness.parts.AzuritePart}) on devstack's fixed port, in memory by default, on disk under
 * {@code <data>/azurite} with {@code --data}. Adds the install checks, the log under the state dir, the tables the
 * apps use and the summary row.
 */
public final class AzuritePart implements StackPart {
    private final StackConfig config;
    private io.cifpipe.harness.parts.AzuritePart azurite;

    public AzuritePart(StackConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "Azurite tables";
    }

    @Override
    public void start() throws Exception {
        Path bin = config.azuriteBin();
        if (!NodeCheck.nodeAvailable()) {
            throw new StackException(
                    "Node.js is not installed (Azurite runs on Node).",
                    "Install Node 20, then run './dev up' (it installs Azurite with npm).");
        }
        if (!Files.isExecutable(bin)) {
            throw new StackException(
                    "Azurite is not installed (" + config.root().relativize(bin) + " is missing).",
                    "Run './dev up', which installs it (or: cd local/azurite && npm ci).");
        }
        Files.createDirectories(config.stateDir());
        Path log = config.stateDir().resolve("azurite.log");
        Azurite.Builder builder =
                Azurite.builder().binary(bin).port(config.ports().azurite()).log(log);
        config.dataDir().ifPresent(d -> builder.location(d.resolve("azurite")));
        azurite = new io.cifpipe.harness.parts.AzuritePart(builder.build());
        try {
            azurite.start();
        } catch (IllegalStateException e) {
            String tail = azurite.outputTail();
            close();
            throw new StackException(
                    "Azurite did not start on port " + config.ports().azurite() + ". Its log says:\n" + tail,
                    "See " + log + "; if the port is taken, stop the other process.");
        }
        createTables();
    }

    private void createTables() {
        TableServiceClient tables = new TableServiceClientBuilder()
                .connectionString(config.tablesConnectionString())
                .buildClient();
        tables.createTableIfNotExists(Setting.CONNECTIONS_TABLE.defaultValue().orElseThrow());
        tables.createTableIfNotExists(Setting.NOTIFICATIONS_TABLE.defaultValue().orElseThrow());
        tables.createTableIfNotExists(Setting.AGENTS_TABLE.defaultValue().orElseThrow());
    }

    @Override
    public boolean answers() {
        return azurite != null && azurite.answers();
    }

    @Override
    public List<Row> rows() {
        return List.of(new Row(
                "Tables endpoint",
                "http://127.0.0.1:" + config.ports().azurite()
                        + "/devstoreaccount1  tables Connections, Notifications"));
    }

    /** SIGKILL, like a crashed storage node (the harness part's kill). */
    @Override
    public void kill() {
        if (azurite != null) azurite.kill();
    }

    @Override
    public void close() {
        if (azurite != null) {
            azurite.close();
            azurite = null;
        }
    }

    public long pid() {
        return azurite == null ? -1 : azurite.pid();
    }
}
