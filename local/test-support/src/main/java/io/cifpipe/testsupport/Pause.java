package io.cifpipe.testsupport;

/** A sleep for polling loops and back-offs in test tooling. */
public final class Pause {
    private Pause() {}

    /**
     * Sleeps {@code ms} milliseconds. An interrupt ends the pause early and stays set, so the caller's loop (which
     * checks its own running flag or deadline) sees it instead of it being swallowed.
     */
    public static void millis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
