package io.cifpipe.emulator.servicebus;

import static io.cifpipe.emulator.servicebus.SettlementTestSupport.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Garbage on the socket, truncated frames and oversize messages: the broker stays up for everyone else. */
class RobustnessTest {
    static ServiceBusEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ServiceBusEmulator.builder()
                .port(0)
                .queue(QueueOptions.of("fuzz"), QueueOptions.of("small").withMaxMessageSizeBytes(1024))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};
    private static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};

    @Test
    void randomBytesAndTruncatedFramesDoNotAffectOtherConnections() throws Exception {
        ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(emulator.connectionString());
        try (ServiceBusSenderClient sender = client.sender().queueName("fuzz").buildClient();
                ServiceBusReceiverClient receiver = new ServiceBusClientBuilder()
                        .connectionString(emulator.connectionString())
                        .receiver()
                        .queueName("fuzz")
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("before"));
            Random random = new Random(20261126L);
            for (int i = 0; i < 60; i++) {
                byte[] garbage = new byte[1 + random.nextInt(4096)];
                random.nextBytes(garbage);
                byte[] payload =
                        switch (i % 4) {
                            case 0 -> garbage; // no protocol header at all
                            case 1 -> concat(SASL_HEADER, garbage); // SASL header, then noise
                            case 2 -> concat(SASL_HEADER, truncatedSaslInit(random)); // a frame cut in the middle
                            default -> concat(AMQP_HEADER, garbage); // plain AMQP where SASL is required
                        };
                writeAndClose(payload);
            }
            sender.sendMessage(new ServiceBusMessage("after"));
            ServiceBusReceivedMessage first = receiveOne(receiver);
            receiver.complete(first);
            ServiceBusReceivedMessage second = receiveOne(receiver);
            receiver.complete(second);
            assertThat(first.getBody().toString() + second.getBody()).isEqualTo("beforeafter");
        }
    }

    @Test
    void garbageFramesAfterAnOpenConnectionCloseOnlyThatConnection() throws Exception {
        ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(emulator.connectionString());
        try (ServiceBusSenderClient sender = client.sender().queueName("fuzz").buildClient();
                ServiceBusReceiverClient receiver =
                        client.receiver().queueName("fuzz").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("survivor"));
            Random random = new Random(42);
            for (int i = 0; i < 10; i++) {
                byte[] garbage = new byte[8 + random.nextInt(512)];
                random.nextBytes(garbage);
                if (i % 2 == 0) {
                    // A plausible frame header (size, doff=2, type AMQP) with a random body.
                    garbage[0] = 0;
                    garbage[1] = 0;
                    garbage[2] = (byte) (garbage.length >> 8);
                    garbage[3] = (byte) garbage.length;
                    garbage[4] = 2;
                    garbage[5] = 0;
                }
                assertThat(openThenSend(garbage))
                        .as("broker closes a connection that sends garbage")
                        .isTrue();
            }
            ServiceBusReceivedMessage m = receiveOne(receiver);
            assertThat(m.getBody().toString()).isEqualTo("survivor");
            receiver.complete(m);
        }
    }

    /**
     * Drives a real SASL ANONYMOUS handshake + open + begin with a proton-j client transport over a plain socket, then
     * writes {@code garbage}; returns true when the broker then closes the socket.
     */
    private static boolean openThenSend(byte[] garbage) throws Exception {
        org.apache.qpid.proton.engine.Transport transport = org.apache.qpid.proton.engine.Transport.Factory.create();
        org.apache.qpid.proton.engine.Sasl sasl = transport.sasl();
        sasl.client();
        sasl.setMechanisms("ANONYMOUS");
        org.apache.qpid.proton.engine.Connection connection = org.apache.qpid.proton.engine.Connection.Factory.create();
        connection.setContainer("fuzzer");
        connection.setHostname("127.0.0.1");
        transport.bind(connection);
        connection.open();
        connection.session().open();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", emulator.port()), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (connection.getRemoteState() != org.apache.qpid.proton.engine.EndpointState.ACTIVE
                    && System.nanoTime() < deadline) {
                int pending = transport.pending();
                if (pending > 0) {
                    byte[] bytes = new byte[pending];
                    transport.head().get(bytes);
                    transport.pop(pending);
                    out.write(bytes);
                    out.flush();
                }
                int n = in.read(buffer);
                if (n < 0) {
                    return false;
                }
                transport.tail().put(buffer, 0, n);
                transport.process();
            }
            assertThat(connection.getRemoteState()).isEqualTo(org.apache.qpid.proton.engine.EndpointState.ACTIVE);
            out.write(garbage);
            out.flush();
            while (System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5)) {
                try {
                    if (in.read(buffer) < 0) {
                        return true;
                    }
                } catch (java.net.SocketException e) {
                    return true; // reset by the broker
                }
            }
            return false;
        }
    }

    @Test
    void oversizeMessagesAreRejectedWithMessageSizeExceeded() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<ErrorCondition> detached = new CompletableFuture<>();
            CompletableFuture<Void> authorised = new CompletableFuture<>();
            vertx.runOnContext(v -> ProtonClient.create(vertx)
                    .connect(new ProtonClientOptions(), "127.0.0.1", emulator.port(), res -> {
                        if (res.failed()) {
                            detached.completeExceptionally(res.cause());
                            return;
                        }
                        ProtonConnection connection = res.result();
                        connection
                                .setHostname("127.0.0.1")
                                .openHandler(o -> {
                                    ProtonReceiver replies = connection.createReceiver("$cbs");
                                    Target replyTarget = new Target();
                                    replyTarget.setAddress("cbs-client-reply-to");
                                    replies.setTarget(replyTarget);
                                    replies.handler((d, reply) -> {
                                                Object status = reply.getApplicationProperties()
                                                        .getValue()
                                                        .get("status-code");
                                                if (Integer.valueOf(202).equals(status)) {
                                                    authorised.complete(null);
                                                } else {
                                                    authorised.completeExceptionally(
                                                            new AssertionError("put-token status " + status));
                                                }
                                            })
                                            .open();
                                    ProtonSender cbs = connection.createSender("$cbs");
                                    cbs.openHandler(x ->
                                                    cbs.send(ManagementNodeTest.putToken("amqp://127.0.0.1/small")))
                                            .open();
                                    authorised.thenRun(() -> vertx.runOnContext(y -> {
                                        ProtonSender sender = connection.createSender("small");
                                        sender.closeHandler(c -> detached.complete(sender.getRemoteCondition()));
                                        sender.openHandler(opened -> {
                                                    Message big = Proton.message();
                                                    big.setBody(new Data(new Binary(new byte[64 * 1024])));
                                                    sender.send(big);
                                                })
                                                .open();
                                    }));
                                })
                                .open();
                    }));
            ErrorCondition condition = detached.get(20, TimeUnit.SECONDS);
            assertThat(condition).isNotNull();
            assertThat(condition.getCondition().toString()).isEqualTo("amqp:link:message-size-exceeded");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThat(emulator.queueStats("small").total()).isZero();
    }

    @Test
    void sdkHonoursTheAdvertisedMaxMessageSize() {
        try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                .connectionString(emulator.connectionString())
                .sender()
                .queueName("small")
                .buildClient()) {
            assertThat(sender.createMessageBatch().getMaxSizeInBytes()).isEqualTo(1024);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(
                            () -> sender.sendMessage(new ServiceBusMessage(new byte[8 * 1024]))))
                    .isNotNull();
        }
        assertThat(emulator.queueStats("small").total()).isZero();
    }

    /** A SASL init frame header announcing more bytes than are sent. */
    private static byte[] truncatedSaslInit(Random random) {
        byte[] frame = new byte[8 + random.nextInt(20)];
        frame[0] = 0;
        frame[1] = 0;
        frame[2] = 0x01;
        frame[3] = 0x00; // size 256, far more than sent
        frame[4] = 2; // doff
        frame[5] = 1; // SASL frame type
        for (int i = 8; i < frame.length; i++) {
            frame[i] = (byte) random.nextInt();
        }
        return frame;
    }

    private static void writeAndClose(byte[] payload) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", emulator.port()), 2000);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write(payload);
            out.flush();
        } catch (IOException e) {
            // The broker may close the socket mid-write; that is a valid reaction to garbage.
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = new byte[a.length + b.length];
        System.arraycopy(a, 0, result, 0, a.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
