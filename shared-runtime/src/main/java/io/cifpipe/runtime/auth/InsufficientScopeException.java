package io.cifpipe.runtime.auth;

/** The token is valid but lacks the scope or app role the operation needs: HTTP 403 ({@code insufficient_scope}). */
public final class InsufficientScopeException extends BearerAuthException {

    private final String required;
    private final boolean role;

    private InsufficientScopeException(String message, String required, boolean role) {
        super(message, null);
        this.required = required;
        this.role = role;
    }

    public static InsufficientScopeException missingScope(String scope) {
        return new InsufficientScopeException("token lacks required scope " + scope, scope, false);
    }

    public static InsufficientScopeException missingRole(String role) {
        return new InsufficientScopeException("token lacks required app role " + role, role, true);
    }

    /** The scope or role name that was required. */
    public String required() {
        return required;
    }

    /** True if an app role (not a delegated scope) was missing. */
    public boolean isRole() {
        return role;
    }

    @Override
    public int httpStatus() {
        return 403;
    }

    @Override
    public String errorCode() {
        return "insufficient_scope";
    }

    @Override
    protected String extraChallengeParams() {
        return role ? null : "scope=\"" + headerSafe(required) + "\"";
    }
}
