package io.cifpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.bench.model.DelayProxy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The latency model's TCP proxy: forwards every byte, in order, and holds each direction at least its delay. */
class DelayProxyTest {
    @Test
    @Timeout(30)
    void echoThroughTheProxyKeepsOrderAndTakesAtLeastTheRoundTrip() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            NetServer echo = vertx.createNetServer().connectHandler(s -> s.handler(s::write));
            echo.listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            try (DelayProxy proxy = DelayProxy.start(vertx, "echo", echo.actualPort(), Duration.ofMillis(20))) {
                NetSocket socket = vertx.createNetClient()
                        .connect(proxy.port(), "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                StringBuilder expected = new StringBuilder();
                Buffer got = Buffer.buffer();
                CompletableFuture<Long> done = new CompletableFuture<>();
                long start = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    expected.append(i).append(',');
                }
                socket.handler(b -> {
                    got.appendBuffer(b);
                    if (got.length() >= expected.length()) {
                        done.complete(System.nanoTime() - start);
                    }
                });
                for (int i = 0; i < 200; i++) {
                    socket.write(i + ","); // many small chunks: order must survive the delay queue
                }
                long elapsed = done.get(10, TimeUnit.SECONDS);
                assertThat(got.toString()).isEqualTo(expected.toString());
                assertThat(Duration.ofNanos(elapsed))
                        .as("request and response each held 20 ms")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(40));
                assertThat(proxy.connections()).isEqualTo(1);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
