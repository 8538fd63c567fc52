package io.cifpipe.runtime.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The caller, as proven by a validated Entra ID token. Identity comes only from here, never from
 * request headers or query values.
 *
 * @param objectId          {@code oid}: the user's (or service principal's) immutable id; the SignalR user id
 * @param tenantId          {@code tid}, or null if absent
 * @param subject           {@code sub}
 * @param appId             the calling client application ({@code azp} in v2 tokens, {@code appid} in v1), or null
 * @param name              {@code name}, or null
 * @param preferredUsername {@code preferred_username}, or null
 * @param scopes            delegated scopes from {@code scp} (space separated); empty for app tokens
 * @param roles             app roles from {@code roles}
 * @param expiresAt         {@code exp}
 */
public record Principal(
        String objectId,
        String tenantId,
        String subject,
        String appId,
        String name,
        String preferredUsername,
        Set<String> scopes,
        Set<String> roles,
        Instant expiresAt) {

    public Principal {
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Returns this principal, or throws {@link InsufficientScopeException} (403) if {@code scope} is missing. */
    public Principal requireScope(String scope) {
        if (!hasScope(scope)) {
            throw InsufficientScopeException.missingScope(scope);
        }
        return this;
    }

    /** Returns this principal, or throws {@link InsufficientScopeException} (403) if app role {@code role} is missing. */
    public Principal requireRole(String role) {
        if (!hasRole(role)) {
            throw InsufficientScopeException.missingRole(role);
        }
        return this;
    }
}
