package io.cifpipe.emulator.signalr;

/** A client or server access token was rejected; the message is the reason returned with the 401. */
public final class InvalidTokenException extends Exception {
    public InvalidTokenException(String reason) {
        super(reason);
    }
}
