package io.cifpipe.emulator.servicebus;

import static io.cifpipe.emulator.servicebus.SettlementTestSupport.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusRuleManagerClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.administration.models.CorrelationRuleFilter;
import com.azure.messaging.servicebus.administration.models.CreateRuleOptions;
import com.azure.messaging.servicebus.administration.models.FalseRuleFilter;
import com.azure.messaging.servicebus.administration.models.RuleProperties;
import com.azure.messaging.servicebus.administration.models.SqlRuleAction;
import com.azure.messaging.servicebus.administration.models.SqlRuleFilter;
import com.azure.messaging.servicebus.administration.models.TrueRuleFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rules through the SDK's ServiceBusRuleManagerClient and through configuration, and how they route messages. */
class SubscriptionRuleTest {
    static ServiceBusEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = ServiceBusEmulator.builder()
                .port(0)
                .topic("outcomes")
                .topic("managed")
                .subscription(SubscriptionOptions.of("outcomes", "all"))
                .subscription(SubscriptionOptions.of("outcomes", "decisions")
                        .withRule(SubscriptionOptions.Rule.sql("outcome IN ('Accepted', 'Rejected')")))
                .subscription(SubscriptionOptions.of("outcomes", "sales")
                        .withRule(SubscriptionOptions.Rule.correlation(
                                Map.of("queue", "sales", "sys.Label", "call.outcome"))))
                .subscription(SubscriptionOptions.of("outcomes", "slow")
                        .withRule(SubscriptionOptions.Rule.sql("latencyMs > 1000 AND EXISTS(agentId)")))
                .subscription("managed", "r")
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static ServiceBusClientBuilder client() {
        return new ServiceBusClientBuilder().connectionString(emulator.connectionString());
    }

    static ServiceBusMessage outcome(String outcome, String queue, Long latency, String agent) {
        ServiceBusMessage m = new ServiceBusMessage(outcome).setSubject("call.outcome");
        m.getApplicationProperties().put("outcome", outcome);
        m.getApplicationProperties().put("queue", queue);
        if (latency != null) {
            m.getApplicationProperties().put("latencyMs", latency);
        }
        if (agent != null) {
            m.getApplicationProperties().put("agentId", agent);
        }
        return m;
    }

    static List<String> drain(String topic, String subscription) {
        List<String> bodies = new ArrayList<>();
        // PEEK_LOCK + complete: the broker's count reaches 0 only once this client has every message in hand.
        try (ServiceBusReceiverClient r = client().receiver()
                .topicName(topic)
                .subscriptionName(subscription)
                .buildClient()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (emulator.subscriptionStats(topic, subscription).total() > 0 && System.nanoTime() < deadline) {
                r.receiveMessages(10, Duration.ofMillis(500)).forEach(m -> {
                    bodies.add(m.getBody().toString());
                    r.complete(m);
                });
            }
        }
        return bodies;
    }

    @Test
    void configuredFiltersRouteEachMessageToTheSubscriptionsThatMatch() {
        try (ServiceBusSenderClient sender =
                client().sender().topicName("outcomes").buildClient()) {
            sender.sendMessages(List.of(
                    outcome("Accepted", "sales", 200L, "alice"),
                    outcome("Rejected", "support", 1500L, "bob"),
                    outcome("Expired", "sales", 5000L, null), // no agentId: EXISTS fails
                    outcome("Delivered", "sales", 1200L, "carol"),
                    outcome("Withdrawn", "support", null, "dave"))); // no latency: unknown, not slow
            ServiceBusMessage wrongLabel = outcome("Accepted", "sales", 1L, "x").setSubject("other");
            sender.sendMessage(wrongLabel);
        }
        assertThat(drain("outcomes", "all")).hasSize(6);
        assertThat(drain("outcomes", "decisions")).containsExactly("Accepted", "Rejected", "Accepted");
        assertThat(drain("outcomes", "sales")).containsExactly("Accepted", "Expired", "Delivered");
        assertThat(drain("outcomes", "slow")).containsExactly("Rejected", "Delivered");
    }

