package io.cifpipe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.SubQueue;
import io.cifpipe.harness.Topology;
import io.cifpipe.harness.parts.AzuritePart;
import io.cifpipe.harness.parts.FunctionsAppPart;
import io.cifpipe.harness.parts.ServiceBusPart;
import io.cifpipe.harness.parts.SignalRPart;
import io.cifpipe.host.FunctionsHost;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.event.CallOffered;
import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.servicebus.QueueSender;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import io.cifpipe.testsupport.Azurite;
import io.cifpipe.testsupport.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged dispatch app (target/azure-functions/cifpipe-dispatch) in the local Functions host, with the Service
 * Bus emulator, Azurite and the SignalR emulator, all started as the harness's parts: direct-enqueued offer → popup + Delivered; offline → Undeliverable
 * via real scheduled retries; poison → dead-letter queue after MaxDeliveryCount.
 */
class DispatchAppIT {
    static final int MAX_DELIVERIES = 3;
    static ServiceBusPart sb;
    static SignalRPart signalRService;
    static AzuritePart azurite;
    static SignalRRestClient signalR;
    static FunctionsAppPart dispatch;
    static ServiceBusSenderClient sender;
    static ServiceBusReceiverClient outcomesReceiver;
    static ConnectionRegistry registry;
    static final List<Outcome> outcomes = new ArrayList<>();
    static final CallEventCodec codec = new CallEventCodec();

    @BeforeAll
    static void start() {
        // The pipeline's entities as infra creates them, with a short lock and few deliveries so poison ends quickly.
        sb = ServiceBusPart.inMemory(Topology.bicep().withCallEvents(Duration.ofSeconds(10), MAX_DELIVERIES));
        sb.start();
        signalRService = SignalRPart.withoutUpstream(FreePorts.free());
        signalRService.start();
        signalR = SignalRRestClient.builder()
                .connectionString(signalRService.emulator().connectionString())
                .hub("cifhub")
                .build();
        azurite = new AzuritePart(Azurite.builder().build());
        azurite.start();
        String tables = azurite.connectionString();
        new TableServiceClientBuilder().connectionString(tables).buildClient().createTableIfNotExists("Connections");
        registry = new ConnectionRegistry(new TableServiceClientBuilder()
                .connectionString(tables)
                .buildClient()
                .getTableClient("Connections"));
        String serviceBus = sb.emulator().connectionString();
        dispatch = FunctionsAppPart.marked("dispatch", () -> FunctionsHost.builder()
                .appName("dispatch")
                .appDirectory(Path.of(System.getProperty("functionsDir", "target/azure-functions/cifpipe-dispatch")))
                .port(0)
                .settings(Map.of(
                        "ServiceBusConnection",
                        serviceBus,
                        "TablesConnection",
                        tables,
                        "AzureSignalRConnectionString",
                        signalRService.emulator().connectionString(),
                        "CallEventsQueue",
                        "call-events",
                        "CallOutcomesTopic",
                        "call-outcomes",
                        "ExpirySweepSchedule",
                        "*/2 * * * * *",
                        "OfflineRetrySeconds",
                        "1"))
                .jvmOptions(List.of("-Xmx256m")));
        dispatch.start();
        var client = new ServiceBusClientBuilder().connectionString(serviceBus);
        sender = client.sender().queueName("call-events").buildClient();
        outcomesReceiver = client.receiver()
                .topicName("call-outcomes")
                .subscriptionName("telephony")
                .buildClient();
    }

    @AfterAll
    static void stop() {
        if (dispatch != null) dispatch.close();
        if (sender != null) sender.close();
        if (outcomesReceiver != null) outcomesReceiver.close();
        if (azurite != null) azurite.close();
        if (signalRService != null) signalRService.close();
        if (sb != null) sb.close();
    }

    static void enqueue(CallEvent event) {
        QueueSender.of(sender).send(List.of(new CallEventSender(m -> {}, codec::encode, 30, 300).toMessage(event)));
    }

