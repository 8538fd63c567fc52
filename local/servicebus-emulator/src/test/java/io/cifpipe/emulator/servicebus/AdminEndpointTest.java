package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class AdminEndpointTest {
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reportsQueueDepthsAsJson() throws Exception {
        try (ServiceBusEmulator emulator = ServiceBusEmulator.builder()
                .port(0)
                .adminPort(0)
                .queue("call-events")
                .queue("call-outcomes")
                .build()
                .start()) {
            try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                    .connectionString(emulator.connectionString())
                    .sender()
                    .queueName("call-events")
                    .buildClient()) {
                sender.sendMessage(new ServiceBusMessage("a"));
                sender.sendMessage(new ServiceBusMessage("b"));
                sender.scheduleMessage(
                        new ServiceBusMessage("c"), OffsetDateTime.now().plusHours(1));
            }
            HttpResponse<String> response = get(emulator.adminUrl() + "/queues");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode queues = new ObjectMapper().readTree(response.body());
            assertThat(queues).hasSize(2);
            JsonNode events = queues.get(0);
            assertThat(events.get("name").asText()).isEqualTo("call-events");
            assertThat(events.get("active").asLong()).isEqualTo(2);
            assertThat(events.get("scheduled").asLong()).isEqualTo(1);
            assertThat(events.get("deadLetter").asLong()).isZero();
            assertThat(events.get("deferred").asLong()).isZero();
            assertThat(queues.get(1).get("active").asLong()).isZero();

            HttpResponse<String> one = get(emulator.adminUrl() + "/queues/CALL-EVENTS");
            assertThat(one.statusCode()).isEqualTo(200);
            HttpResponse<String> missing = get(emulator.adminUrl() + "/queues/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(new ObjectMapper().readTree(missing.body()).get("status").asInt())
                    .isEqualTo(404);
        }
    }

    @Test
    void reportsTopicAndSubscriptionDepths() throws Exception {
        try (ServiceBusEmulator emulator = ServiceBusEmulator.builder()
                .port(0)
                .adminPort(0)
                .topic("call-outcomes")
                .subscription("call-outcomes", "telephony")
                .subscription(SubscriptionOptions.of("call-outcomes", "operations")
                        .withRule(SubscriptionOptions.Rule.sql("outcome = 'Accepted'")))
                .build()
                .start()) {
            try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                    .connectionString(emulator.connectionString())
                    .sender()
                    .topicName("call-outcomes")
                    .buildClient()) {
                ServiceBusMessage accepted = new ServiceBusMessage("a");
                accepted.getApplicationProperties().put("outcome", "Accepted");
                sender.sendMessage(accepted);
                sender.sendMessage(new ServiceBusMessage("b"));
                sender.scheduleMessage(
                        new ServiceBusMessage("c"), OffsetDateTime.now().plusHours(1));
            }
            HttpResponse<String> response = get(emulator.adminUrl() + "/topics");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode topics = new ObjectMapper().readTree(response.body());
            assertThat(topics).hasSize(1);
            assertThat(topics.get(0).get("name").asText()).isEqualTo("call-outcomes");
            assertThat(topics.get(0).get("scheduled").asLong()).isEqualTo(1);
            JsonNode subs = topics.get(0).get("subscriptions");
            assertThat(subs.get(0).get("name").asText()).isEqualTo("telephony");
            assertThat(subs.get(0).get("active").asLong()).isEqualTo(2);
            assertThat(subs.get(0).get("deadLetter").asLong()).isZero();
            assertThat(subs.get(0).get("rules").get(0).asText()).isEqualTo("$Default: TRUE");
            assertThat(subs.get(1).get("active").asLong()).isEqualTo(1);
            assertThat(subs.get(1).get("rules").get(0).asText()).isEqualTo("$Default: outcome = 'Accepted'");

            HttpResponse<String> one = get(emulator.adminUrl() + "/topics/CALL-OUTCOMES/subscriptions/Operations");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(one.body()).get("active").asLong())
                    .isEqualTo(1);
            assertThat(get(emulator.adminUrl() + "/topics/call-outcomes").statusCode())
                    .isEqualTo(200);
            HttpResponse<String> missing = get(emulator.adminUrl() + "/topics/call-outcomes/subscriptions/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(get(emulator.adminUrl() + "/topics/nope").statusCode()).isEqualTo(404);
        }
    }
}
