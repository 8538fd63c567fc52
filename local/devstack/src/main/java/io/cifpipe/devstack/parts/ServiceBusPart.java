package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import io.cifpipe.emulator.servicebus.AccessRight;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SharedAccessKey;
import io.cifpipe.emulator.servicebus.SubscriptionOptions;
import io.cifpipe.emulator.servicebus.TopicOptions;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/**
 * The Service Bus emulator in-process, with the entities infra creates: queue call-events, topic call-outcomes with
 * subscriptions telephony (every outcome) and operations (terminal outcomes). Journal in {@code <data>/servicebus}.
 */
public final class ServiceBusPart implements StackPart {
    private final StackConfig config;
    private ServiceBusEmulator emulator;

    public ServiceBusPart(StackConfig config) { this.config = config; }

    @Override public String name() { return "Service Bus emulator"; }

    /** call-events: 5 deliveries, 30 s lock, 10 min duplicate detection, expired offers are dead-lettered. */
    static QueueOptions callEvents() {
        return QueueOptions.of(Setting.CALL_EVENTS_QUEUE.defaultValue().orElseThrow())
                .withMaxDeliveryCount(5)
                .withLockDuration(Duration.ofSeconds(30))
                .withDuplicateDetectionWindow(Duration.ofMinutes(10))
                .withDeadLetterOnExpiration(true);
    }

    static final String OUTCOMES = Setting.CALL_OUTCOMES_TOPIC.defaultValue().orElseThrow();

    /** call-outcomes: a topic with duplicate detection, as in infra/modules/servicebus.bicep. */
    static TopicOptions callOutcomes() {
        return TopicOptions.of(OUTCOMES).withDuplicateDetectionWindow(Duration.ofMinutes(10));
    }

    /**
     * Local only (not in infra): the telephony simulator page reads its own copy of every outcome, so an integrator's
     * receiver on {@code telephony} gets every outcome instead of competing with the page for them.
     */
    public static final String SIMULATOR_SUBSCRIPTION = "telephony-simulator";

    /** One subscription per consumer, with the filters infra gives them (OutcomeSubscriptions), plus the simulator's. */
    static List<SubscriptionOptions> outcomeSubscriptions() {
        return List.of(
                SubscriptionOptions.of(OUTCOMES, SIMULATOR_SUBSCRIPTION).withLockDuration(Duration.ofSeconds(30))
                        .withDeadLetterOnExpiration(true),
                SubscriptionOptions.of(OUTCOMES, OutcomeSubscriptions.TELEPHONY).withLockDuration(Duration.ofSeconds(30))
                        .withDeadLetterOnExpiration(true),
                SubscriptionOptions.of(OUTCOMES, OutcomeSubscriptions.OPERATIONS).withLockDuration(Duration.ofSeconds(30))
                        .withDeadLetterOnExpiration(true)
                        .withRule(SubscriptionOptions.Rule.sql(OutcomeSubscriptions.OPERATIONS_FILTER)));
    }

    @Override
    public void start() throws Exception {
        var builder = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(config.ports().serviceBus())
                .adminPort(config.ports().serviceBusAdmin())
                .queue(callEvents())
                .topic(callOutcomes())
                .subscription(outcomeSubscriptions().toArray(SubscriptionOptions[]::new))
                .sharedAccessKey(new SharedAccessKey(config.keys().serviceBusKeyName(), config.keys().serviceBusKey(),
                        EnumSet.of(AccessRight.MANAGE)));
        if (config.dataDir().isPresent()) {
            var dir = config.dataDir().get().resolve("servicebus");
            Files.createDirectories(dir);
            builder.journal(dir);
        }
        emulator = builder.build();
        emulator.start();
    }

    public String connectionString() { return emulator.connectionString(); }

    public String adminUrl() { return emulator.adminUrl(); }

    @Override
    public boolean answers() { return emulator != null && Readiness.httpStatus(adminUrl() + "/queues") == 200; }

    @Override
    public List<Row> rows() {
        return List.of(new Row("Service Bus AMQP", "amqp://localhost:" + config.ports().serviceBus()
                        + "  queue call-events, topic call-outcomes (subscriptions telephony, operations; local: " + SIMULATOR_SUBSCRIPTION + ")"),
                new Row("Service Bus admin", adminUrl() + "/queues  " + adminUrl() + "/topics"));
    }

    @Override
    public void close() {
        if (emulator != null) {
            try {
                emulator.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            emulator = null;
        }
    }
}
