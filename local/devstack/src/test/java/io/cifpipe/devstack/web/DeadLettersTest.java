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
        sb = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .adminPort(0)
                .queue(QueueOptions.of("call-events"))
                .build();
        sb.start();
    }

    @AfterAll
    static void stop() {
        sb.close();
    }

    @Test
    void listsDeadLettersAndReplaysOneCallBackToItsQueue() {
        ServiceBusClientBuilder clients = new ServiceBusClientBuilder().connectionString(sb.connectionString());
        try (var sender = clients.sender().queueName("call-events").buildClient();
                var receiver = clients.receiver().queueName("call-events").buildClient()) {
            for (String call : List.of("c-1", "c-2")) {
                // c-1 is a valid event dead-lettered by an outage; c-2 is poison (no agentId) with dispatch's cause on
                // it.
                ServiceBusMessage m =
                        new ServiceBusMessage("{\"specversion\":\"1.0\",\"id\":\"e-" + call + "\",\"source\":\"/pbx\","
                                + "\"type\":\"call.offered\",\"data\":{\"callId\":\"" + call + "\""
                                + (call.equals("c-1") ? ",\"agentId\":\"a-1\",\"ringSeconds\":30" : "") + "}}");
                m.getApplicationProperties().put(Names.PROP_CALL_ID, call);
                if (call.equals("c-2")) {
                    m.getApplicationProperties().put(io.cifpipe.model.PoisonCause.PROP_REASON, "InvalidCallEvent");
                    m.getApplicationProperties()
                            .put(
                                    io.cifpipe.model.PoisonCause.PROP_DESCRIPTION,
                                    "invalid call event: /data/agentId is required");
                }
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
        Map<String, Object> poison = listed.stream()
                .filter(m -> "c-2".equals(m.get("callId")))
                .findFirst()
                .orElseThrow();
        assertThat(poison)
                .containsEntry("cause", "invalid call event: /data/agentId is required")
                .containsEntry("causeReason", "InvalidCallEvent");
        assertThat((String) poison.get("wouldFail")).contains("/data/agentId");

        Map<String, Object> dry = dlq.replay("call-events", null, true, false, i -> {});
        assertThat(dry.get("replayed")).isEqualTo(1);
        assertThat(dry.get("skipped").toString()).contains("would fail again");
        assertThat(dlq.list("call-events", 50)).hasSize(2); // the dry run changed nothing

        java.util.List<Object> progress = new java.util.ArrayList<>();
        Map<String, Object> summary = dlq.replay("call-events", null, false, false, progress::add);
        assertThat(summary.get("replayed")).isEqualTo(1);
        assertThat(progress).hasSize(2); // one item per message: replayed c-1, skipped c-2
        assertThat(dlq.list("call-events", 50)).extracting(m -> m.get("callId")).containsExactly("c-2");
        assertThat(sb.queueStats("call-events").active()).isEqualTo(1);
    }
}
