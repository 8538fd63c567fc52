package io.cifpipe.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.model.Names;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's dead-letter list and replay go through the ops library against the real SDK and emulator. */
class DeadLettersTest {
    static ServiceBusEmulator sb;

    @BeforeAll
    static void start() {
        sb = ServiceBusEmulator.builder().host("127.0.0.1").port(0).adminPort(0)
                .queue(QueueOptions.of("call-events")).build();
        sb.start();
    }

    @AfterAll
    static void stop() { sb.close(); }

    @Test
    void listsDeadLettersAndReplaysOneCallBackToItsQueue() {
        ServiceBusClientBuilder clients = new ServiceBusClientBuilder().connectionString(sb.connectionString());
        try (var sender = clients.sender().queueName("call-events").buildClient();
             var receiver = clients.receiver().queueName("call-events").buildClient()) {
            for (String call : List.of("c-1", "c-2")) {
                ServiceBusMessage m = new ServiceBusMessage("poison " + call);
                m.getApplicationProperties().put(Names.PROP_CALL_ID, call);
                sender.sendMessage(m);
            }
            int dead = 0;
            for (int i = 0; i < 10 && dead < 2; i++) {
                for (ServiceBusReceivedMessage m : receiver.receiveMessages(2, Duration.ofSeconds(2))) {
                    receiver.deadLetter(m, new DeadLetterOptions().setDeadLetterReason("PoisonMessage"));
                    dead++;
                }
            }
            assertThat(dead).isEqualTo(2);
        }
        DeadLetters dlq = new DeadLetters(sb.connectionString());
        List<Map<String, Object>> listed = dlq.list("call-events", 50);
        assertThat(listed).extracting(m -> m.get("callId")).containsExactlyInAnyOrder("c-1", "c-2");
        assertThat(listed).extracting(m -> m.get("deadLetterReason")).containsOnly("PoisonMessage");

        Map<String, Object> summary = dlq.replay("call-events", "c-1");
        assertThat(summary.get("replayed")).isEqualTo(1);
        assertThat(dlq.list("call-events", 50)).extracting(m -> m.get("callId")).containsExactly("c-2");
        assertThat(sb.queueStats("call-events").active()).isEqualTo(1);
    }
}
