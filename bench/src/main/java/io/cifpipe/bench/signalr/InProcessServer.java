package io.cifpipe.bench.signalr;

import io.cifpipe.emulator.signalr.SignalREmulator;

/**
 * The server in the bench's own JVM: quick to start (smoke tests), but its heap figure includes the load
 * generator's objects, so memory per connection is only indicative in this mode.
 */
final class InProcessServer implements ServerHandle {
    static final String IN_PROCESS = "in-process";
    private final AutoCloseable server;
    private final int port;

    private InProcessServer(AutoCloseable server, int port) {
        this.server = server;
        this.port = port;
    }

    static InProcessServer start(String mode, int port) throws Exception {
        if (mode.equals("signalr")) {
            SignalREmulator emulator = SignalREmulator.builder()
                    .host("127.0.0.1")
                    .port(port)
                    .build()
                    .start();
            return new InProcessServer(emulator, emulator.port());
        }
        BareWebSocketServer bare = BareWebSocketServer.start(port);
        return new InProcessServer(bare, bare.port());
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Memory memory() {
        try {
            return new Memory(ServerProcess.heapAfterGc(), ServerProcess.rss());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Memory(-1, -1);
        }
    }

    @Override
    public void kill() throws Exception {
        server.close();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
