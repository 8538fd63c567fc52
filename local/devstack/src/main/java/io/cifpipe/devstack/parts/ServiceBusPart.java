package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import io.cifpipe.emulator.servicebus.AccessRight;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SharedAccessKey;
import io.cifpipe.emulator.servicebus.SubscriptionOptions;
import io.cifpipe.harness.Topology;
import io.cifpipe.model.OutcomeSubscriptions;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;

/**
 * The Service Bus emulator in-process, with the entities infra creates ({@link Topology#bicep()}, checked against
 * infra/ Bicep): queue call-events, topic call-outcomes with subscriptions telephony (every outcome) and operations
 * (terminal outcomes). Journal in {@code <data>/servicebus}.
 */
public final class ServiceBusPart implements StackPart {
    private final StackConfig config;
    private ServiceBusEmulator emulator;

    public ServiceBusPart(StackConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "Service Bus emulator";
    }

    /**
     * Local only (not in infra): the telephony simulator page reads its own copy of every outcome, so an integrator's
     * receiver on {@code telephony} gets every outcome instead of competing with the page for them.
     */
    public static final String SIMULATOR_SUBSCRIPTION = "telephony-simulator";

    /** The simulator's subscription: like {@code telephony} (every outcome), under its own name. */
    static SubscriptionOptions simulatorSubscription(Topology topology) {
        SubscriptionOptions telephony = topology.outcomeSubscriptions().stream()
                .filter(s -> s.name().equals(OutcomeSubscriptions.TELEPHONY))
                .findFirst()
                .orElseThrow();
        return SubscriptionOptions.of(Topology.CALL_OUTCOMES, SIMULATOR_SUBSCRIPTION)
                .withLockDuration(telephony.lockDuration())
                .withMaxDeliveryCount(telephony.maxDeliveryCount())
                .withDeadLetterOnExpiration(true)
                .withDefaultTtl(Topology.OUTCOMES_TTL);
    }

    @Override
    public void start() throws Exception {
        var builder = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(config.ports().serviceBus())
                .adminPort(config.ports().serviceBusAdmin())
                .sharedAccessKey(new SharedAccessKey(
                        config.keys().serviceBusKeyName(),
                        config.keys().serviceBusKey(),
                        EnumSet.of(AccessRight.MANAGE)));
        if (config.dataDir().isPresent()) {
            var dir = config.dataDir().get().resolve("servicebus");
            Files.createDirectories(dir);
            builder.journal(dir);
        }
        Topology topology = Topology.bicep();
        emulator = topology.applyTo(builder)
                .subscription(simulatorSubscription(topology))
                .build();
        emulator.start();
    }

    public String connectionString() {
        return emulator.connectionString();
    }

    public String adminUrl() {
        return emulator.adminUrl();
    }

    @Override
    public boolean answers() {
        return emulator != null && Readiness.httpStatus(adminUrl() + "/queues") == 200;
    }

    @Override
    public List<Row> rows() {
        return List.of(
                new Row(
                        "Service Bus AMQP",
                        "amqp://localhost:" + config.ports().serviceBus()
                                + "  queue call-events, topic call-outcomes (subscriptions telephony, operations; telephony-simulator for the page)"),
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
