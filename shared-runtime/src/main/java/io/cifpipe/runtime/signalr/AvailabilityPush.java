package io.cifpipe.runtime.signalr;

import io.cifpipe.model.Names;
import io.cifpipe.model.ledger.AgentState;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends target {@code availability} ({@code AgentStatus}) to the agent as a SignalR user: one request, every connection
 * of hers (the calling one included). A failed push is logged, never fails the change that caused it: the state is in
 * the {@code Agents} row and the client re-reads it with {@code getAgentState} after each (re)connect.
 */
public final class AvailabilityPush {
    private static final Logger LOG = LoggerFactory.getLogger(AvailabilityPush.class);

    private AvailabilityPush() {}

    /** @return true when SignalR accepted the push */
    public static boolean send(SignalRRestClient signalR, AgentState state, int defaultCapacity) {
        try {
            signalR.sendToUser(state.agentId(), Names.TARGET_AVAILABILITY, List.of(state.status(defaultCapacity)));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("availability push to agentId={} failed: {}", state.agentId(), e.toString());
            return false;
        }
    }
}
