package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import io.cifpipe.emulator.servicebus.AccessRight;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SharedAccessKey;
import io.cifpipe.harness.Topology;
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

    public ServiceBusPart(StackConfig config) { this.config = config; }

    @Override public String name() { return "Service Bus emulator"; }

    @Override
    public void start() throws Exception {
        var builder = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(config.ports().serviceBus())
                .adminPort(config.ports().serviceBusAdmin())
                .sharedAccessKey(new SharedAccessKey(config.keys().serviceBusKeyName(), config.keys().serviceBusKey(),
                        EnumSet.of(AccessRight.MANAGE)));
        if (config.dataDir().isPresent()) {
            var dir = config.dataDir().get().resolve("servicebus");
            Files.createDirectories(dir);
            builder.journal(dir);
        }
        emulator = Topology.bicep().applyTo(builder).build();
        emulator.start();
    }

    public String connectionString() { return emulator.connectionString(); }

    public String adminUrl() { return emulator.adminUrl(); }

    @Override
    public boolean answers() { return emulator != null && Readiness.httpStatus(adminUrl() + "/queues") == 200; }

    @Override
    public List<Row> rows() {
        return List.of(new Row("Service Bus AMQP", "amqp://localhost:" + config.ports().serviceBus()
                        + "  queue call-events, topic call-outcomes (subscriptions telephony, operations)"),
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
