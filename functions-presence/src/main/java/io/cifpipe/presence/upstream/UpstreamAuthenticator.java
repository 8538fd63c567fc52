package io.cifpipe.presence.upstream;

import io.cifpipe.model.Setting;
import io.cifpipe.model.validation.ProblemType;
import io.cifpipe.runtime.auth.BearerAuthException;
import io.cifpipe.runtime.auth.IdentityProviderUnavailableException;
import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.auth.Principal;
import io.cifpipe.runtime.auth.TokenRejectedException;
import io.cifpipe.runtime.http.AuthReplies;
import io.cifpipe.runtime.http.HttpCall;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.runtime.signalr.SignalRConnectionString;
import io.cifpipe.runtime.signalr.UpstreamSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates a SignalR upstream request before anything else looks at it. Two independent checks, each on when
 * configured, both required when both are on:
 * <ul>
 *   <li><b>signature</b> (access-key mode): {@code X-ASRS-Signature} must carry {@code sha256=HMAC(key, connection id)}
 *       for our access key; the service lists one entry per key, so any entry may match (key rotation).</li>
 *   <li><b>bearer</b> (managed-identity upstream auth, the only option with keyless SignalR): {@code Authorization:
 *       Bearer} with an Entra token for {@link Setting#SIGNALR_UPSTREAM_RESOURCE} — issuer, audience, signature via
 *       JWKS and lifetime by the project's {@link JwtValidator}; with {@link Setting#SIGNALR_UPSTREAM_PRINCIPAL_ID}
 *       its {@code oid} must be SignalR's identity, because any identity of the tenant can get a token for a resource.</li>
 * </ul>
 * With neither there is nothing to check against, so construction fails (the app refuses to serve upstream).
 */
public final class UpstreamAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamAuthenticator.class);

    private final List<String> accessKeys;
    private final List<JwtValidator> bearer;
    private final String principalId;

    /** {@code bearer}: validators tried in order (e.g. v2.0 then v1.0 issuer of the same tenant); any may accept. */
    public UpstreamAuthenticator(List<String> accessKeys, List<JwtValidator> bearer, String principalId) {
        this.accessKeys = List.copyOf(accessKeys);
        this.bearer = List.copyOf(bearer);
        this.principalId = principalId == null || principalId.isBlank() ? null : principalId;
        if (this.accessKeys.isEmpty() && this.bearer.isEmpty()) {
            throw new IllegalStateException(
                    "SignalR upstream cannot be authenticated: the SignalR connection string has no "
                            + "AccessKey and '" + Setting.SIGNALR_UPSTREAM_RESOURCE.key() + "' is not set");
        }
    }

    /**
     * From app settings: the access key of {@code connection} (none with {@code AuthType=azure.msi}) and, when
     * {@link Setting#SIGNALR_UPSTREAM_RESOURCE} is set, validators with that audience for {@code Authority}'s issuer
     * and, with {@code AzureAd__TenantId}, the tenant's v1.0 issuer {@code https://sts.windows.net/<tid>/}: which
     * version Entra issues depends on the resource's app registration, and Microsoft's managed-identity page says
     * v1.0 for App Service authentication. Keys come from the same OIDC discovery either way.
     */
    public static UpstreamAuthenticator fromSettings(Function<String, String> env, SignalRConnectionString connection) {
        Optional<String> resource =
                Setting.SIGNALR_UPSTREAM_RESOURCE.read(env).map(String::trim).filter(s -> !s.isEmpty());
        List<JwtValidator> validators = new ArrayList<>();
        if (resource.isPresent()) {
            String authority = JwtValidator.authorityFromSettings(env);
            validators.add(JwtValidator.builder()
                    .authority(authority)
                    .audience(resource.get())
                    .build());
            Setting.TENANT_ID
                    .read(env)
                    .ifPresent(tid -> validators.add(JwtValidator.builder()
                            .authority(authority)
                            .issuer("https://sts.windows.net/" + tid + "/")
                            .audience(resource.get())
                            .build()));
        }
        List<String> keys = connection.isKeyless() ? List.of() : List.of(connection.accessKey());
        return new UpstreamAuthenticator(
                keys,
                validators,
                Setting.SIGNALR_UPSTREAM_PRINCIPAL_ID.read(env).orElse(null));
    }

    public boolean checksSignature() {
        return !accessKeys.isEmpty();
    }

    public boolean checksBearer() {
        return !bearer.isEmpty();
    }

    /** Empty when the request is authentic, otherwise the 401 (or 503 when Entra's keys are unreachable) to answer. */
    public Optional<HttpReply> reject(HttpCall call) {
        String connectionId = call.header("X-ASRS-Connection-Id");
        if (!accessKeys.isEmpty()) {
            String signature = call.header("X-ASRS-Signature");
            if (signature == null || signature.isBlank()) {
                return Optional.of(unauthorized("the request is not signed (X-ASRS-Signature missing)"));
            }
            if (!UpstreamSignature.verify(signature, connectionId, accessKeys)) {
                LOG.warn("SignalR upstream refused: X-ASRS-Signature does not match (connectionId={})", connectionId);
                return Optional.of(unauthorized("X-ASRS-Signature does not match"));
            }
        }
        if (!bearer.isEmpty()) {
            try {
                Principal p = validateBearer(credentials(call));
                if (principalId != null && !principalId.equals(p.objectId())) {
                    throw new TokenRejectedException("token is not SignalR's managed identity");
                }
            } catch (BearerAuthException e) {
                LOG.warn("SignalR upstream refused: bearer token {} (connectionId={})", e.getMessage(), connectionId);
                return Optional.of(AuthReplies.of(e));
            } catch (IdentityProviderUnavailableException e) {
                LOG.warn("SignalR upstream: Entra signing keys unavailable: {}", e.getMessage());
                return Optional.of(AuthReplies.of(e));
            }
        }
        return Optional.empty();
    }

    /**
     * Microsoft's managed-identity page says SignalR puts the token in {@code Authorization}; its upstream page names
     * the header {@code Authentication}. Both are read ({@code Authorization} first), as {@code Bearer <token>}.
     */
    private static String credentials(HttpCall call) {
        String authorization = call.header("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            return authorization;
        }
        String authentication = call.header("Authentication");
        if (authentication != null
                && !authentication.isBlank()
                && !authentication.trim().contains(" ")) {
            return "Bearer " + authentication.trim();
        }
        return authentication;
    }

    private Principal validateBearer(String header) {
        String token = JwtValidator.bearerToken(header);
        TokenRejectedException first = null;
        for (JwtValidator v : bearer) {
            try {
                return v.validate(token);
            } catch (TokenRejectedException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }

    private static HttpReply unauthorized(String detail) {
        return HttpReply.problem(ProblemType.UPSTREAM_SIGNATURE, detail);
    }

    @Override
    public String toString() {
        return "UpstreamAuthenticator[signature=" + checksSignature() + ", bearer=" + checksBearer() + ", principal="
                + (principalId != null) + "]";
    }
}