    /** Waits for the notification's outcome of {@code type} on call-outcomes. */
    static Outcome awaitOutcome(String notificationId, OutcomeType type, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            var found = outcomes.stream()
                    .filter(o -> o.notificationId().equals(notificationId) && o.outcome() == type)
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            for (ServiceBusReceivedMessage m : outcomesReceiver.receiveMessages(10, Duration.ofSeconds(1))) {
                outcomes.add(Outcome.fromJson(m.getBody().toBytes()));
                outcomesReceiver.complete(m);
            }
        }
        throw new AssertionError("no " + type + " for " + notificationId + " within " + timeout + "; saw " + outcomes);
    }

    @Test
    void directEnqueuedOfferPopsUpAndDeliveredIsPublished() throws Exception {
        try (AgentTab tab = new AgentTab(signalR, "it-agent-1")) {
            registry.upsert(
                    ConnectionRecord.connected("it-agent-1", tab.connectionId(), "cifhub", Instant.now(), "it"));
            enqueue(CallEvent.of(
                    "it-evt-1",
                    "/pbx/it",
                    null,
                    new CallOffered("it-call-1", "it-agent-1", "+4930123", "Ada", null, "sales", Map.of(), 30)));

            String nid = NotificationId.of("it-call-1", "it-agent-1");
            assertThat(tab.received.poll(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo("notify:" + nid);
            Outcome delivered = awaitOutcome(nid, OutcomeType.DELIVERED, Duration.ofSeconds(30));
            assertThat(delivered.agentId()).isEqualTo("it-agent-1");
            assertThat(delivered.connectionId()).isNull(); // sent to the agent: SignalR fanned it out to every tab
        }
    }

    @Test
    void offlineAgentEndsUndeliverableThroughScheduledRetries() {
        enqueue(CallEvent.of(
                "it-evt-2",
                "/pbx/it",
                null,
                new CallOffered("it-call-2", "it-nobody", null, null, null, null, Map.of(), 3)));
        Outcome o = awaitOutcome(
                NotificationId.of("it-call-2", "it-nobody"), OutcomeType.UNDELIVERABLE, Duration.ofSeconds(45));
        assertThat(o.reason()).contains("ring window closed");
    }

    @Test
    void poisonMessageIsDeadLetteredWithTheValidationErrorNamingTheField() {
        String missingAgent = """
                {"specversion":"1.0","id":"it-poison-1","source":"/pbx","type":"call.offered","data":{"callId":"it-call-p"}}""";
        ServiceBusMessage poison = new ServiceBusMessage(missingAgent.getBytes(StandardCharsets.UTF_8));
        poison.setMessageId("it-poison-1");
        poison.setContentType(CallEventSender.CONTENT_TYPE);
        poison.getApplicationProperties().put("callId", "it-call-p");
        sender.sendMessage(poison);

        try (ServiceBusReceiverClient dlq = new ServiceBusClientBuilder()
                .connectionString(sb.emulator().connectionString())
                .receiver()
                .queueName("call-events")
                .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                .buildClient()) {
            ServiceBusReceivedMessage dead = null;
            Instant deadline = Instant.now().plusSeconds(60);
            while (dead == null && Instant.now().isBefore(deadline)) {
                for (ServiceBusReceivedMessage m : dlq.receiveMessages(1, Duration.ofSeconds(2))) {
                    dead = m;
                    dlq.complete(m);
                }
            }
            assertThat(dead).as("poison message in the DLQ").isNotNull();
            // The copy dispatch re-sent with the cause; the original was completed (one message, not two, in the DLQ).
            assertThat(dead.getMessageId()).isEqualTo(PoisonHandler.copyId("it-poison-1"));
            assertThat(dead.getDeadLetterReason()).isEqualTo("MaxDeliveryCountExceeded");
            assertThat(dead.getApplicationProperties())
                    .containsEntry("originalMessageId", "it-poison-1")
                    .containsEntry("poisonReason", "InvalidCallEvent")
                    .containsEntry("callId", "it-call-p");
            assertThat((String) dead.getApplicationProperties().get("poisonDescription"))
                    .contains("/data/agentId");
            assertThat(dead.getBody().toString()).isEqualTo(missingAgent);
            assertThat(dlq.receiveMessages(1, Duration.ofSeconds(3)).stream().count())
                    .as("only the copy is dead-lettered")
                    .isZero();
        }
    }
}
