package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthorizationTest {
    static ServiceBusEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ServiceBusEmulator.builder()
                .port(0)
                .sharedAccessKey("admin", "admin-key", AccessRight.MANAGE)
                .sharedAccessKey("sender", "sender-key", AccessRight.SEND)
                .sharedAccessKey("listener", "listener-key", AccessRight.LISTEN)
                .queue("q")
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static ServiceBusClientBuilder client(String connectionString) {
        return new ServiceBusClientBuilder().connectionString(connectionString);
    }

    @Test
    void wrongKeyIsUnauthorized() {
        String bad = emulator.connectionString("admin").replace("admin-key", "not-the-key");
        try (ServiceBusSenderClient sender = client(bad).sender().queueName("q").buildClient()) {
            assertThatThrownBy(() -> sender.sendMessage(new ServiceBusMessage("x")))
                    .isInstanceOfSatisfying(ServiceBusException.class, e -> assertThat(e.getReason())
                            .isEqualTo(ServiceBusFailureReason.UNAUTHORIZED));
        }
        assertThat(emulator.queueStats("q").total()).isZero();
    }

    @Test
    void unknownKeyNameIsUnauthorized() {
        String bad =
                emulator.connectionString("admin").replace("SharedAccessKeyName=admin", "SharedAccessKeyName=ghost");
        try (ServiceBusSenderClient sender = client(bad).sender().queueName("q").buildClient()) {
            assertThatThrownBy(() -> sender.sendMessage(new ServiceBusMessage("x")))
                    .isInstanceOfSatisfying(ServiceBusException.class, e -> assertThat(e.getReason())
                            .isEqualTo(ServiceBusFailureReason.UNAUTHORIZED));
        }
    }

    @Test
    void listenOnlyKeyCannotSendAndSendOnlyKeyCannotReceive() {
        try (ServiceBusSenderClient sender = client(emulator.connectionString("listener"))
                .sender()
                .queueName("q")
                .buildClient()) {
            assertThatThrownBy(() -> sender.sendMessage(new ServiceBusMessage("x")))
                    .isInstanceOfSatisfying(ServiceBusException.class, e -> assertThat(e.getReason())
                            .isEqualTo(ServiceBusFailureReason.UNAUTHORIZED));
        }
        try (ServiceBusReceiverClient receiver = client(emulator.connectionString("sender"))
                .receiver()
                .queueName("q")
                .buildClient()) {
            // The sync receiver wraps the link error; the unauthorized cause must be in the chain.
            assertThatThrownBy(() -> receiver.receiveMessages(1, Duration.ofSeconds(5)).stream()
                            .count())
                    .satisfies(e -> assertThat(causeChain(e))
                            .anyMatch(c -> c instanceof ServiceBusException sbe
                                            && sbe.getReason() == ServiceBusFailureReason.UNAUTHORIZED
                                    || c instanceof AmqpException ae
                                            && ae.getErrorCondition() == AmqpErrorCondition.UNAUTHORIZED_ACCESS));
        }
        try (ServiceBusSenderClient sender = client(emulator.connectionString("sender"))
                .sender()
                .queueName("q")
                .buildClient()) {
            sender.sendMessage(new ServiceBusMessage("ok"));
        }
        try (ServiceBusReceiverClient receiver = client(emulator.connectionString("listener"))
                .receiver()
                .queueName("q")
                .buildClient()) {
            var m = SettlementTestSupport.receiveOne(receiver);
            assertThat(m.getBody().toString()).isEqualTo("ok");
            receiver.complete(m);
        }
    }

    private static java.util.List<Throwable> causeChain(Throwable t) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }

    @Test
    void unknownEntityIsNotFoundWithoutRetries() {
        long start = System.nanoTime();
        try (ServiceBusSenderClient sender =
                client(emulator.connectionString()).sender().queueName("nope").buildClient()) {
            assertThatThrownBy(() -> sender.sendMessage(new ServiceBusMessage("x")))
                    .isInstanceOfSatisfying(ServiceBusException.class, e -> assertThat(e.getReason())
                            .isEqualTo(ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
