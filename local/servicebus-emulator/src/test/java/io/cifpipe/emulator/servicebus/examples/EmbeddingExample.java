package io.cifpipe.emulator.servicebus.examples;

import io.cifpipe.emulator.servicebus.AccessRight;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.QueueStats;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SubscriptionOptions;
import io.cifpipe.emulator.servicebus.TopicOptions;
import io.cifpipe.emulator.servicebus.TopicStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The embedding example of this module's README (compiled here; shared-runtime's ReadmeSnippetsTest compares). */
final class EmbeddingExample {
    private EmbeddingExample() {}

    static void embed() throws Exception {
        // snippet:start ServiceBusEmulatorEmbedding
        try (ServiceBusEmulator sb = ServiceBusEmulator.builder()
                .host("127.0.0.1").port(0).adminPort(0)                  // 0 = ephemeral; defaults: 5672, no admin
                .queue(QueueOptions.of("call-events")
                    .withLockDuration(Duration.ofSeconds(30))
                    .withMaxDeliveryCount(10)
                    .withDefaultTtl(Duration.ofMinutes(5))
                    .withDeadLetterOnExpiration(true)
                    .withDuplicateDetectionWindow(Duration.ofMinutes(10)))
                .topic(TopicOptions.of("call-outcomes")                    // scheduling + duplicate detection live here
                    .withDuplicateDetectionWindow(Duration.ofMinutes(10)))
                .subscription(SubscriptionOptions.of("call-outcomes", "telephony"))           // $Default: true filter
                .subscription(SubscriptionOptions.of("call-outcomes", "operations")
                    .withLockDuration(Duration.ofSeconds(30)).withMaxDeliveryCount(10)
                    .withRule(SubscriptionOptions.Rule.sql("outcome IN ('Accepted', 'Rejected')")))
                .subscription(SubscriptionOptions.of("call-outcomes", "sales")
                    .withRule(SubscriptionOptions.Rule.correlation(Map.of("queue", "sales", "sys.Label", "Accepted"))))
                .sharedAccessKey("app", "app-key", AccessRight.SEND, AccessRight.LISTEN)
                .journal(Path.of("/tmp/sb-journal"))                      // optional; default in-memory
                .build().start()) {                                       // start() blocks until listening
            String cs = sb.connectionString();          // first key; connectionString("app") for a given key
            int port = sb.port();
            String admin = sb.adminUrl();               // null without adminPort(...)
            List<QueueStats> depths = sb.queueStats();  // thread-safe snapshot; queueStats("call-events") for one
            List<TopicStats> topics = sb.topicStats();  // per subscription; subscriptionStats("call-outcomes", "telephony")
        }
        // snippet:end
    }
}
