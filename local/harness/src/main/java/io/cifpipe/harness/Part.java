package io.cifpipe.harness;

/**
 * One piece of a local stack (Azurite, the Service Bus and SignalR emulators, Entra, a Functions app): started in
 * order, stopped in reverse order, and for fault tests killed or restarted at the same address. devstack's parts,
 * the reliability suite and the benchmarks all use this shape.
 */
public interface Part extends AutoCloseable {

    /** Human name for progress lines and messages, e.g. "Azurite tables". */
    String name();

    /** Starts and returns once the part answers; starting a running part does nothing. */
    void start() throws Exception;

    /** Orderly stop (SIGTERM, or closing the in-process server): what was written stays written. Never throws. */
    void stop();

    /** Abrupt end, like a crashed node: SIGKILL for a child process. In-process parts have only {@link #stop()}. */
    default void kill() {
        stop();
    }

    /** Stop, then start again at the same address with the same data. */
    default void restart() throws Exception {
        stop();
        start();
    }

    /** Does the part answer right now? (may block briefly) */
    boolean answers();

    @Override
    default void close() {
        stop();
    }
}
