package io.cifpipe.presence.sweep;

import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.runtime.signalr.SignalRException;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes {@code Connections} rows whose disconnect event was lost: rows not seen for {@code staleAfter}
 * are checked against SignalR (HEAD connection); gone → deleted, alive → lastSeenAt refreshed so they are
 * not checked again next run. A SignalR error leaves the row alone (never delete on doubt).
 */
public final class StaleConnectionSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(StaleConnectionSweeper.class);

    /** Bound per run so a timer invocation stays short; the rest is picked up by the next run. */
    public static final int MAX_PER_RUN = 2000;

    private final ConnectionRegistry registry;
    private final Predicate<String> connectionExists;
    private final Duration staleAfter;
    private final Clock clock;

    public StaleConnectionSweeper(
            ConnectionRegistry registry, Predicate<String> connectionExists, Duration staleAfter, Clock clock) {
        this.registry = Objects.requireNonNull(registry);
        this.connectionExists = Objects.requireNonNull(connectionExists);
        this.staleAfter = Objects.requireNonNull(staleAfter);
        this.clock = Objects.requireNonNull(clock);
    }

    public SweepReport sweep() {
        Instant now = clock.instant();
        List<ConnectionRecord> stale = registry.listStale(now.minus(staleAfter));
        int alive = 0, removed = 0, failed = 0, checked = 0;
        for (ConnectionRecord row : stale) {
            if (checked >= MAX_PER_RUN) {
                break;
            }
            checked++;
            try {
                if (connectionExists.test(row.connectionId())) {
                    registry.upsert(row.seenAt(now));
                    alive++;
                } else {
                    registry.remove(row.userId(), row.connectionId());
                    removed++;
                }
            } catch (SignalRException | com.azure.data.tables.models.TableServiceException e) {
                failed++;
                LOG.warn("sweep: could not check connectionId={}: {}", row.connectionId(), e.getMessage());
            }
        }
        SweepReport report = new SweepReport(stale.size(), checked, alive, removed, failed);
        LOG.info(
                "stale connection sweep: candidates={} checked={} alive={} removed={} failed={}",
                report.candidates(),
                report.checked(),
                report.alive(),
                report.removed(),
                report.failed());
        return report;
    }

    public record SweepReport(int candidates, int checked, int alive, int removed, int failed) {}
}
