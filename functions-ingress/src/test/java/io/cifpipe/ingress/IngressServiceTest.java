package io.cifpipe.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.servicebus.ServiceBusErrorSource;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.validation.ProblemType;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.servicebus.MessageBatchTooLargeException;
import io.cifpipe.runtime.servicebus.QueueSender;
import io.cifpipe.runtime.tables.NotificationLedger;
import io.cifpipe.testsupport.Azurite;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Service Bus is faked at {@link QueueSender} (captures SDK messages); the ledger is a real Azurite table. */
class IngressServiceTest {
    static final String SINGLE = CallEventCodec.MEDIA_TYPE;
    static final String BATCH = CallEventCodec.BATCH_MEDIA_TYPE;
    static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final List<List<ServiceBusMessage>> sent = new ArrayList<>();
    private RuntimeException sendFailure;
    private NotificationLedger ledger;
    private IngressService service;

    @BeforeEach
    void setUp() {
        ledger = new NotificationLedger(Azurite.freshTable("Ingress"), Clock.systemUTC());
        QueueSender sender = messages -> {
            if (sendFailure != null) throw sendFailure;
            sent.add(messages);
        };
        CallEventCodec codec = new CallEventCodec();
        service = new IngressService(codec, new CallEventSender(sender, codec::encode, 30, 300), () -> ledger, null);
    }

    static String offered(String id, String callId, String agentId) {
        return """
                {"specversion":"1.0","id":"%s","source":"/pbx/site-1","type":"call.offered",
                 "data":{"callId":"%s","agentId":"%s","callerNumber":"+4930123456","ringSeconds":20}}
                """.formatted(id, callId, agentId);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpReply r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    @Test
    void acceptsOneEventAfterServiceBusStoredIt() throws Exception {
        HttpReply r = service.post(bytes(offered("evt-1", "call-1", "agent-1")), SINGLE, null, TRACE);

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.headers()).containsEntry("Location", "/api/calls/call-1");
        assertThat(json(r).at("/accepted/0/id").asText()).isEqualTo("evt-1");
        assertThat(sent).hasSize(1);
        ServiceBusMessage m = sent.get(0).get(0);
        assertThat(m.getMessageId()).isEqualTo("evt-1");
        assertThat(m.getApplicationProperties())
                .containsEntry("traceparent", TRACE)
                .containsEntry("agentId", "agent-1");
    }

    @Test
    void generatesATraceparentWhenNoneIsGiven() {
        service.post(bytes(offered("evt-1", "call-1", "agent-1")), SINGLE, null, "garbage");
        Object tp = sent.get(0).get(0).getApplicationProperties().get("traceparent");
        assertThat(tp).asString().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void batchIsSentAsOneAtomicBatch() throws Exception {
        String body = "[" + offered("evt-1", "call-1", "agent-1") + "," + offered("evt-2", "call-1", "agent-2") + "]";
        HttpReply r = service.post(bytes(body), BATCH, null, null);
        assertThat(r.status()).isEqualTo(202);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).extracting(ServiceBusMessage::getMessageId).containsExactly("evt-1", "evt-2");
        assertThat(json(r).get("accepted")).hasSize(2);
    }

    @Test
    void badInputGetsSpecificProblemsAndNothingIsSent() throws Exception {
        HttpReply wrongType = service.post(bytes(offered("e", "c", "a")), "text/plain", null, null);
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.headers()).containsEntry("Content-Type", "application/problem+json");

        HttpReply malformed = service.post(bytes("{not json"), SINGLE, null, null);
        assertThat(malformed.status()).isEqualTo(400);

        HttpReply missingAgent = service.post(bytes("""
                {"specversion":"1.0","id":"e1","source":"/pbx","type":"call.offered","data":{"callId":"c1"}}
                """), SINGLE, null, null);
        assertThat(missingAgent.status()).isEqualTo(422);
        assertThat(json(missingAgent).at("/errors/0/pointer").asText()).isEqualTo("/data/agentId");
        assertThat(json(missingAgent).get("instance").asText()).isEqualTo("/api/calls");

