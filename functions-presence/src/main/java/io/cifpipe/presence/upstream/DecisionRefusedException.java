package io.cifpipe.presence.upstream;

/**
 * A {@code decide} invocation that is refused outright: it becomes the Completion's {@code error}
 * (nothing is recorded). The message starts with a stable code ({@code not-yours:}, {@code invalid:}).
 */
public final class DecisionRefusedException extends RuntimeException {
    private final String code;

    public DecisionRefusedException(String code, String detail) {
        super(code + ": " + detail);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
