package io.cifpipe.ingress;

import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.auth.Principal;

/**
 * Optional second factor on top of the function key: an Entra app token (client-credentials flow) carrying the
 * app role {@code CallsSendRole}. Validation (issuer, audience, signature via JWKS, expiry) is the shared
 * {@link JwtValidator}; this only adds the role requirement.
 */
public final class AppTokenCheck {
    private final JwtValidator validator;
    private final String requiredRole;

    public AppTokenCheck(JwtValidator validator, String requiredRole) {
        this.validator = validator;
        this.requiredRole = requiredRole;
    }

    /**
     * @throws io.cifpipe.runtime.auth.TokenRejectedException      401: missing, malformed, expired, wrong issuer/audience
     * @throws io.cifpipe.runtime.auth.InsufficientScopeException  403: valid token without the role
     * @throws io.cifpipe.runtime.auth.IdentityProviderUnavailableException keys could not be fetched (503)
     */
    public Principal check(String authorizationHeader) {
        return validator.validateAuthorizationHeader(authorizationHeader).requireRole(requiredRole);
    }
}
