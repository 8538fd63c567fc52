package io.cifpipe.presence.userclient;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.model.validation.ProblemType;
import io.cifpipe.runtime.auth.BearerAuthException;
import io.cifpipe.runtime.auth.IdentityProviderUnavailableException;
import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.auth.Principal;
import io.cifpipe.runtime.http.AuthReplies;
import io.cifpipe.runtime.http.CorsPolicy;
import io.cifpipe.runtime.http.HttpCall;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.runtime.signalr.SignalRException;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code userclient}: compatibility endpoint of the seed, where the client told the server "this connection
 * is mine". Here the connected trigger already registers connections from the service's verified user id,
 * so this endpoint confirms and refreshes (lastSeenAt) a connection the registry holds under the caller's
 * oid. A connection the registry does not know (userclient overtook the connected event, or that event was
 * lost) is registered only if SignalR Service confirms it was opened by the caller
 * ({@link ConnectionOwnership}). Anything else is 403: a client can never attach someone else's connection.
 */
public final class UserClientService {
    private static final Logger LOG = LoggerFactory.getLogger(UserClientService.class);
    private static final Pattern CONNECTION_ID = Pattern.compile("^[A-Za-z0-9_\\-=+/.]{1,128}$");

    private final JwtValidator validator;
    private final String requiredScope;
    private final ConnectionRegistry registry;
    private final ConnectionOwnership ownership;
    private final String hub;
    private final CorsPolicy cors;
    private final Clock clock;

    public UserClientService(
            JwtValidator validator,
            String requiredScope,
            ConnectionRegistry registry,
            ConnectionOwnership ownership,
            String hub,
            CorsPolicy cors,
            Clock clock) {
        this.validator = Objects.requireNonNull(validator);
        this.requiredScope = Objects.requireNonNull(requiredScope);
        this.registry = Objects.requireNonNull(registry);
        this.ownership = Objects.requireNonNull(ownership);
        this.hub = Objects.requireNonNull(hub);
        this.cors = Objects.requireNonNull(cors);
        this.clock = Objects.requireNonNull(clock);
    }

    public HttpReply handle(HttpCall call) {
        if (call.isPreflight()) {
            return cors.preflight(
                    call.origin(),
                    call.header("Access-Control-Request-Method"),
                    call.header("Access-Control-Request-Headers"));
        }
        return register(call).withHeaders(cors.responseHeaders(call.origin()));
    }

    private HttpReply register(HttpCall call) {
        Principal user;
        try {
            user = validator
                    .validateAuthorizationHeader(call.header("Authorization"))
                    .requireScope(requiredScope);
        } catch (BearerAuthException e) {
            return AuthReplies.of(e);
        } catch (IdentityProviderUnavailableException e) {
            return AuthReplies.of(e);
        }
        String connectionId = connectionId(call.body());
        if (connectionId == null) {
            return HttpReply.problem(
                    ProblemType.MALFORMED_JSON,
                    "body must be a JSON object {\"connectionId\": \"<SignalR connection id>\"}");
        }
        Optional<ConnectionRecord> mine = registry.listForUser(user.objectId()).stream()
                .filter(r -> r.connectionId().equals(connectionId))
                .findFirst();
        if (mine.isPresent()) {
            registry.upsert(mine.get().seenAt(clock.instant()));
            LOG.info("userclient confirmed user={} connectionId={}", user.objectId(), connectionId);
        } else {
            boolean owned;
            try {
                owned = ownership.belongsTo(connectionId, user.objectId());
            } catch (SignalRException e) {
                LOG.warn(
                        "userclient: SignalR ownership check failed for connectionId={}: {}",
                        connectionId,
                        e.getMessage());
                return HttpReply.problem(
                                ProblemType.UNAVAILABLE,
                                "could not verify the connection with SignalR Service; retry shortly")
                        .withHeader("Retry-After", "5");
            }
            if (!owned) {
                LOG.info(
                        "userclient refused user={} connectionId={}: not a connection of this user",
                        user.objectId(),
                        connectionId);
                return HttpReply.problem(
                        ProblemType.NOT_YOUR_CONNECTION, "connection does not belong to the signed-in user");
            }
            registry.upsert(ConnectionRecord.connected(
                    user.objectId(), connectionId, hub, clock.instant(), call.header("User-Agent")));
            LOG.info(
                    "userclient registered user={} connectionId={} (verified with SignalR)",
                    user.objectId(),
                    connectionId);
        }
        return HttpReply.json(200, Map.of("userId", user.objectId(), "connectionId", connectionId));
    }

    private static String connectionId(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.strictMapper().readTree(body);
            JsonNode id = n == null ? null : n.get("connectionId");
            if (id == null
                    || !id.isTextual()
                    || !CONNECTION_ID.matcher(id.textValue()).matches()) {
                return null;
            }
            return id.textValue();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
