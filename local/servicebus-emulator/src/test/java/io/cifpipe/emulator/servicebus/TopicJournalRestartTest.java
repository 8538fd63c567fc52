package io.cifpipe.emulator.servicebus;

import static io.cifpipe.emulator.servicebus.SettlementTestSupport.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusRuleManagerClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.administration.models.CreateRuleOptions;
import com.azure.messaging.servicebus.administration.models.RuleProperties;
import com.azure.messaging.servicebus.administration.models.SqlRuleFilter;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.azure.messaging.servicebus.models.SubQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a journal, a restart keeps every subscription's messages and states, the topic's schedule and the rules. */
class TopicJournalRestartTest {

    private static ServiceBusEmulator emulator(Path journal, SubscriptionOptions.Rule bRule) {
        return ServiceBusEmulator.builder()
                .port(0)
                .journal(journal)
                .topic(TopicOptions.of("t").withDuplicateDetectionWindow(Duration.ofMinutes(10)))
                .subscription(SubscriptionOptions.of("t", "a"))
                .subscription(SubscriptionOptions.of("t", "b").withRule(bRule))
                .build()
                .start();
    }

    private static ServiceBusMessage numbered(int n) {
        ServiceBusMessage m = new ServiceBusMessage("m" + n).setMessageId("id-" + n);
        m.getApplicationProperties().put("n", n);
        return m;
    }

    @Test
    void restartLosesNothingAcrossSubscriptions(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("journal");
        SubscriptionOptions.Rule bRule = SubscriptionOptions.Rule.sql("n >= 5");
        long farSeq;
        long deferredSeq;
        try (ServiceBusEmulator first = emulator(journal, bRule)) {
            ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(first.connectionString());
            try (ServiceBusSenderClient sender = client.sender().topicName("t").buildClient();
                    ServiceBusReceiverClient a = client.receiver()
                            .topicName("t")
                            .subscriptionName("a")
                            .buildClient();
                    ServiceBusRuleManagerClient rules = client.ruleManager()
                            .topicName("t")
                            .subscriptionName("b")
                            .buildClient()) {
                List<ServiceBusMessage> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    batch.add(numbered(i));
                }
                sender.sendMessages(batch);
                farSeq = sender.scheduleMessage(
                        numbered(100), OffsetDateTime.now().plusHours(1));
                sender.scheduleMessage(
                        numbered(7).setMessageId("soon"), OffsetDateTime.now().plusSeconds(2));
                a.complete(receiveOne(a));
                ServiceBusReceivedMessage deferMe = receiveOne(a);
                a.defer(deferMe);
                deferredSeq = deferMe.getSequenceNumber();
                a.deadLetter(receiveOne(a), new DeadLetterOptions().setDeadLetterReason("Testing"));
                rules.createRule("ones", new CreateRuleOptions(new SqlRuleFilter("n = 1")));
            }
            assertThat(first.subscriptionStats("t", "a").total()).isEqualTo(8);
            assertThat(first.subscriptionStats("t", "b").total()).isEqualTo(5);
        }

        try (ServiceBusEmulator second = emulator(journal, bRule)) {
            TopicStats.SubscriptionStats a = second.subscriptionStats("t", "a");
            assertThat(a.total()).isEqualTo(8);
            assertThat(a.deferred()).isEqualTo(1);
            assertThat(a.deadLetter()).isEqualTo(1);
            assertThat(second.subscriptionStats("t", "b").total()).isEqualTo(5);
            assertThat(second.topicStats().get(0).scheduled()).isBetween(1L, 2L); // "soon" may already be due
            ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(second.connectionString());
            try (ServiceBusSenderClient sender = client.sender().topicName("t").buildClient();
                    ServiceBusReceiverClient a2 = client.receiver()
                            .topicName("t")
                            .subscriptionName("a")
                            .buildClient();
                    ServiceBusReceiverClient aDlq = client.receiver()
                            .topicName("t")
                            .subscriptionName("a")
                            .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                            .buildClient();
                    ServiceBusReceiverClient b = client.receiver()
                            .topicName("t")
                            .subscriptionName("b")
                            .buildClient();
                    ServiceBusRuleManagerClient rules = client.ruleManager()
                            .topicName("t")
                            .subscriptionName("b")
                            .buildClient()) {
                assertThat(rules.listRules().stream()
                                .map(RuleProperties::getName)
                                .toList())
                        .containsExactly("$Default", "ones");
                sender.cancelScheduledMessage(farSeq);
                sender.sendMessage(numbered(3)); // duplicate id-3: dropped by the topic's rebuilt history
                ServiceBusMessage fresh = numbered(1).setMessageId("fresh");
                sender.sendMessage(fresh); // n = 1: matches b's "ones" rule added before the restart
                assertThat(a2.receiveDeferredMessage(deferredSeq).getBody().toString())
                        .isEqualTo("m1");
                assertThat(receiveOne(aDlq).getDeadLetterReason()).isEqualTo("Testing");

                Set<String> inA = new HashSet<>();
                long maxSeq = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (inA.size() < 9 && System.nanoTime() < deadline) {
                    for (ServiceBusReceivedMessage m : a2.receiveMessages(10, Duration.ofMillis(500))) {
                        inA.add(m.getMessageId());
                        maxSeq = Math.max(maxSeq, m.getSequenceNumber());
                        a2.complete(m);
                    }
                }
                // 7 left from before the restart (id-3..id-9), the scheduled "soon", and "fresh"; never id-3 twice.
                assertThat(inA)
                        .containsExactlyInAnyOrder(
                                "id-3", "id-4", "id-5", "id-6", "id-7", "id-8", "id-9", "soon", "fresh");
                assertThat(maxSeq).isGreaterThan(farSeq); // sequence numbers continue after the restart
                Set<String> inB = new HashSet<>();
                deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (inB.size() < 7 && System.nanoTime() < deadline) {
                    for (ServiceBusReceivedMessage m : b.receiveMessages(10, Duration.ofMillis(500))) {
                        inB.add(m.getMessageId());
                        b.complete(m);
                    }
                }
                assertThat(inB).containsExactlyInAnyOrder("id-5", "id-6", "id-7", "id-8", "id-9", "soon", "fresh");
            }
            assertThat(second.topicStats().get(0).scheduled()).isZero();
        }

        // A changed configured rule wins over rules changed at run time.
        try (ServiceBusEmulator third = emulator(journal, SubscriptionOptions.Rule.sql("n >= 50"))) {
            try (ServiceBusRuleManagerClient rules = new ServiceBusClientBuilder()
                    .connectionString(third.connectionString())
                    .ruleManager()
                    .topicName("t")
                    .subscriptionName("b")
                    .buildClient()) {
                List<RuleProperties> listed = rules.listRules().stream().toList();
                assertThat(listed).extracting(RuleProperties::getName).containsExactly("$Default");
                assertThat(((SqlRuleFilter) listed.get(0).getFilter()).getSqlExpression())
                        .isEqualTo("n >= 50");
            }
        }
    }
}
