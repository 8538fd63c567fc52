package io.cifpipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableItem;
import io.cifpipe.devstack.parts.AzuritePart;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Azurite runs as a supervised child with the apps' tables, and leaves no process behind when stopped. */
class AzuritePartTest {
    @TempDir
    Path tmp;

    @Test
    void startsWithTablesAndStopsTheWholeProcessTree() {
        assumeTrue(
                TestStacks.azuriteInstalled(), "Azurite not installed: ./dev test runs npm ci in local/azurite first");
        StackConfig config = TestStacks.config(tmp.resolve("state"));
        AzuritePart azurite = new AzuritePart(config);
        List<ProcessHandle> tree;
        try {
            azurite.start();
            assertThat(azurite.answers()).isTrue();
            List<String> tables = new TableServiceClientBuilder()
                    .connectionString(config.tablesConnectionString()).buildClient().listTables().stream()
                            .map(TableItem::getName)
                            .toList();
            assertThat(tables).contains("Connections", "Notifications");
            ProcessHandle root = ProcessHandle.of(azurite.pid()).orElseThrow();
            tree = java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants())
                    .toList();
        } catch (Exception e) {
            azurite.close();
            throw new AssertionError(e);
        }
        azurite.close();
        for (ProcessHandle p : tree) {
            assertThat(p.onExit()
                            .completeOnTimeout(p, 5, java.util.concurrent.TimeUnit.SECONDS)
                            .join()
                            .isAlive())
                    .as("pid %d still alive", p.pid())
                    .isFalse();
        }
        assertThat(azurite.answers()).isFalse();
    }
}
