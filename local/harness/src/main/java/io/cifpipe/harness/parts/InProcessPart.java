package io.cifpipe.harness.parts;

import io.cifpipe.harness.Part;

/**
 * A server that runs in this JVM (an emulator): {@link #stop()} closes it, {@link #start()} builds a new one on the
 * same port. The last one started stays readable after a stop, as tests read its address or counters then.
 */
abstract class InProcessPart<T extends AutoCloseable> implements Part {
    private volatile T server;
    private boolean running;

    /** Builds and starts a new server (same port, same configuration as the part holds now). */
    protected abstract T startServer();

    @Override
    public final synchronized void start() {
        if (running) return;
        server = startServer();
        running = true;
    }

    @Override
    public final synchronized void stop() {
        if (!running) return;
        try {
            server.close();
        } catch (Exception ignored) {
            // stopping anyway
        }
        running = false;
    }

    @Override
    public final synchronized boolean answers() {
        return running;
    }

    /** The last server started (closed while the part is stopped). */
    protected final T server() {
        return server;
    }
}
