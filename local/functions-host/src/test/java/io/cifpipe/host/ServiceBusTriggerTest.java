package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Service Bus trigger against the embedded emulator, through the real SDK on both sides. */
class ServiceBusTriggerTest {
    private static final String QUEUE = "host-in";

    @TempDir
    static Path dir;

    static ServiceBusEmulator broker;
    static FunctionsHost host;
    static ServiceBusSenderClient sender;

    @BeforeAll
    static void start() throws Exception {
        broker = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .adminPort(0)
                .queue(QueueOptions.of(QUEUE).withMaxDeliveryCount(3).withLockDuration(Duration.ofSeconds(30)))
                .build();
        broker.start();
        host = FunctionsHost.builder()
                .appDirectory(TestApp.create(dir))
                .inProcess(true)
                .settings(Map.of("SbConn", broker.connectionString(), "InQueue", QUEUE))
                .build()
                .start();
        sender = new ServiceBusClientBuilder()
                .connectionString(broker.connectionString())
                .sender()
                .queueName(QUEUE)
                .buildClient();
    }

    @AfterAll
    static void stop() {
        if (sender != null) sender.close();
        if (host != null) host.close();
        if (broker != null) broker.close();
    }

    @Test
    void messageBodyAndMetadataAreBoundAndTheMessageIsCompleted() throws Exception {
        ServiceBusMessage m = new ServiceBusMessage("{\"hello\":\"bus\"}")
                .setMessageId("m-ok-1")
                .setCorrelationId("corr-1")
                .setContentType("application/json")
                .setSubject("call.offered");
        m.getApplicationProperties().put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        m.getApplicationProperties().put("n", 5);
        OffsetDateTime before = OffsetDateTime.now().minusSeconds(5);
        sender.sendMessage(m);

        JsonNode e = TestApp.awaitRecorded(
                host.url(), r -> "m-ok-1".equals(r.path("MessageId").asText()));
        assertThat(e.get("body").asText()).isEqualTo("{\"hello\":\"bus\"}");
        assertThat(e.get("DeliveryCount").asInt()).isEqualTo(1);
        assertThat(e.get("SequenceNumber").asLong()).isPositive();
        assertThat(OffsetDateTime.parse(e.get("EnqueuedTimeUtc").asText())).isAfter(before);
        assertThat(e.get("CorrelationId").asText()).isEqualTo("corr-1");
        assertThat(e.get("ContentType").asText()).isEqualTo("application/json");
        assertThat(e.get("Subject").asText()).isEqualTo("call.offered");
        assertThat(e.get("ApplicationProperties").get("n").asInt()).isEqualTo(5);
        JsonNode json = HostJson.MAPPER.readTree(e.get("UserPropertiesJson").asText());
        assertThat(json.get("traceparent").asText()).startsWith("00-0af7651916cd43dd");

        awaitQueue(s -> s.total() == 0, "completed message leaves the queue");
    }

    @Test
    void aThrowingFunctionAbandonsUntilTheBrokerDeadLetters() throws Exception {
        sender.sendMessage(new ServiceBusMessage("poison").setMessageId("m-poison-1"));
        awaitQueue(s -> s.deadLetter() == 1 && s.active() == 0 && s.locked() == 0, "poison message dead-lettered");
        List<Integer> deliveries = TestApp.recorded(host.url()).stream()
                .filter(r -> "m-poison-1".equals(r.path("MessageId").asText()))
                .map(r -> r.get("DeliveryCount").asInt())
                .toList();
        assertThat(deliveries).containsExactly(1, 2, 3);
    }

    private static void awaitQueue(
            java.util.function.Predicate<io.cifpipe.emulator.servicebus.QueueStats> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (done.test(broker.queueStats(QUEUE))) return;
            Thread.sleep(50);
        }
        throw new AssertionError(what + " did not happen within 30 s: " + broker.queueStats(QUEUE));
    }
}
