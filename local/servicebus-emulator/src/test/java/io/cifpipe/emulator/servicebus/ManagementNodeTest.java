package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** $management behaviours the SDK does not reach on its own, driven with a plain AMQP client. */
class ManagementNodeTest {
    static ServiceBusEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ServiceBusEmulator.builder().port(0).queue("mgmt").build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void unknownOperationGetsNotImplementedAndUnauthenticatedCallsAreRefused() throws Exception {
        assertThat(managementCall(true, "com.microsoft:no-such-operation"))
                .containsEntry("statusCode", 501)
                .containsEntry("errorCondition", "amqp:not-implemented");
        assertThat(managementCall(true, "com.microsoft:peek-message")).containsEntry("statusCode", 204);
        assertThat(managementCall(false, "com.microsoft:peek-message")).containsKey("refused");
    }

    @Test
    void deferredMessageCanBeReceivedInReceiveAndDeleteMode() {
        ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(emulator.connectionString());
        try (ServiceBusSenderClient sender = client.sender().queueName("mgmt").buildClient();
                ServiceBusReceiverClient lock =
                        client.receiver().queueName("mgmt").buildClient();
                ServiceBusReceiverClient rad = client.receiver()
                        .queueName("mgmt")
                        .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                        .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("deferred"));
            ServiceBusReceivedMessage m = SettlementTestSupport.receiveOne(lock);
            lock.defer(m);
            ServiceBusReceivedMessage again = rad.receiveDeferredMessage(m.getSequenceNumber());
            assertThat(again.getBody().toString()).isEqualTo("deferred");
            assertThat(emulator.queueStats("mgmt").total()).isZero();
        }
    }

    @Test
    void linkIsDetachedWhenItsTokenExpires() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<String> detached = new CompletableFuture<>();
            CompletableFuture<Void> opened = new CompletableFuture<>();
            vertx.runOnContext(v -> ProtonClient.create(vertx)
                    .connect(new ProtonClientOptions(), "127.0.0.1", emulator.port(), res -> {
                        ProtonConnection connection = res.result();
                        connection
                                .setHostname("127.0.0.1")
                                .openHandler(o -> {
                                    ProtonReceiver replies = connection.createReceiver("$cbs");
                                    replies.setTarget(target("cbs-client-reply-to"));
                                    replies.handler((d, reply) -> vertx.runOnContext(y -> {
                                                ProtonSender sender = connection.createSender("mgmt");
                                                sender.openHandler(x -> opened.complete(null));
                                                sender.closeHandler(c -> detached.complete(String.valueOf(
                                                        sender.getRemoteCondition()
                                                                .getCondition())));
                                                sender.open();
                                            }))
                                            .open();
                                    ProtonSender cbs = connection.createSender("$cbs");
                                    // se has one-second resolution: 3-4 s of validity.
                                    cbs.openHandler(x -> cbs.send(putToken(
                                                    "amqp://127.0.0.1/mgmt",
                                                    Instant.now().plusSeconds(4))))
                                            .open();
                                })
                                .open();
                    }));
            opened.get(10, TimeUnit.SECONDS);
            assertThat(detached.get(10, TimeUnit.SECONDS)).isEqualTo("amqp:unauthorized-access");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Sends one management request (after put-token when {@code authenticate}); returns reply properties. */
    private static Map<String, Object> managementCall(boolean authenticate, String operation) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
            vertx.runOnContext(v -> ProtonClient.create(vertx)
                    .connect(new ProtonClientOptions(), "127.0.0.1", emulator.port(), res -> {
                        if (res.failed()) {
                            result.completeExceptionally(res.cause());
                            return;
                        }
                        ProtonConnection connection = res.result();
                        connection
                                .setHostname("127.0.0.1")
                                .openHandler(o -> {
                                    CompletableFuture<Void> authorised = new CompletableFuture<>();
                                    if (authenticate) {
                                        ProtonReceiver replies = connection.createReceiver("$cbs");
                                        replies.setTarget(target("cbs-client-reply-to"));
                                        replies.handler((d, reply) -> authorised.complete(null))
                                                .open();
                                        ProtonSender cbs = connection.createSender("$cbs");
                                        cbs.openHandler(x -> cbs.send(putToken("amqp://127.0.0.1/mgmt")))
                                                .open();
                                    } else {
                                        authorised.complete(null);
                                    }
                                    authorised.thenRun(() -> vertx.runOnContext(y -> {
                                        ProtonReceiver replies = connection.createReceiver("mgmt/$management");
                                        replies.setTarget(target("mgmt/management-client-reply-to"));
                                        replies.handler((d, reply) -> {
                                            Map<String, Object> props = new HashMap<>();
                                            reply.getApplicationProperties()
                                                    .getValue()
                                                    .forEach((k, val) -> props.put(k, String.valueOf(val)));
                                            props.put(
                                                    "statusCode",
                                                    reply.getApplicationProperties()
                                                            .getValue()
                                                            .get("statusCode"));
                                            result.complete(props);
                                        });
                                        replies.closeHandler(c -> result.complete(
                                                Map.of("refused", String.valueOf(replies.getRemoteCondition()))));
                                        replies.open();
                                        ProtonSender requests = connection.createSender("mgmt/$management");
                                        requests.closeHandler(c -> result.complete(
                                                Map.of("refused", String.valueOf(requests.getRemoteCondition()))));
                                        requests.openHandler(x -> {
                                                    Message request = Proton.message();
                                                    request.setMessageId(UnsignedLong.valueOf(7));
                                                    request.setReplyTo("mgmt/management-client-reply-to");
                                                    request.setApplicationProperties(
                                                            new ApplicationProperties(Map.of("operation", operation)));
                                                    request.setBody(new AmqpValue(
                                                            Map.of("from-sequence-number", 1L, "message-count", 1)));
                                                    requests.send(request);
                                                })
                                                .open();
                                    }));
                                })
                                .open();
                    }));
            return result.get(20, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Target target(String address) {
        Target t = new Target();
        t.setAddress(address);
        return t;
    }

    static Message putToken(String audience) {
        return putToken(audience, Instant.now().plus(Duration.ofMinutes(20)));
    }

    static Message putToken(String audience, Instant expiresAt) {
        long expiry = expiresAt.getEpochSecond();
        String encoded = URLEncoder.encode(audience, StandardCharsets.UTF_8);
        String signature = Base64.getEncoder()
                .encodeToString(SasTokenValidator.hmac(SharedAccessKey.DEFAULT_KEY, encoded + "\n" + expiry));
        String token =
                "SharedAccessSignature sr=" + encoded + "&sig=" + URLEncoder.encode(signature, StandardCharsets.UTF_8)
                        + "&se=" + expiry + "&skn=" + SharedAccessKey.DEFAULT_NAME;
        Message request = Proton.message();
        request.setMessageId(UnsignedLong.valueOf(1));
        request.setReplyTo("cbs-client-reply-to");
        Map<String, Object> props = new HashMap<>();
        props.put("operation", "put-token");
        props.put("type", "servicebus.windows.net:sastoken");
        props.put("name", audience);
        request.setApplicationProperties(new ApplicationProperties(props));
        request.setBody(new AmqpValue(token));
        return request;
    }
}
