package io.cifpipe.runtime.signalr;

/** A SignalR REST call failed for a reason other than "connection gone". {@code status} is 0 for I/O errors. */
public final class SignalRException extends RuntimeException {
    private final int status;

    public SignalRException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** True when retrying later may help (I/O error, timeout, 408, 429, 5xx). */
    public boolean isTransient() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
