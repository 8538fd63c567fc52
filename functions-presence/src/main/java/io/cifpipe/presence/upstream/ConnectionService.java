package io.cifpipe.presence.upstream;

import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.runtime.tables.AgentDirectory;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import io.cifpipe.runtime.telemetry.Telemetry;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code Connections} table true from SignalR upstream events, and on connect re-sends the
 * agent's pending notifications to the new connection (an agent who reloads the panel, or opens a new tab
 * while a call rings, still sees it).
 */
public final class ConnectionService {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionService.class);

    private final ConnectionRegistry registry;
    private final PendingRedelivery redelivery;
    private final AgentDirectory agents;
    private final Clock clock;

    public ConnectionService(ConnectionRegistry registry, PendingRedelivery redelivery, Clock clock) {
        this(registry, redelivery, null, clock);
    }

    /** With {@code agents}: also keeps the agent's {@code Agents} row (last connect/disconnect) that dispatch reads. */
    public ConnectionService(
            ConnectionRegistry registry, PendingRedelivery redelivery, AgentDirectory agents, Clock clock) {
        this.registry = Objects.requireNonNull(registry);
        this.redelivery = Objects.requireNonNull(redelivery);
        this.agents = agents;
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Registers the connection. The user id is the service's {@code UserId} (from the client token negotiate
     * minted out of the Entra oid), never a header. A connection without a user is refused: the function
     * fails, so the service answers the connect with 403 and drops it.
     */
    public ConnectionRecord connected(InvocationContext ctx) {
        if (!ctx.hasUser()) {
            throw new IllegalArgumentException("connection " + ctx.connectionId() + " has no user id; refused");
        }
        Instant now = clock.instant();
        ConnectionRecord row =
                ConnectionRecord.connected(ctx.userId(), ctx.connectionId(), ctx.hub(), now, ctx.userAgent());
        registry.upsert(row);
        Telemetry.get().connection(true);
        touchAgent(row.userId(), true, now);
        LOG.info("connected user={} connectionId={} hub={}", row.userId(), row.connectionId(), row.hub());
        try {
            int resent = redelivery.redeliver(row.userId(), row.connectionId());
            if (resent > 0) {
                LOG.info("redelivered {} pending notification(s) to connectionId={}", resent, row.connectionId());
            }
        } catch (RuntimeException e) {
            // Dispatch keeps retrying offline agents until the ring window closes, so a failed redelivery is
            // late, not lost; failing connect would drop a healthy connection.
            LOG.warn("redelivery to connectionId={} failed: {}", row.connectionId(), e.toString());
        }
        return row;
    }

    /** Removes the row; a row already removed (prune, sweep) is fine. */
    public void disconnected(InvocationContext ctx) {
        if (!ctx.hasUser()) {
            LOG.info("disconnected connectionId={} without user id: nothing registered", ctx.connectionId());
            return;
        }
        registry.remove(ctx.userId(), ctx.connectionId());
        Telemetry.get().connection(false);
        touchAgent(ctx.userId(), false, clock.instant());
        LOG.info(
                "disconnected user={} connectionId={} error={}",
                ctx.userId(),
                ctx.connectionId(),
                ctx.error() == null ? "-" : ctx.error());
    }

    /**
     * The agent row is advisory today (SignalR is the authority on online; availability is issue 20's): a failed
     * merge is logged, never fails the connection event.
     */
    private void touchAgent(String userId, boolean connected, Instant at) {
        if (agents == null) {
            return;
        }
        try {
            if (connected) {
                agents.connected(userId, at);
            } else {
                agents.disconnected(userId, at);
            }
        } catch (RuntimeException e) {
            LOG.warn("agent state of user={} not updated: {}", userId, e.toString());
        }
    }

    /** Re-sends pending notifications of {@code userId} to one new connection; returns how many were sent. */
    @FunctionalInterface
    public interface PendingRedelivery {
        int redeliver(String userId, String connectionId);
    }
}
