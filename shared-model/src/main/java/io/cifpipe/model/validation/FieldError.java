package io.cifpipe.model.validation;

import java.util.Objects;

/**
 * One precise validation failure.
 *
 * @param pointer RFC 6901 JSON pointer to the offending member ({@code /data/callId}, {@code /3/id} in a
 *                batch, {@code ""} for the whole document)
 * @param message why it is wrong, in words a telephony integrator can act on
 */
public record FieldError(String pointer, String message) {
    public FieldError {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
    }
}
