package io.cifpipe.presence.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.presence.testing.Fixture;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StaleConnectionSweeperTest {
    final Fixture f = new Fixture();
    final StaleConnectionSweeper sweeper = new StaleConnectionSweeper(
            f.registry, id -> f.signalRClient.connectionExists(id), Duration.ofMinutes(10), f.clock);

    @AfterEach
    void close() {
        f.close();
    }

    void row(String user, String connection, Duration idle) {
        Instant at = f.clock.instant().minus(idle);
        f.registry.upsert(new ConnectionRecord(user, connection, "cifhub", at, at, "ua"));
    }

    @Test
    void goneConnectionsAreRemovedLiveOnesRefreshedFreshOnesUntouched() {
        row("u1", "stale-gone", Duration.ofMinutes(30));
        row("u1", "stale-alive", Duration.ofMinutes(30));
        row("u2", "stale-error", Duration.ofMinutes(11));
        row("u2", "fresh", Duration.ofMinutes(1));
        f.signalR.live.add("stale-alive");
        f.signalR.live.add("fresh");
        f.signalR.broken.add("stale-error");

        StaleConnectionSweeper.SweepReport report = sweeper.sweep();

        assertThat(report).isEqualTo(new StaleConnectionSweeper.SweepReport(3, 3, 1, 1, 1));
        assertThat(f.registry.listForUser("u1"))
                .extracting(ConnectionRecord::connectionId)
                .containsExactly("stale-alive");
        assertThat(f.registry.listForUser("u1").get(0).lastSeenAt())
                .isAfter(f.clock.instant().minusSeconds(60));
        assertThat(f.registry.listForUser("u2"))
                .extracting(ConnectionRecord::connectionId)
                .containsExactlyInAnyOrder("stale-error", "fresh");
        assertThat(f.signalR.heads).containsExactlyInAnyOrder("stale-gone", "stale-alive", "stale-error");

        // the refreshed live row is not checked again on the next run
        f.signalR.heads.clear();
        assertThat(sweeper.sweep().checked()).isEqualTo(1); // only stale-error again
        assertThat(f.signalR.heads).containsExactly("stale-error");
    }
}
