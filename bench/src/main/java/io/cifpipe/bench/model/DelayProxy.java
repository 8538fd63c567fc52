package io.cifpipe.bench.model;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that holds every chunk for a fixed one-way delay in each direction before forwarding it,
 * so a request/response exchange (HTTP request, AMQP transfer + disposition) costs one extra round trip time of
 * 2 × {@code oneWay} — the network part of an in-region call to an Azure service. Protocol-agnostic (HTTP/1.1 to
 * Azurite, SignalR REST and the Functions host; AMQP to the Service Bus emulator); order within a connection is
 * kept (a fixed delay on a FIFO queue), bandwidth is not limited.
 */
public final class DelayProxy implements AutoCloseable {
    private final Vertx vertx;
    private final String name;
    private final long delayNanos;
    private final NetServer server;
    private final NetClient client;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong chunks = new AtomicLong();

    private DelayProxy(Vertx vertx, String name, int targetPort, Duration oneWay) throws Exception {
        this.vertx = vertx;
        this.name = name;
        this.delayNanos = oneWay.toNanos();
        this.client =
                vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
        this.server = vertx.createNetServer(
                        new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .connectHandler(in -> accept(in, targetPort));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Starts a proxy on an ephemeral loopback port in front of 127.0.0.1:{@code targetPort}. */
    public static DelayProxy start(Vertx vertx, String name, int targetPort, Duration oneWay) throws Exception {
        return new DelayProxy(vertx, name, targetPort, oneWay);
    }

    public int port() {
        return server.actualPort();
    }

    public String name() {
        return name;
    }

    public Duration oneWay() {
        return Duration.ofNanos(delayNanos);
    }

    public long connections() {
        return connections.get();
    }

    public long chunks() {
        return chunks.get();
    }

    private void accept(NetSocket in, int targetPort) {
        connections.incrementAndGet();
        in.pause();
        client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                in.close();
                return;
            }
            NetSocket out = ar.result();
            EventLoop loop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
            new Direction(in, out, loop);
            new Direction(out, in, loop);
            in.resume();
        });
    }

    /** One direction of a connection: chunks wait in FIFO order until their due time, then are written. */
    private final class Direction {
        private final NetSocket from;
        private final NetSocket to;
        private final EventLoop loop;
        private final ArrayDeque<Object[]> queue = new ArrayDeque<>();
        private boolean armed;
        private boolean closed;

        Direction(NetSocket from, NetSocket to, EventLoop loop) {
            this.from = from;
            this.to = to;
            this.loop = loop;
            from.handler(buf -> enqueue(buf));
            from.endHandler(v -> enqueue(null)); // the close travels with the same delay, after the data
            from.exceptionHandler(e -> enqueue(null));
            to.drainHandler(v -> from.resume());
        }

        // All handlers and the scheduled flush run on the connection's event loop: no locking needed.
        private void enqueue(Buffer buf) {
            if (closed) {
                return;
            }
            if (buf == null) {
                closed = true;
            } else {
                chunks.incrementAndGet();
            }
            queue.add(new Object[] {System.nanoTime() + delayNanos, buf});
            arm();
        }

        private void arm() {
            if (armed || queue.isEmpty()) {
                return;
            }
            armed = true;
            long wait = Math.max(0, (long) queue.peek()[0] - System.nanoTime());
            loop.schedule(this::flush, wait, TimeUnit.NANOSECONDS);
        }

        private void flush() {
            armed = false;
            long now = System.nanoTime();
            while (!queue.isEmpty() && (long) queue.peek()[0] <= now) {
                Buffer buf = (Buffer) queue.poll()[1];
                if (buf == null) {
                    to.close();
                    from.close();
                    queue.clear();
                    return;
                }
                to.write(buf);
            }
            if (to.writeQueueFull()) {
                from.pause(); // resumed by the drain handler
            }
            arm();
        }
    }

    @Override
    public void close() {
        server.close();
        client.close();
    }
}
