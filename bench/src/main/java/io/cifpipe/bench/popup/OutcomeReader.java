package io.cifpipe.bench.popup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cifpipe.bench.sb.Cbs;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

/**
 * The telephony system's side of {@code call-outcomes} (its subscription {@code telephony}, every outcome): a plain
 * AMQP receiver (vertx-proton, CBS put-token, then
 * PEEK_LOCK with accept) that hands each outcome's {@code notificationId} and {@code outcome} to a callback. Plain
 * AMQP rather than the SDK so the reader is not the slowest part at thousands of outcomes per second (see the
 * {@code sb} scenario).
 */
final class OutcomeReader implements AutoCloseable {
    /** Called on the reader's event loop for each outcome message. */
    @FunctionalInterface
    interface Listener {
        void outcome(String notificationId, String outcome);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vertx vertx = Vertx.vertx();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();

    /**
     * Connects with the connection string of the Service Bus emulator and starts receiving {@code queue}: a queue or a
     * subscription path {@code <topic>/subscriptions/<name>}.
     */
    static OutcomeReader start(String connectionString, String queue, Listener listener) throws Exception {
        OutcomeReader r = new OutcomeReader();
        r.open(connectionString, queue, listener);
        return r;
    }

    private void open(String connectionString, String queue, Listener listener) throws Exception {
        String endpoint =
                part(connectionString, "Endpoint").replaceFirst("^sb://", "").replaceAll("/$", "");
        String host = endpoint.contains(":") ? endpoint.substring(0, endpoint.indexOf(':')) : endpoint;
        int port = endpoint.contains(":") ? Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1)) : 5672;
        String keyName = part(connectionString, "SharedAccessKeyName");
        String key = part(connectionString, "SharedAccessKey");
        Promise<Void> ready = Promise.promise();
        vertx.runOnContext(v -> ProtonClient.create(vertx).connect(host, port, res -> {
            if (res.failed()) {
                ready.fail(res.cause());
                return;
            }
            ProtonConnection c = res.result();
            c.openHandler(o -> {
                        if (o.failed()) {
                            ready.tryFail(o.cause());
                            return;
                        }
                        Cbs.putToken(c, "sb://" + host + "/" + queue, keyName, key, t -> {
                            if (t.failed()) {
                                ready.tryFail(t.cause());
                                return;
                            }
                            ProtonReceiver receiver = c.createReceiver(queue);
                            receiver.setPrefetch(1000).setAutoAccept(true).handler((delivery, msg) -> {
                                received.incrementAndGet();
                                try {
                                    JsonNode n = JSON.readTree(body(msg));
                                    listener.outcome(
                                            n.path("notificationId").asText(),
                                            n.path("outcome").asText());
                                } catch (Exception e) {
                                    unreadable.incrementAndGet();
                                }
                            });
                            receiver.openHandler(r -> {
                                        if (r.failed()) {
                                            ready.tryFail(r.cause());
                                        } else {
                                            ready.tryComplete();
                                        }
                                    })
                                    .open();
                        });
                    })
                    .open();
        }));
        ready.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static byte[] body(Message msg) {
        Object b = msg.getBody();
        if (b instanceof Data d) {
            return copy(d.getValue());
        }
        if (b instanceof AmqpValue v) {
            return v.getValue() instanceof Binary bin
                    ? copy(bin)
                    : String.valueOf(v.getValue()).getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("unexpected body " + b);
    }

    private static byte[] copy(Binary bin) {
        byte[] out = new byte[bin.getLength()];
        System.arraycopy(bin.getArray(), bin.getArrayOffset(), out, 0, bin.getLength());
        return out;
    }

    private static String part(String connectionString, String name) {
        for (String p : connectionString.split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(name)) {
                return p.substring(eq + 1).trim();
            }
        }
        throw new IllegalArgumentException("connection string has no " + name);
    }

    long received() {
        return received.get();
    }

    long unreadable() {
        return unreadable.get();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
