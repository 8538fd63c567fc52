package io.cifpipe.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.testsupport.Azurite;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeClientsTest {
    @Test
    void clientsAreBuiltOnceFromSettingsAndTablesAreCreated() {
        Map<String, String> env = new HashMap<>();
        env.put("TablesConnection", Azurite.shared().connectionString());
        env.put("StorageUserTable", "Conn" + System.nanoTime());
        env.put(
                "AzureSignalRConnectionString",
                "Endpoint=http://127.0.0.1;Port=1;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;");
        RuntimeClients clients = new RuntimeClients(env::get, Clock.systemUTC());

        assertThat(clients.connections()).isSameAs(clients.connections());
        assertThat(clients.signalR()).isSameAs(clients.signalR());
        assertThat(clients.signalR().hub()).isEqualTo("cifhub"); // Setting default
        clients.connections().upsert(ConnectionRecord.connected("u1", "c1", "cifhub", Instant.now(), null));
        assertThat(clients.connections().listForUser("u1")).hasSize(1);
        assertThat(clients.intSetting(io.cifpipe.model.Setting.DEFAULT_RING_SECONDS))
                .isEqualTo(30);
    }

    @Test
    void missingSettingsNameTheKeyAndIdentityBasedConnectionsAreAccepted() {
        RuntimeClients empty = new RuntimeClients(k -> null, Clock.systemUTC());
        assertThatThrownBy(empty::tableService)
                .hasMessageContaining("'TablesConnection'")
                .hasMessageContaining("__tableServiceUri");
        assertThatThrownBy(empty::outcomes).hasMessageContaining("'ServiceBusConnection'");
        assertThatThrownBy(empty::signalR).hasMessageContaining("'AzureSignalRConnectionString'");

        Map<String, String> env = Map.of("TablesConnection__tableServiceUri", "https://acct.table.core.windows.net");
        RuntimeClients identity = new RuntimeClients(env::get, Clock.systemUTC());
        assertThat(identity.tableService().getServiceEndpoint()).isEqualTo("https://acct.table.core.windows.net");
    }
}
