package io.cifpipe.bench.sb;

/**
 * One send → receive → settle path through a broker. Implementations are asynchronous: {@link #send} must not
 * block, and the receive side reports each message through the {@link Listener} given at start.
 */
interface Pipe extends AutoCloseable {
    interface Listener {
        /** A message arrived (before it is settled); {@code intendedNanos} was stamped by the sender. */
        void received(long intendedNanos);

        /** The broker confirmed the settlement (complete / accept) of a received message. */
        void completed();

        /** The broker confirmed a send. */
        void sent();

        void failed(Throwable error);
    }

    String name();

    void start(Listener listener) throws Exception;

    void send(long intendedNanos, byte[] body);

    @Override
    void close() throws Exception;
}
