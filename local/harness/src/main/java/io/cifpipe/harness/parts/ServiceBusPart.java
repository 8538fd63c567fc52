package io.cifpipe.harness.parts;

import io.cifpipe.emulator.servicebus.AccessRight;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SharedAccessKey;
import io.cifpipe.emulator.servicebus.SubscriptionOptions;
import io.cifpipe.harness.Topology;
import io.cifpipe.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Service Bus emulator in this JVM with the pipeline's entities ({@link Topology}), its journal on disk so a
 * restart keeps what was accepted ({@link #inMemory} and a null journal have none), on a fixed port so clients
 * reconnect to the same address.
 */
public final class ServiceBusPart extends InProcessPart<ServiceBusEmulator> {
    private final int port;
    private final Path journal;
    private final String keyName;
    private final String key;
    private volatile Topology topology;
    private int adminPort;
    private List<SubscriptionOptions> extraSubscriptions = List.of();

    /** @param journal the journal's directory (created at start), or null for an in-memory emulator */
    public ServiceBusPart(int port, Path journal, String keyName, String key, Topology topology) {
        this.port = port;
        this.journal = journal;
        this.keyName = keyName;
        this.key = key;
        this.topology = topology;
    }

    /**
     * For a test class: a free port, the emulator's default key, no journal (a restart comes back empty at the same
     * address, as a fresh namespace would).
     */
    public static ServiceBusPart inMemory(Topology topology) {
        return new ServiceBusPart(
                FreePorts.free(), null, SharedAccessKey.DEFAULT_NAME, SharedAccessKey.DEFAULT_KEY, topology);
    }

    /** A fixed port for the admin REST API (default: an ephemeral one). */
    public ServiceBusPart adminPort(int value) {
        adminPort = value;
        return this;
    }

    /** Subscriptions beyond {@link Topology}'s (local-only readers such as devstack's simulator page). */
    public ServiceBusPart extraSubscriptions(SubscriptionOptions... options) {
        extraSubscriptions = List.of(options);
        return this;
    }

    @Override
    public String name() {
        return "Service Bus emulator";
    }

    @Override
    protected ServiceBusEmulator startServer() {
        ServiceBusEmulator.Builder builder = topology.applyTo(ServiceBusEmulator.builder()
                        .host("127.0.0.1")
                        .port(port)
                        .adminPort(adminPort))
                .subscription(extraSubscriptions.toArray(SubscriptionOptions[]::new))
                .sharedAccessKey(keyName, key, AccessRight.MANAGE);
        if (journal != null) {
            try {
                Files.createDirectories(journal);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            builder.journal(journal);
        }
        return builder.build().start();
    }

    /** Restarts with other entity properties, as an operator changing the queue would; clients reconnect. */
    public synchronized void reconfigure(Topology changed) {
        stop();
        topology = changed;
        start();
    }

    /** The emulator (the last one started; closed while stopped). */
    public ServiceBusEmulator emulator() {
        return server();
    }

    public int port() {
        return port;
    }

    public Topology topology() {
        return topology;
    }
}
