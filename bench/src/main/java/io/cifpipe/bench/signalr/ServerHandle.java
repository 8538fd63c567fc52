package io.cifpipe.bench.signalr;

import java.io.IOException;

/** A server under test (SignalR emulator or bare WebSocket server), in a child JVM or in this one. */
public interface ServerHandle extends AutoCloseable {
    /** Heap used after GC and resident set size of the server's JVM, in bytes. */
    record Memory(long heapUsed, long rss) {}

    int port();

    Memory memory() throws IOException;

    /** Stops abruptly (a crash for a child process; an immediate close in process). */
    void kill() throws Exception;

    @Override
    void close() throws Exception;

    /** Starts {@code mode} on {@code port}: a child JVM with {@code -Xmx heap}, or in this JVM when heap is "in-process". */
    static ServerHandle start(String mode, int port, String heap) throws Exception {
        return heap.equals(InProcessServer.IN_PROCESS)
                ? InProcessServer.start(mode, port)
                : ChildServer.start(mode, port, heap);
    }
}
