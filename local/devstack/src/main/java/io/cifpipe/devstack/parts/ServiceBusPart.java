package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import io.cifpipe.emulator.servicebus.SubscriptionOptions;
import io.cifpipe.harness.Topology;
import io.cifpipe.model.OutcomeSubscriptions;
import java.util.List;

/**
 * The Service Bus emulator in-process (the harness part, {@link io.cifpipe.harness.parts.ServiceBusPart}) on
 * devstack's fixed AMQP and admin ports, with the entities infra creates ({@link Topology#bicep()}, checked against
 * infra/ Bicep): queue call-events, topic call-outcomes with subscriptions telephony (every outcome) and operations
 * (terminal outcomes), plus the simulator page's own subscription. Journal in {@code <data>/servicebus}, or in memory.
 */
public final class ServiceBusPart implements StackPart {
    private final StackConfig config;
    private final io.cifpipe.harness.parts.ServiceBusPart emulator;

    public ServiceBusPart(StackConfig config) {
        this.config = config;
        Topology topology = Topology.bicep();
        this.emulator = new io.cifpipe.harness.parts.ServiceBusPart(
                        config.ports().serviceBus(),
                        config.dataDir().map(d -> d.resolve("servicebus")).orElse(null),
                        config.keys().serviceBusKeyName(),
                        config.keys().serviceBusKey(),
                        topology)
                .adminPort(config.ports().serviceBusAdmin())
                .extraSubscriptions(simulatorSubscription(topology));
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
    public void start() {
        emulator.start();
    }

    public String connectionString() {
        return emulator.emulator().connectionString();
    }

    public String adminUrl() {
        return emulator.emulator().adminUrl();
    }

    @Override
    public boolean answers() {
        return emulator.answers() && Readiness.httpStatus(adminUrl() + "/queues") == 200;
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
        emulator.stop();
    }
}
