package io.cifpipe.runtime.http;

import io.cifpipe.model.validation.ProblemType;
import io.cifpipe.runtime.auth.BearerAuthException;
import io.cifpipe.runtime.auth.IdentityProviderUnavailableException;

/**
 * Bearer-token failures as HTTP answers, the same for every app: 401 {@link ProblemType#UNAUTHORIZED} or 403
 * {@link ProblemType#INSUFFICIENT_SCOPE}, each with the RFC 6750 {@code WWW-Authenticate} challenge; 503
 * {@link ProblemType#UNAVAILABLE} with {@code Retry-After} when Entra ID's signing keys cannot be fetched.
 */
public final class AuthReplies {
    /** Seconds a caller waits before retrying after the identity provider was unreachable. */
    public static final int IDP_RETRY_AFTER_SECONDS = 5;

    private AuthReplies() {}

    public static HttpReply of(BearerAuthException e) {
        return of(e, null);
    }

    /** @param instance the request path for the problem's {@code instance} member, or null */
    public static HttpReply of(BearerAuthException e, String instance) {
        ProblemType type = e.httpStatus() == 403 ? ProblemType.INSUFFICIENT_SCOPE : ProblemType.UNAUTHORIZED;
        return HttpReply.problem(type.details(e.getMessage()).withInstance(instance))
                .withHeader("WWW-Authenticate", e.wwwAuthenticate());
    }

    public static HttpReply of(IdentityProviderUnavailableException e) {
        return of(e, null);
    }

    /** @param instance the request path for the problem's {@code instance} member, or null */
    public static HttpReply of(IdentityProviderUnavailableException e, String instance) {
        return HttpReply.problem(ProblemType.UNAVAILABLE
                        .details("the identity provider's signing keys could not be fetched; retry shortly")
                        .withInstance(instance))
                .withHeader("Retry-After", Integer.toString(IDP_RETRY_AFTER_SECONDS));
    }
}
