package io.cifpipe.dispatch.examples;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusRuleManagerClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.administration.models.CreateRuleOptions;
import com.azure.messaging.servicebus.administration.models.SqlRuleFilter;
import io.cifpipe.model.outcome.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Java examples of functions-dispatch/README.md, compiled here (shared-runtime's ReadmeSnippetsTest compares). */
final class ServiceBusExamples {
    private static final Logger log = LoggerFactory.getLogger(ServiceBusExamples.class);

    private ServiceBusExamples() {}

    static void enqueueDirectly() {
        // snippet:start DirectEnqueue
        String event = """
            {"specversion":"1.0","id":"evt-7f3c2a10-offered","source":"/pbx/site-berlin","type":"call.offered",
             "time":"2025-01-31T09:30:00.125Z",
             "traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
             "data":{"callId":"call-20250131-0001","agentId":"6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f",
                     "callerNumber":"+4930123456789","callerName":"Erika Mustermann","queue":"Support DE",
                     "customerContext":{"accountNumber":"ACC-100234"},"ringSeconds":30}}
            """;

        try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                .connectionString(System.getenv("ServiceBusConnection"))   // or .credential(fqns, new DefaultAzureCredentialBuilder().build())
                .sender().queueName("call-events").buildClient()) {
            ServiceBusMessage m = new ServiceBusMessage(event.getBytes(StandardCharsets.UTF_8));
            m.setMessageId("evt-7f3c2a10-offered");
            m.setContentType("application/cloudevents+json");
            m.setTimeToLive(Duration.ofSeconds(30 + 60));
            m.setSubject("call.offered");
            m.setCorrelationId("call-20250131-0001");
            m.getApplicationProperties().put("type", "call.offered");
            m.getApplicationProperties().put("callId", "call-20250131-0001");
            m.getApplicationProperties().put("agentId", "6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f");
            m.getApplicationProperties().put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

            ServiceBusMessageBatch batch = sender.createMessageBatch();
            if (!batch.tryAddMessage(m)) throw new IllegalStateException("event too large");
            sender.sendMessages(batch);
        }
        // snippet:end
    }

    static void readOutcomes(String manageConnectionString) {
        // snippet:start OutcomeSubscription
        // Read your own subscription with the unmodified azure-messaging-servicebus SDK.
        ServiceBusProcessorClient processor = new ServiceBusClientBuilder()
            .fullyQualifiedNamespace("<namespace>.servicebus.windows.net")
            .credential(new DefaultAzureCredentialBuilder().build())  // or .connectionString(...) locally
            .processor()
            .topicName("call-outcomes")
            .subscriptionName("audit")                                // yours; created by infra or below
            .processMessage(ctx -> {
                Outcome o = Outcome.fromJson(ctx.getMessage().getBody().toBytes());
                // idempotent by MessageId: a republished outcome carries the same one
            })
            .processError(ctx -> log.warn("outcomes: {}", ctx.getException().toString()))
            .buildProcessorClient();
        processor.start();

        // Optional: narrow what your subscription receives (replaces the catch-all $Default rule).
        try (ServiceBusRuleManagerClient rules = new ServiceBusClientBuilder().connectionString(manageConnectionString)
                .ruleManager().topicName("call-outcomes").subscriptionName("audit").buildClient()) {
            rules.createRule("decisions", new CreateRuleOptions(new SqlRuleFilter("outcome IN ('Accepted', 'Rejected')")));
            rules.deleteRule("$Default");
        }
        // snippet:end
    }
}
