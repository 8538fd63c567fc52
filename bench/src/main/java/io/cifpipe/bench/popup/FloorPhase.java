package io.cifpipe.bench.popup;

import io.cifpipe.bench.core.Latency;
import io.cifpipe.bench.core.OpenLoop;
import io.cifpipe.bench.core.Progress;
import io.cifpipe.bench.signalr.BareWebSocketServer;
import io.cifpipe.bench.signalr.HubClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor for call → popup: the same number of clients (same hand-written hub-protocol clients, one event loop)
 * on a bare Vert.x WebSocket server in this JVM — where the pipeline's SignalR emulator also runs — and one HTTP
 * POST per call at the same rate, round robin over the agents, latency from the intended send time to the
 * client's parse of the frame. Everything the pipeline adds (validation, Service Bus, ledger, auth, REST hop) is
 * what the ratio shows.
 */
final class FloorPhase {
    record Outcome(Latency latency, long sent, long accepted, long received, long failed) {}

    private FloorPhase() {}

    static Outcome run(int agents, double rate, Duration warmup, Duration duration, PrintStream progress)
            throws Exception {
        List<String> users = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            users.add("agent-" + i);
        }
        AtomicInteger phase = new AtomicInteger();
        Latency[] current = {new Latency("warmup")};
        AtomicLong received = new AtomicLong();
        try (BareWebSocketServer server = BareWebSocketServer.start(0);
                HubClients clients = new HubClients(
                        new HubClients.Target(server.port(), null, null),
                        (user, target, args) -> {
                            if (args.path(0).path("p").asInt() == phase.get()) {
                                current[0].recordSince(args.path(0).path("t").asLong());
                                received.incrementAndGet();
                            }
                        },
                        1)) {
            progress.printf("popup floor: connecting %d clients to a bare Vert.x WebSocket server%n", agents);
            Future.join(new ArrayList<>(clients.connectAll(users, 128)))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .handle((v, e) -> null)
                    .get(5, TimeUnit.MINUTES);
            Vertx vertx = Vertx.vertx();
            try {
                HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(server.port())
                        .setMaxPoolSize(64)
                        .setKeepAlive(true));
                AtomicLong accepted = new AtomicLong();
                AtomicLong failed = new AtomicLong();
                OpenLoop.Op push = (seq, intended) -> {
                    int sentIn = phase.get();
                    Buffer body = Buffer.buffer(
                            "{\"target\":\"notify\",\"arguments\":[{\"p\":" + sentIn + ",\"t\":" + intended
                                    + ",\"notificationId\":\"n1~call-" + seq
                                    + "~agent\",\"callerNumber\":\"+4930123456789\","
                                    + "\"callerName\":\"Bench Caller\",\"queue\":\"Sales\",\"customerContext\":{\"tier\":\"Gold\"}}]}");
                    http.request(new RequestOptions()
                                    .setMethod(HttpMethod.POST)
                                    .setURI("/push/" + users.get((int) (seq % agents))))
                            .compose(r -> r.send(body))
                            .onComplete(ar -> {
                                if (sentIn != phase.get()) {
                                    return;
                                }
                                if (ar.succeeded() && ar.result().statusCode() == 202) {
                                    accepted.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                }
                            });
                };
                if (!warmup.isZero()) {
                    OpenLoop.run(rate, warmup, push, () -> false);
                    Thread.sleep(300);
                }
                Latency latency = new Latency("floor");
                current[0] = latency;
                phase.set(1);
                received.set(0);
                accepted.set(0);
                failed.set(0);
                long sent;
                try (Progress p = new Progress(
                        "popup floor",
                        () -> String.format(
                                "accepted %d received %d failed %d", accepted.get(), received.get(), failed.get()),
                        progress)) {
                    sent = OpenLoop.run(rate, duration, push, () -> false);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (received.get() < sent && failed.get() == 0 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                }
                return new Outcome(latency, sent, accepted.get(), received.get(), failed.get());
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
