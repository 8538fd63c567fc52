package io.cifpipe.harness.parts;

import io.cifpipe.emulator.servicebus.AccessRight;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SharedAccessKey;
import io.cifpipe.harness.Topology;
import io.cifpipe.testsupport.FreePorts;
import java.nio.file.Path;

/**
 * The Service Bus emulator in this JVM with the pipeline's entities ({@link Topology}), its journal on disk so a
 * restart keeps what was accepted ({@link #inMemory} has none), on a fixed port so clients reconnect to the same address.
 */
public final class ServiceBusPart extends InProcessPart<ServiceBusEmulator> {
    private final int port;
    private final Path journal;
    private final String keyName;
    private final String key;
    private volatile Topology topology;

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

    @Override
    public String name() {
        return "Service Bus emulator";
    }

    @Override
    protected ServiceBusEmulator startServer() {
        return topology.applyTo(ServiceBusEmulator.builder()
                        .host("127.0.0.1")
                        .port(port)
                        .adminPort(0))
                .journal(journal)
                .sharedAccessKey(keyName, key, AccessRight.MANAGE)
                .build()
                .start();
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