        HttpReply tooLarge = service.post(new byte[2 * 1024 * 1024], SINGLE, null, null);
        assertThat(tooLarge.status()).isEqualTo(413);

        HttpReply empty = service.post(null, SINGLE, null, null);
        assertThat(empty.status()).isBetween(400, 499);

        assertThat(sent).isEmpty();
    }

    @Test
    void serviceBusUnavailableOrThrottlingIs503WithRetryAfter() throws Exception {
        sendFailure = new ServiceBusException(
                new AmqpException(true, AmqpErrorCondition.SERVER_BUSY_ERROR, "busy", null),
                ServiceBusErrorSource.SEND);
        HttpReply busy = service.post(bytes(offered("evt-1", "call-1", "agent-1")), SINGLE, null, null);
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.headers()).containsEntry("Retry-After", "10");
        assertThat(json(busy).get("type").asText()).isEqualTo(ProblemType.UNAVAILABLE.uri());

        sendFailure = new IllegalStateException("Cannot publish message when disposed.");
        HttpReply down = service.post(bytes(offered("evt-1", "call-1", "agent-1")), SINGLE, null, null);
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.headers()).containsEntry("Retry-After", "5");
    }

    @Test
    void batchTooLargeForServiceBusIs413() {
        sendFailure = new MessageBatchTooLargeException(2, 262144);
        HttpReply r = service.post(bytes(offered("evt-1", "call-1", "agent-1")), SINGLE, null, null);
        assertThat(r.status()).isEqualTo(413);
    }

    @Test
    void statusShowsPerAgentLedgerState() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var n = new Notification(
                NotificationId.of("call-9", "agent-1"),
                "call-9",
                "agent-1",
                null,
                null,
                null,
                null,
                Map.of(),
                now,
                now.plusSeconds(30),
                null);
        ledger.createIfAbsent(NotificationRecord.offered(n, "evt-9"));
        ledger.update(
                "call-9", "agent-1", e -> e.withRecord(e.record().moveTo(NotificationState.DELIVERED, now, "c1", null))
                        .withDeliveredTo(List.of("c1", "c2")));
        ledger.moveTo("call-9", "agent-1", NotificationState.ACCEPTED, now.plusSeconds(3), "c2", "taking it");

        HttpReply r = service.status("call-9");
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = json(r);
        JsonNode first = body.at("/notifications/0");
        assertThat(first.get("agentId").asText()).isEqualTo("agent-1");
        assertThat(first.get("state").asText()).isEqualTo("ACCEPTED");
        assertThat(first.get("deliveredTo")).hasSize(2);
        assertThat(first.at("/timestamps/DELIVERED").asText()).isEqualTo(now.toString());
        assertThat(first.at("/decision/outcome").asText()).isEqualTo("Accepted");
        assertThat(first.at("/decision/connectionId").asText()).isEqualTo("c2");

        HttpReply missing = service.status("call-unknown");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(service.status("bad/id").status()).isEqualTo(422);
    }

    @Test
    void tableStorageDownAtStartDoesNotStopCallsBeingAccepted() throws Exception {
        // The reliability suite found ingress answering 500 to every POST when its first request came while
        // Table Storage was down: the ledger was opened while wiring the service. Only status reads need it.
        CallEventCodec codec = new CallEventCodec();
        IngressService cold = new IngressService(
                codec,
                new CallEventSender(sent::add, codec::encode, 30, 300),
                () -> {
                    throw new IllegalStateException("Connection refused: 127.0.0.1:10002");
                },
                null);

        HttpReply accepted = cold.post(bytes(offered("evt-c", "call-c", "agent-1")), SINGLE, null, null);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(sent).hasSize(1);

        HttpReply status = cold.status("call-c");
        assertThat(status.status()).isEqualTo(503);
        assertThat(status.headers()).containsEntry("Retry-After", "5");
        assertThat(status.headers()).containsEntry("Content-Type", "application/problem+json");
    }
}
