package io.cifpipe.presence.negotiate;

import io.cifpipe.runtime.auth.BearerAuthException;
import io.cifpipe.runtime.auth.IdentityProviderUnavailableException;
import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.auth.Principal;
import io.cifpipe.runtime.http.AuthReplies;
import io.cifpipe.runtime.http.CorsPolicy;
import io.cifpipe.runtime.http.HttpCall;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.runtime.signalr.ClientNegotiation;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code negotiate}: validates the caller's Entra bearer token, binds the SignalR user id to its {@code oid}
 * and returns {@code {url, accessToken}} for the hub. No header or query value (e.g. a forged
 * {@code x-ms-client-principal-id}) is ever consulted for the identity.
 */
public final class NegotiateService {
    private static final Logger LOG = LoggerFactory.getLogger(NegotiateService.class);

    /** Bound to the validator: same token again (a reconnect) → no second signature check. */
    private final ValidatedTokens validator;

    private final String requiredScope;
    private final ClientNegotiator negotiator;
    private final Duration clientTokenLifetime;
    private final CorsPolicy cors;

    public NegotiateService(
            JwtValidator validator,
            String requiredScope,
            ClientNegotiator negotiator,
            Duration clientTokenLifetime,
            CorsPolicy cors) {
        this.validator = new ValidatedTokens(
                Objects.requireNonNull(validator)::validate,
                java.time.Clock.systemUTC(),
                Duration.ofMinutes(10),
                50_000);
        this.requiredScope = Objects.requireNonNull(requiredScope);
        this.negotiator = Objects.requireNonNull(negotiator);
        this.clientTokenLifetime = Objects.requireNonNull(clientTokenLifetime);
        this.cors = Objects.requireNonNull(cors);
    }

    public HttpReply handle(HttpCall call) {
        if (call.isPreflight()) {
            return cors.preflight(
                    call.origin(),
                    call.header("Access-Control-Request-Method"),
                    call.header("Access-Control-Request-Headers"));
        }
        HttpReply reply;
        try {
            Principal user = validator
                    .validateAuthorizationHeader(call.header("Authorization"))
                    .requireScope(requiredScope);
            ClientNegotiation info = negotiator.negotiate(user.objectId(), clientTokenLifetime);
            LOG.info("negotiate ok user={} lifetime={}", user.objectId(), clientTokenLifetime);
            reply = HttpReply.json(200, new NegotiateResponse(info.url(), info.accessToken()));
        } catch (BearerAuthException e) {
            LOG.info("negotiate refused status={} reason={}", e.httpStatus(), e.getMessage());
            reply = AuthReplies.of(e);
        } catch (IdentityProviderUnavailableException e) {
            LOG.warn("negotiate: identity provider unavailable: {}", e.getMessage());
            reply = AuthReplies.of(e);
        }
        return reply.withHeaders(cors.responseHeaders(call.origin()));
    }

    /** Exactly the two fields the SignalR clients read. */
    public record NegotiateResponse(String url, String accessToken) {}
}
