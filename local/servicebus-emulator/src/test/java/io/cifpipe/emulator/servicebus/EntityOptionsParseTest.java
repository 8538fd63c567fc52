package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI forms {@code --topic NAME[,option=value…]} and {@code --subscription TOPIC/NAME[,…]}. */
class EntityOptionsParseTest {

    @Test
    void topicTakesTheQueueOptionNamesThatApplyToTopics() {
        TopicOptions t = TopicOptions.parse("call-outcomes,defaultTtl=PT1H,duplicateDetectionWindow=10m,"
                + "maxSizeBytes=1000000,maxMessageSizeBytes=1024");
        assertThat(t)
                .isEqualTo(new TopicOptions(
                        "call-outcomes", Duration.ofHours(1), Duration.ofMinutes(10), 1_000_000, 1024));
        assertThat(TopicOptions.parse("plain")).isEqualTo(TopicOptions.of("plain"));
        assertThatThrownBy(() -> TopicOptions.parse("t,lockDuration=PT5S")).hasMessageContaining("subscription option");
        assertThatThrownBy(() -> TopicOptions.parse("t,color=blue")).hasMessageContaining("unknown topic option");
        assertThatThrownBy(() -> TopicOptions.parse("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subscriptionTakesLockAndDeliveryOptionsAndOneFilter() {
        SubscriptionOptions s = SubscriptionOptions.parse(
                "call-outcomes/operations,lockDuration=PT5S,maxDeliveryCount=3,"
                        + "defaultTtl=1h,deadLetterOnExpiration=true,filter=outcome IN ('Accepted', 'Rejected') AND [queue] <> 'x,y'");
        assertThat(s.topic()).isEqualTo("call-outcomes");
        assertThat(s.name()).isEqualTo("operations");
        assertThat(s.path()).isEqualTo("call-outcomes/subscriptions/operations");
        assertThat(s.lockDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.maxDeliveryCount()).isEqualTo(3);
        assertThat(s.defaultTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.deadLetterOnExpiration()).isTrue();
        assertThat(s.defaultRule())
                .isEqualTo(SubscriptionOptions.Rule.sql("outcome IN ('Accepted', 'Rejected') AND [queue] <> 'x,y'"));

        SubscriptionOptions c =
                SubscriptionOptions.parse("t/s,correlation=queue:sales,correlation=sys.Label:call.outcome");
        assertThat(c.defaultRule())
                .isEqualTo(SubscriptionOptions.Rule.correlation(Map.of("queue", "sales", "sys.Label", "call.outcome")));
        assertThat(SubscriptionOptions.parse("t/s").defaultRule()).isEqualTo(SubscriptionOptions.Rule.trueFilter());
    }

    @Test
    void subscriptionSpecErrorsNameTheProblem() {
        assertThatThrownBy(() -> SubscriptionOptions.parse("no-slash")).hasMessageContaining("TOPIC/NAME");
        assertThatThrownBy(() -> SubscriptionOptions.parse("t/s,filter=a = 1,correlation=a:1"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> SubscriptionOptions.parse("t/s,filter=outcome ="))
                .hasMessageContaining("syntax error");
        assertThatThrownBy(() -> SubscriptionOptions.parse("t/s,correlation=noColon"))
                .hasMessageContaining("<prop>:<value>");
        assertThatThrownBy(() -> SubscriptionOptions.parse("t/s,correlation=sys.Nope:1"))
                .hasMessageContaining("not a correlation filter field");
        assertThatThrownBy(() -> SubscriptionOptions.parse("t/s,duplicateDetectionWindow=PT1M"))
                .hasMessageContaining("topic option");
        assertThatThrownBy(() -> SubscriptionOptions.parse("t/s,maxDeliveryCount=0"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SubscriptionOptions.parse("t/s$x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderRefusesSubscriptionsOfUnknownTopicsAndNameClashes() {
        assertThatThrownBy(() -> ServiceBusEmulator.builder()
                        .port(0)
                        .subscription("missing", "s")
                        .build()
                        .start())
                .hasMessageContaining("--topic missing");
        assertThatThrownBy(() -> ServiceBusEmulator.builder()
                        .port(0)
                        .queue("same")
                        .topic("same")
                        .build()
                        .start())
                .hasMessageContaining("as a queue and as a topic");
        assertThatThrownBy(() -> ServiceBusEmulator.builder().topic("t").topic("T"))
                .hasMessageContaining("configured twice");
    }
}
