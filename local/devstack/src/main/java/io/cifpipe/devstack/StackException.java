package io.cifpipe.devstack;

/**
 * A problem the developer can fix (port in use, missing build, missing Node). The launcher prints
 * {@link #getMessage()} and the fix, never a stack trace.
 */
public final class StackException extends RuntimeException {
    private final String fix;

    public StackException(String message, String fix) {
        super(message);
        this.fix = fix;
    }

    public StackException(String message, String fix, Throwable cause) {
        super(message, cause);
        this.fix = fix;
    }

    /** What to do about it, e.g. "run mvn install". */
    public String fix() {
        return fix;
    }
}
