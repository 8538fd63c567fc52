package io.cifpipe.runtime.auth;

/**
 * The token could not be checked because the identity provider's discovery document or key set could
 * not be fetched. Not the caller's fault: answer 503 (with Retry-After), never 401.
 */
public final class IdentityProviderUnavailableException extends RuntimeException {
    public IdentityProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
