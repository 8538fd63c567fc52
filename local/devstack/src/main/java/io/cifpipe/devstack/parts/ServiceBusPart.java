package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import io.cifpipe.emulator.servicebus.AccessRight;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SharedAccessKey;
import io.cifpipe.model.Setting;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/** The Service Bus emulator in-process, with the two queues the pipeline uses. Journal in {@code <data>/servicebus}. */
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

    static QueueOptions callOutcomes() {
        return QueueOptions.of(Setting.CALL_OUTCOMES_QUEUE.defaultValue().orElseThrow())
                .withLockDuration(Duration.ofSeconds(30))
                .withDuplicateDetectionWindow(Duration.ofMinutes(10));
    }

    @Override
    public void start() throws Exception {
        var builder = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(config.ports().serviceBus())
                .adminPort(config.ports().serviceBusAdmin())
                .queue(callEvents())
                .queue(callOutcomes())
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
                        + "  queues call-events, call-outcomes"),
                new Row("Service Bus admin", adminUrl() + "/queues"));
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
