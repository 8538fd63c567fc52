package io.cifpipe.runtime.auth;

/** The bearer token is missing, malformed, expired, for another audience/issuer, or badly signed: HTTP 401. */
public final class TokenRejectedException extends BearerAuthException {

    private final String errorCode;

    /** A token was presented and is not acceptable ({@code error="invalid_token"}). */
    public TokenRejectedException(String reason) {
        this(reason, null);
    }

    public TokenRejectedException(String reason, Throwable cause) {
        this("invalid_token", reason, cause);
    }

    private TokenRejectedException(String errorCode, String reason, Throwable cause) {
        super(reason, cause);
        this.errorCode = errorCode;
    }

    /** No credentials at all: RFC 6750 §3.1 says the challenge then carries no error code. */
    public static TokenRejectedException missing() {
        return new TokenRejectedException(null, "bearer token required", null);
    }

    /** The Authorization header is present but not a usable bearer credential. */
    public static TokenRejectedException malformedHeader(String reason) {
        return new TokenRejectedException("invalid_request", reason, null);
    }

    /** The reason, suitable for logs and for {@code error_description}. */
    public String reason() {
        return getMessage();
    }

    @Override
    public int httpStatus() {
        return 401;
    }

    @Override
    public String errorCode() {
        return errorCode;
    }
}