    @Test
    void ruleManagerRoundTrip() {
        try (ServiceBusRuleManagerClient rules = client().ruleManager()
                        .topicName("managed")
                        .subscriptionName("r")
                        .buildClient();
                ServiceBusSenderClient sender =
                        client().sender().topicName("managed").buildClient()) {
            List<RuleProperties> initial = new ArrayList<>();
            rules.listRules().forEach(initial::add);
            assertThat(initial).hasSize(1);
            assertThat(initial.get(0).getName()).isEqualTo("$Default");
            assertThat(initial.get(0).getFilter()).isInstanceOf(TrueRuleFilter.class);

            rules.deleteRule("$Default");
            CorrelationRuleFilter correlation = new CorrelationRuleFilter().setCorrelationId("call-7");
            correlation.getProperties().put("priority", 2);
            rules.createRule("vip", new CreateRuleOptions(correlation));
            rules.createRule(
                    "sql", new CreateRuleOptions(new SqlRuleFilter("user.outcome = 'Accepted' AND sys.To = 'pbx'")));
            rules.createRule("never", new CreateRuleOptions(new FalseRuleFilter()));

            List<RuleProperties> listed = new ArrayList<>();
            rules.listRules().forEach(listed::add);
            assertThat(listed).extracting(RuleProperties::getName).containsExactly("vip", "sql", "never");
            CorrelationRuleFilter back = (CorrelationRuleFilter) listed.get(0).getFilter();
            assertThat(back.getCorrelationId()).isEqualTo("call-7");
            // The SDK's RuleProperties model hands property values back as text; the broker matches the int (see
            // below).
            assertThat(String.valueOf(back.getProperties().get("priority"))).isEqualTo("2");
            assertThat(((SqlRuleFilter) listed.get(1).getFilter()).getSqlExpression())
                    .isEqualTo("user.outcome = 'Accepted' AND sys.To = 'pbx'");
            assertThat(((SqlRuleFilter) listed.get(2).getFilter()).getSqlExpression())
                    .isEqualTo("1=0");

            ServiceBusMessage vip = new ServiceBusMessage("vip").setCorrelationId("call-7");
            vip.getApplicationProperties().put("priority", 2);
            ServiceBusMessage vipWrongType = new ServiceBusMessage("vip-string").setCorrelationId("call-7");
            vipWrongType.getApplicationProperties().put("priority", "2");
            ServiceBusMessage accepted = new ServiceBusMessage("accepted").setTo("pbx");
            accepted.getApplicationProperties().put("outcome", "Accepted");
            ServiceBusMessage none = new ServiceBusMessage("none");
            sender.sendMessages(List.of(vip, vipWrongType, accepted, none));
            assertThat(drain("managed", "r")).containsExactly("vip", "accepted");

            // errors the service gives: duplicate name, bad SQL, unknown rule, rule actions (not in the emulator)
            assertThatThrownBy(() -> rules.createRule("VIP", new CreateRuleOptions(new SqlRuleFilter("1=1"))))
                    .hasMessageContaining("already exists");
            assertThatThrownBy(() -> rules.createRule("bad", new CreateRuleOptions(new SqlRuleFilter("outcome = "))))
                    .hasMessageContaining("syntax error");
            assertThatThrownBy(() -> rules.createRule("sys", new CreateRuleOptions(new SqlRuleFilter("sys.Nope = 1"))))
                    .hasMessageContaining("not a system property");
            assertThatThrownBy(() -> rules.deleteRule("missing")).hasMessageContaining("could not be found");
            assertThatThrownBy(() -> rules.createRule(
                            "act",
                            new CreateRuleOptions(new SqlRuleFilter("1=1")).setAction(new SqlRuleAction("SET a = 1"))))
                    .hasMessageContaining("not supported");

            rules.deleteRule("vip");
            rules.deleteRule("sql");
            rules.deleteRule("never");
            assertThat(rules.listRules().stream().count()).isZero();
            sender.sendMessage(new ServiceBusMessage("no rules, no copy"));
            assertThat(emulator.subscriptionStats("managed", "r").total()).isZero();
            rules.createRule("$Default", new CreateRuleOptions()); // TrueRuleFilter
            sender.sendMessage(new ServiceBusMessage("everything again"));
            assertThat(drain("managed", "r")).containsExactly("everything again");
        }
    }

    @Test
    void ruleOperationsNeedASubscriptionAndManageRights() {
        try (ServiceBusEmulator limited = ServiceBusEmulator.builder()
                        .port(0)
                        .topic("t")
                        .subscription("t", "s")
                        .sharedAccessKey("listen", "listen-key", AccessRight.LISTEN, AccessRight.SEND)
                        .build()
                        .start();
                ServiceBusRuleManagerClient rules = new ServiceBusClientBuilder()
                        .connectionString(limited.connectionString())
                        .ruleManager()
                        .topicName("t")
                        .subscriptionName("s")
                        .buildClient()) {
            assertThatThrownBy(() -> rules.listRules().stream().count()).hasMessageContaining("Unauthorized");
        }
    }

    @Test
    void aReceiverSeesTheSameMessageAsSentThroughAFilteredSubscription() {
        try (ServiceBusSenderClient sender =
                        client().sender().topicName("outcomes").buildClient();
                ServiceBusReceiverClient decisions = client().receiver()
                        .topicName("outcomes")
                        .subscriptionName("decisions")
                        .buildClient()) {
            ServiceBusMessage m = outcome("Rejected", "support", 10L, "erin")
                    .setMessageId("n-1")
                    .setCorrelationId("c-1")
                    .setContentType("application/json");
            sender.sendMessage(m);
            ServiceBusReceivedMessage got = receiveOne(decisions);
            assertThat(got.getMessageId()).isEqualTo("n-1");
            assertThat(got.getCorrelationId()).isEqualTo("c-1");
            assertThat(got.getContentType()).isEqualTo("application/json");
            assertThat(got.getSubject()).isEqualTo("call.outcome");
            assertThat(got.getApplicationProperties())
                    .containsEntry("agentId", "erin")
                    .containsEntry("latencyMs", 10L);
            decisions.complete(got);
        }
        drain("outcomes", "all");
        drain("outcomes", "sales");
    }
}
