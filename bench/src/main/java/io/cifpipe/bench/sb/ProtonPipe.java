package io.cifpipe.bench.sb;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonHelper;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

/**
 * A plain AMQP 1.0 client (vertx-proton) on one connection: an at-least-once sender (waits for the broker's
 * disposition) and a receiver with manual accept — the same work the SDK does, minus the SDK.
 */
final class ProtonPipe implements Pipe {
    private final Vertx vertx;
    private final String name;
    private final String host;
    private final int port;
    private final String address;
    private final int prefetch;
    private final SasKey sas;
    private ProtonConnection connection;
    private ProtonSender sender;
    private Context context;

    /** Shared access key for brokers that want a CBS put-token before attaching (the Service Bus emulator). */
    record SasKey(String name, String key) {}

    ProtonPipe(Vertx vertx, String name, String host, int port, String address, int prefetch) {
        this(vertx, name, host, port, address, prefetch, null);
    }

    ProtonPipe(Vertx vertx, String name, String host, int port, String address, int prefetch, SasKey sas) {
        this.sas = sas;
        this.vertx = vertx;
        this.name = name;
        this.host = host;
        this.port = port;
        this.address = address;
        this.prefetch = prefetch;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(Listener l) throws Exception {
        Promise<Void> ready = Promise.promise();
        vertx.runOnContext(v -> ProtonClient.create(vertx).connect(host, port, res -> {
            if (res.failed()) {
                ready.fail(res.cause());
                return;
            }
            context = Vertx.currentContext();
            connection = res.result();
            connection
                    .openHandler(o -> {
                        if (o.failed()) {
                            ready.tryFail(o.cause());
                            return;
                        }
                        if (sas == null) {
                            attach(l, ready);
                        } else {
                            Cbs.putToken(connection, "sb://" + host + "/" + address, sas.name(), sas.key(), r -> {
                                if (r.failed()) {
                                    ready.tryFail(r.cause());
                                } else {
                                    attach(l, ready);
                                }
                            });
                        }
                    })
                    .open();
            this.listener = l;
        }));
        ready.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void attach(Listener l, Promise<Void> ready) {
        sender = connection.createSender(address);
        ProtonReceiver receiver = connection.createReceiver(address);
        receiver.setAutoAccept(false).setPrefetch(prefetch).handler((delivery, msg) -> {
            Object t = msg.getApplicationProperties() == null
                    ? null
                    : msg.getApplicationProperties().getValue().get(SdkPipe.SENT_AT);
            l.received(t instanceof Number n ? n.longValue() : System.nanoTime());
            delivery.disposition(Accepted.getInstance(), true);
            // Settled-on-accept (no broker confirmation of the settlement in AMQP's pre-settled mode).
            l.completed();
        });
        receiver.openHandler(r -> {
                    if (r.failed()) {
                        ready.tryFail(r.cause());
                    } else {
                        sender.openHandler(s -> {
                                    if (s.failed()) {
                                        ready.tryFail(s.cause());
                                    } else {
                                        ready.tryComplete();
                                    }
                                })
                                .open();
                    }
                })
                .open();
    }

    private Listener listener;

    @Override
    public void send(long intendedNanos, byte[] body) {
        context.runOnContext(v -> {
            Message msg = ProtonHelper.message();
            msg.setBody(new Data(new Binary(body)));
            msg.setApplicationProperties(new ApplicationProperties(Map.of(SdkPipe.SENT_AT, intendedNanos)));
            sender.send(msg, delivery -> {
                if (delivery.getRemoteState() instanceof Accepted) {
                    listener.sent();
                } else {
                    listener.failed(new IllegalStateException("send not accepted: " + delivery.getRemoteState()));
                }
            });
        });
    }

    @Override
    public void close() {
        if (context != null && connection != null) {
            context.runOnContext(v -> connection.close());
        }
    }
}
