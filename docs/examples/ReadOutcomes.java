// Reads outcomes from the call-outcomes topic's 'telephony' subscription (every outcome) and prints them.
// Local run:
//   export ServiceBusConnection="$(jq -r .stack.serviceBus.connectionString .devstack/status.json)"
//   java -cp ops/target/ops.jar docs/examples/ReadOutcomes.java [seconds]
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import java.time.Duration;
import java.time.Instant;

public class ReadOutcomes {
    public static void main(String[] args) {
        Instant until = Instant.now().plusSeconds(args.length > 0 ? Long.parseLong(args[0]) : 60);
        try (ServiceBusReceiverClient receiver = new ServiceBusClientBuilder()
                .connectionString(System.getenv("ServiceBusConnection"))
                .receiver().topicName("call-outcomes").subscriptionName("telephony")
                .disableAutoComplete().buildClient()) {
            while (Instant.now().isBefore(until)) {
                for (ServiceBusReceivedMessage m : receiver.receiveMessages(10, Duration.ofSeconds(5))) {
                    // Body: {notificationId, callId, agentId, outcome, at, connectionId, reason, latencyMs}.
                    // Idempotent by MessageId: a republished outcome carries the same one.
                    System.out.println(m.getApplicationProperties().get("outcome") + " " + m.getBody());
                    receiver.complete(m); // settle only after your system has acted on it
                }
            }
        }
    }
}
