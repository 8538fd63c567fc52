package io.cifpipe.runtime.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.testsupport.Azurite;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real Azurite. */
class ConnectionRegistryTest {
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private ConnectionRegistry registry;

    @BeforeEach
    void table() {
        registry = new ConnectionRegistry(Azurite.freshTable("Conn"));
    }

    @Test
    void upsertListAndRemoveConnectionsOfOneUser() {
        registry.upsert(ConnectionRecord.connected("agent-1", "c1", "cifhub", t0, "Mozilla/5.0"));
        registry.upsert(ConnectionRecord.connected("agent-1", "c2", "cifhub", t0, null));
        registry.upsert(ConnectionRecord.connected("agent-2", "c3", "cifhub", t0, null));

        assertThat(registry.listForUser("agent-1"))
                .extracting(ConnectionRecord::connectionId)
                .containsExactlyInAnyOrder("c1", "c2");
        assertThat(registry.listForUser("agent-1"))
                .filteredOn(c -> c.connectionId().equals("c1"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.userAgent()).isEqualTo("Mozilla/5.0");
                    assertThat(c.connectedAt()).isEqualTo(t0);
                });

        registry.remove("agent-1", "c1");
        registry.remove("agent-1", "c1"); // already gone: fine
        assertThat(registry.listForUser("agent-1"))
                .extracting(ConnectionRecord::connectionId)
                .containsExactly("c2");
        assertThat(registry.listForUser("nobody")).isEmpty();
    }

    @Test
    void upsertRefreshesLastSeenAndStaleListingUsesIt() {
        var c = ConnectionRecord.connected("agent-1", "old", "cifhub", t0.minusSeconds(3600), null);
        registry.upsert(c);
        registry.upsert(ConnectionRecord.connected("agent-1", "fresh", "cifhub", t0, null));
        assertThat(registry.listStale(t0.minusSeconds(60)))
                .extracting(ConnectionRecord::connectionId)
                .containsExactly("old");

        registry.upsert(c.seenAt(t0));
        assertThat(registry.listStale(t0.minusSeconds(60))).isEmpty();
    }

    @Test
    void userIdsWithQuotesAreQueriedSafely() {
        registry.upsert(ConnectionRecord.connected("o'brien", "c1", "cifhub", t0, null));
        registry.upsert(ConnectionRecord.connected("o", "c2", "cifhub", t0, null));
        assertThat(registry.listForUser("o'brien"))
                .extracting(ConnectionRecord::connectionId)
                .containsExactly("c1");
    }
}
