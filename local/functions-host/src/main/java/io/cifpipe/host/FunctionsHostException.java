package io.cifpipe.host;

/** The host could not start (bad app folder, port in use, child JVM failed). The message names the fix. */
public class FunctionsHostException extends RuntimeException {
    public FunctionsHostException(String message) {
        super(message);
    }

    public FunctionsHostException(String message, Throwable cause) {
        super(message, cause);
    }
}
