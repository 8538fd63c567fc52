// Direct enqueue of one call event to the call-events queue with the unmodified Service Bus SDK.
// Local run (the ops jar carries azure-messaging-servicebus):
//   export ServiceBusConnection="$(jq -r .stack.serviceBus.connectionString .devstack/status.json)"
//   java -cp ops/target/ops.jar docs/examples/SendCallEvent.java <callId> <agentOid>
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

public class SendCallEvent {
    public static void main(String[] args) {
        String callId = args.length > 0 ? args[0] : "call-" + UUID.randomUUID();
        String agentId = args.length > 1 ? args[1] : "11111111-1111-4111-8111-a11ce0000001"; // Alice locally
        String eventId = "evt-" + UUID.randomUUID();
        int ringSeconds = 30;
        String event = """
            {"specversion":"1.0","id":"%s","source":"/pbx/site-berlin","type":"call.offered","time":"%s",
             "data":{"callId":"%s","agentId":"%s","callerNumber":"+4930123456789","callerName":"Erika Mustermann",
                     "queue":"Support DE","customerContext":{"accountNumber":"ACC-100234"},"ringSeconds":%d}}
            """.formatted(eventId, Instant.now(), callId, agentId, ringSeconds);

        try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                .connectionString(System.getenv("ServiceBusConnection")) // Azure: .fullyQualifiedNamespace(..).credential(..)
                .sender().queueName("call-events").buildClient()) {
            ServiceBusMessage m = new ServiceBusMessage(event.getBytes(StandardCharsets.UTF_8));
            m.setMessageId(eventId);                                  // duplicate detection = idempotent re-sends
            m.setContentType("application/cloudevents+json");
            m.setTimeToLive(Duration.ofSeconds(ringSeconds + 60));    // ring window + 60 s
            m.setSubject("call.offered");
            m.setCorrelationId(callId);
            m.getApplicationProperties().put("type", "call.offered");
            m.getApplicationProperties().put("callId", callId);
            m.getApplicationProperties().put("agentId", agentId);
            ServiceBusMessageBatch batch = sender.createMessageBatch();
            if (!batch.tryAddMessage(m)) throw new IllegalStateException("event too large for one message");
            sender.sendMessages(batch);
        }
        System.out.println("enqueued " + eventId + " for call " + callId);
    }
}
