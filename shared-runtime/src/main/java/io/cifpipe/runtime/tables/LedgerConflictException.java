package io.cifpipe.runtime.tables;

/** A ledger row kept changing under us (ETag conflicts) beyond the retry budget; retry the whole operation later. */
public final class LedgerConflictException extends RuntimeException {
    public LedgerConflictException(String message) {
        super(message);
    }
}
