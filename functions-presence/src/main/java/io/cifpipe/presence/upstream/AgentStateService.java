package io.cifpipe.presence.upstream;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.agent.AgentStatus;
import io.cifpipe.model.agent.AvailabilityRequest;
import io.cifpipe.model.agent.MissedCall;
import io.cifpipe.model.ledger.AgentState;
import io.cifpipe.model.ledger.Availability;
import io.cifpipe.model.ledger.AvailabilityReason;
import io.cifpipe.model.validation.ValidationException;
import io.cifpipe.runtime.signalr.AvailabilityPush;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.AgentDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hub methods about the agent herself (the caller is the invocation's {@code UserId}, never an argument):
 * <ul>
 *   <li>{@code setAvailability({availability})} → {@code {"status":"recorded","availability"}}; stored in the
 *       {@code Agents} row (ETag), pushed as {@code availability} to every connection of hers (the calling one
 *       included), resets the missed-call counter.</li>
 *   <li>{@code getAgentState()} → {@link AgentStatus} + {@code missedCalls}; a first sign-in gets {@code Available}
 *       with its start time recorded.</li>
 *   <li>{@code getMissedCalls()} → {@code {"missedCalls": [...]}}, newest first, at most {@value MissedCall#MAX_KEPT}.</li>
 * </ul>
 * Bad arguments are refused with the same {@code invalid: …} completion error {@code decide} uses.
 */
public final class AgentStateService {
    private static final Logger LOG = LoggerFactory.getLogger(AgentStateService.class);

    private final AgentDirectory agents;
    private final SignalRRestClient signalR;
    private final int agentCapacity;
    private final Clock clock;

    public AgentStateService(AgentDirectory agents, SignalRRestClient signalR, int agentCapacity, Clock clock) {
        this.agents = Objects.requireNonNull(agents);
        this.signalR = Objects.requireNonNull(signalR);
        if (agentCapacity < 1) throw new IllegalArgumentException("AgentCapacity must be at least 1");
        this.agentCapacity = agentCapacity;
        this.clock = Objects.requireNonNull(clock);
    }

    /** Completion result of {@code setAvailability}. */
    @JsonPropertyOrder({"status", "availability"})
    public record Recorded(String status, Availability availability) {}

    /** Completion result of {@code getAgentState}. */
    @JsonPropertyOrder({"availability", "reason", "since", "activeCalls", "capacity", "missedCalls"})
    public record AgentStateResult(
            Availability availability,
            AvailabilityReason reason,
            Instant since,
            int activeCalls,
            int capacity,
            List<MissedCall> missedCalls) {
        static AgentStateResult of(AgentStatus s, List<MissedCall> missed) {
            return new AgentStateResult(s.availability(), s.reason(), s.since(), s.activeCalls(), s.capacity(), missed);
        }
    }

    /** Completion result of {@code getMissedCalls}. */
    public record MissedCalls(List<MissedCall> missedCalls) {}

    public Recorded setAvailability(InvocationContext ctx) {
        String agentId = caller(ctx);
        if (ctx.arguments().size() != 1) {
            throw new DecisionRefusedException(
                    "invalid", "setAvailability takes exactly one argument {\"availability\": ...}");
        }
        AvailabilityRequest request;
        try {
            request = AvailabilityRequest.fromJson(ctx.arguments().get(0));
        } catch (ValidationException e) {
            throw invalid(e);
        }
        Instant now = clock.instant();
        var change =
                agents.update(agentId, s -> s.withAvailability(request.availability(), AvailabilityReason.AGENT, now));
        LOG.info(
                "agentId={} set availability {} (was {})",
                agentId,
                request.availability().wireName(),
                change.before().availability().wireName());
        // Pushed even when the value did not change: every connection (the calling one included) redraws the same
        // state.
        AvailabilityPush.send(signalR, change.after(), agentCapacity);
        return new Recorded("recorded", change.after().availability());
    }

    public AgentStateResult getAgentState(InvocationContext ctx) {
        String agentId = caller(ctx);
        noArguments(ctx, "getAgentState");
        AgentState state = agents.read(agentId);
        if (state.availabilitySince() == null) {
            Instant now = clock.instant();
            state = agents.update(agentId, s -> s.withSinceIfUnset(now)).after(); // first sign-in: Available from now
        }
        return AgentStateResult.of(state.status(agentCapacity), agents.missedCalls(agentId, MissedCall.MAX_KEPT));
    }

    public MissedCalls getMissedCalls(InvocationContext ctx) {
        String agentId = caller(ctx);
        noArguments(ctx, "getMissedCalls");
        return new MissedCalls(agents.missedCalls(agentId, MissedCall.MAX_KEPT));
    }

    private static String caller(InvocationContext ctx) {
        if (!ctx.hasUser()) {
            throw new DecisionRefusedException("not-yours", "the connection has no user id");
        }
        return ctx.userId();
    }

    private static void noArguments(InvocationContext ctx, String method) {
        List<JsonNode> args = ctx.arguments();
        if (!args.isEmpty()) {
            throw new DecisionRefusedException("invalid", method + " takes no argument");
        }
    }

    static DecisionRefusedException invalid(ValidationException e) {
        StringBuilder sb = new StringBuilder(
                e.problem().detail() == null ? "invalid argument" : e.problem().detail());
        e.errors()
                .forEach(fe -> sb.append("; ").append(fe.pointer()).append(' ').append(fe.message()));
        return new DecisionRefusedException("invalid", sb.toString());
    }
}
