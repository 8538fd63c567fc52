package io.cifpipe.runtime.auth;

/**
 * A bearer-token request that must be refused. Carries what the HTTP layer needs: the status and the
 * RFC 6750 {@code WWW-Authenticate} challenge. Messages never contain the token itself.
 */
public abstract sealed class BearerAuthException extends RuntimeException
        permits TokenRejectedException, InsufficientScopeException {

    protected BearerAuthException(String message, Throwable cause) {
        super(message, cause);
    }

    /** HTTP status to answer with (401 or 403). */
    public abstract int httpStatus();

    /** RFC 6750 error code ({@code invalid_token}, {@code invalid_request}, {@code insufficient_scope}) or null. */
    public abstract String errorCode();

    /** Value for the {@code WWW-Authenticate} response header. */
    public String wwwAuthenticate() {
        StringBuilder sb = new StringBuilder("Bearer");
        String sep = " ";
        if (errorCode() != null) {
            sb.append(sep).append("error=\"").append(errorCode()).append('"');
            sep = ", ";
            sb.append(sep)
                    .append("error_description=\"")
                    .append(headerSafe(getMessage()))
                    .append('"');
        }
        String extra = extraChallengeParams();
        if (extra != null) {
            sb.append(sep).append(extra);
        }
        return sb.toString();
    }

    protected String extraChallengeParams() {
        return null;
    }

    /**
     * RFC 6750 §3 restricts error_description to %x20-21 / %x23-5B / %x5D-7E: drop quotes, backslashes
     * and anything outside printable ASCII so a claim value can never break the header.
     */
    static String headerSafe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            boolean allowed = (c >= 0x20 && c <= 0x7E) && c != '"' && c != '\\';
            sb.append(allowed ? c : '?');
        }
        return sb.length() > 200 ? sb.substring(0, 200) : sb.toString();
    }
}
