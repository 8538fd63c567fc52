package io.cifpipe.presence.http;

import io.cifpipe.runtime.auth.BearerAuthException;
import io.cifpipe.runtime.auth.IdentityProviderUnavailableException;

/** Maps authentication failures to HTTP answers: 401/403 with {@code WWW-Authenticate}, 503 when Entra is unreachable. */
public final class AuthReplies {
    private AuthReplies() {}

    public static HttpReply of(BearerAuthException e) {
        String type = e.httpStatus() == 403 ? "urn:cifpipe:problem:insufficient-scope" : "urn:cifpipe:problem:unauthorized";
        String title = e.httpStatus() == 403 ? "Forbidden" : "Unauthorized";
        return HttpReply.problem(e.httpStatus(), type, title, e.getMessage())
                .withHeader("WWW-Authenticate", e.wwwAuthenticate());
    }

    public static HttpReply of(IdentityProviderUnavailableException e) {
        return HttpReply.problem(503, "urn:cifpipe:problem:identity-provider-unavailable", "Service Unavailable",
                "the identity provider's signing keys could not be fetched; retry shortly")
                .withHeader("Retry-After", "5");
    }
}
