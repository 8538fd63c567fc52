package io.cifpipe.bench.sb;

import io.cifpipe.bench.core.Latencies;
import io.cifpipe.bench.core.Latency;
import io.cifpipe.bench.core.OpenLoop;
import io.cifpipe.bench.core.Progress;
import io.cifpipe.bench.core.ScenarioResult;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SharedAccessKey;
import io.cifpipe.testsupport.FreePorts;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * Service Bus emulator vs embedded Apache Artemis, same workload: 1 KiB messages sent at a fixed rate
 * (open loop, latency from intended send time to receipt), then a saturation phase with a bounded
 * number of messages in flight end to end (send → receive → settle) to find the sustained throughput.
 */
public final class SbScenario {
    static final int SDK_PREFETCH = 200;
    /** @param rounds passes over the systems; the order reverses every round so no system always runs warmer */
    public record Options(
            double rate,
            Duration duration,
            Duration saturation,
            int messageBytes,
            int window,
            Duration warmup,
            boolean artemis,
            int rounds) {
        public Options(
                double rate,
                Duration duration,
                Duration saturation,
                int messageBytes,
                int window,
                Duration warmup,
                boolean artemis) {
            this(rate, duration, saturation, messageBytes, window, warmup, artemis, 1);
        }
    }

    /** One system's figures summed over the rounds. */
    private static final class Totals {
        final Latency fixed;
        final Latency saturation;
        long sent;
        long completed;
        long errors;
        final List<Double> throughputs = new ArrayList<>();
        Throwable firstError;

        Totals(String label) {
            fixed = new Latency(label + " fixed rate");
            saturation = new Latency(label + " saturation");
        }

        double meanThroughput() {
            return throughputs.stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN);
        }
    }

    private static final String QUEUE = "bench";
    static final String EMU_SDK = "emulator+SDK";
    static final String EMU_PROTON = "emulator+proton";
    static final String ARTEMIS = "Artemis+proton";
    private final Options options;
    private final PrintStream progress;

    public SbScenario(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public ScenarioResult run() throws Exception {
        ScenarioResult result = new ScenarioResult(
                "sb",
                "Service Bus emulator (SDK) vs Apache Artemis (plain AMQP), " + options.messageBytes()
                        + "-byte messages");
        result.parameter("rate", options.rate())
                .parameter("duration", options.duration().toString())
                .parameter("saturation", options.saturation().toString())
                .parameter("messageBytes", options.messageBytes())
                .parameter("window", options.window());
        byte[] body = new byte[options.messageBytes()];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }

        List<String> systems = new ArrayList<>(List.of(EMU_SDK));
        if (options.artemis()) {
            systems.addAll(List.of(EMU_PROTON, ARTEMIS));
        }
        Map<String, Totals> totals = new LinkedHashMap<>();
        systems.forEach(sys -> totals.put(sys, new Totals(sys)));
        int rounds = Math.max(1, options.rounds());
        result.parameter("rounds", rounds);
        Path dir = Files.createTempDirectory("bench-artemis");
        EmbeddedActiveMQ artemis = options.artemis() ? startArtemis(dir) : null;
        Vertx vertx = Vertx.vertx();
        List<String> orders = new ArrayList<>();
        try (ServiceBusEmulator emulator = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .queue(QueueOptions.of(QUEUE))
                .build()
                .start()) {
            for (int round = 0; round < rounds; round++) {
                List<String> order = new ArrayList<>(systems);
                if (round % 2 == 1) {
                    Collections.reverse(order); // the system measured last (warmest machine) goes first next round
                }
                orders.add(String.join(" → ", order));
                for (String sys : order) {
                    progress.printf("sb: round %d of %d: %s%n", round + 1, rounds, sys);
                    try (Pipe pipe = pipe(sys, emulator, vertx)) {
                        measure(pipe, sys, body, totals.get(sys));
                    }
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (artemis != null) {
                artemis.stop();
            }
        }
        for (String sys : systems) {
            Totals t = totals.get(sys);
            result.latency("enqueue → receive at fixed rate", sys + " fixed rate", t.fixed.snapshot());
            result.figure(sys + " fixed-rate messages sent", t.sent, "msgs");
            result.figure(sys + " fixed-rate messages completed", t.completed, "msgs");
            result.latency(
                    "send → receive at saturation (closed loop, window " + options.window() + ")",
                    sys + " saturation",
                    t.saturation.snapshot());
            for (int r = 0; r < t.throughputs.size(); r++) {
                result.figure(sys + " round " + (r + 1) + " throughput", t.throughputs.get(r), "msg/s");
            }
            result.figure(sys + " sustained throughput (send+receive+settle)", t.meanThroughput(), "msg/s");
            result.figure(sys + " errors", t.errors, "count");
            if (t.firstError != null) {
                result.note(sys + " first error: " + t.firstError);
            }
        }
        result.note(
                "Round order (reversed every round so no system always runs warmer): " + String.join("; ", orders)
                        + ". Latencies are merged over the rounds; throughput is the mean of the rounds (each round's is listed).");
        double emuThroughput = totals.get(EMU_SDK).meanThroughput();
        result.summary("scenario", "sb").summary("rounds", rounds).summary("emulator_sdk_msgs_per_s", emuThroughput);
        if (options.artemis()) {
            double emuProtonThroughput = totals.get(EMU_PROTON).meanThroughput();
            double artemisThroughput = totals.get(ARTEMIS).meanThroughput();
            result.figure(
                    "throughput ratio emulator/Artemis, same plain AMQP client",
                    emuProtonThroughput / artemisThroughput,
                    "x (target >= 1)");
            result.figure("throughput ratio emulator+SDK/Artemis+plain client", emuThroughput / artemisThroughput, "x");
            Latencies.ratio(result, EMU_PROTON + " fixed rate", ARTEMIS + " fixed rate");
            Latencies.ratio(result, EMU_SDK + " fixed rate", ARTEMIS + " fixed rate");
            result.summary("emulator_proton_msgs_per_s", emuProtonThroughput)
                    .summary("artemis_msgs_per_s", artemisThroughput)
                    .summary("emulator_vs_artemis_throughput_ratio", emuProtonThroughput / artemisThroughput);
        }
        result.note("Both brokers are in memory (emulator without journal, Artemis persistence disabled) and run in the"
                + " bench JVM with their clients. emulator+SDK is the unmodified azure-messaging-servicebus SDK (CBS auth,"
                + " reactor, explicit complete awaiting the broker's disposition); emulator+proton and Artemis+proton use the"
                + " same bare vertx-proton client (at-least-once send, manual accept settled at once), so their ratio compares"
                + " the brokers; the SDK ratio includes the SDK's own client-side cost.");
        return result;
    }

    private int artemisPort;

    private Pipe pipe(String system, ServiceBusEmulator emulator, Vertx vertx) throws Exception {
        return switch (system) {
            // Prefetch stays under azure-core-amqp's 256-delivery receive buffer: above it the SDK closes its own link
            // (delivery-buffer-overflow) and its pending completes fail, which would be measured as broker errors.
            case EMU_SDK -> new SdkPipe(emulator.connectionString(), QUEUE, SDK_PREFETCH, 64);
            case EMU_PROTON ->
                new ProtonPipe(
                        vertx,
                        "Service Bus emulator + vertx-proton",
                        "127.0.0.1",
                        emulator.port(),
                        QUEUE,
                        500,
                        new ProtonPipe.SasKey(SharedAccessKey.DEFAULT_NAME, SharedAccessKey.DEFAULT_KEY));
            case ARTEMIS ->
                new ProtonPipe(vertx, "Apache Artemis + vertx-proton", "127.0.0.1", artemisPort, QUEUE, 500);
            default -> throw new IllegalArgumentException(system);
        };
    }

    private EmbeddedActiveMQ startArtemis(Path dir) throws Exception {
        artemisPort = FreePorts.free();
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + artemisPort + "?protocols=AMQP")
                .addQueueConfiguration(
                        new QueueConfiguration(QUEUE).setAddress(QUEUE).setRoutingType(RoutingType.ANYCAST));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        return server;
    }

    /** Fixed-rate phase (latency) then saturation phase (throughput), added to the system's totals. */
    private void measure(Pipe pipe, String label, byte[] body, Totals totals) throws Exception {
        Latency fixed = totals.fixed;
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        AtomicReference<Latency> current = new AtomicReference<>(new Latency("warmup"));
        Semaphore window = new Semaphore(Integer.MAX_VALUE / 2);
        AtomicReference<Semaphore> permits = new AtomicReference<>(window);
        pipe.start(new Pipe.Listener() {
            @Override
            public void received(long intendedNanos) {
                current.get().recordSince(intendedNanos);
                received.incrementAndGet();
            }

            @Override
            public void completed() {
                completed.incrementAndGet();
                permits.get().release();
            }

            @Override
            public void sent() {
                sent.incrementAndGet();
            }

            @Override
            public void failed(Throwable error) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
        });

        // Warm-up at the fixed rate: JIT, link credit, connection pools. Not recorded.
        if (!options.warmup().isZero()) {
            progress.printf("sb: %s warm-up %s%n", pipe.name(), options.warmup());
            long warm = OpenLoop.run(options.rate(), options.warmup(), (seq, t) -> pipe.send(t, body), () -> false);
            awaitCount(completed, () -> warm, Duration.ofSeconds(30));
        }
        long base = completed.get();
        long baseSent = sent.get();
        long baseReceived = received.get();
        current.set(fixed);
        progress.printf("sb: %s at %.0f msg/s for %s%n", pipe.name(), options.rate(), options.duration());
        long fired;
        try (Progress p = new Progress(
                label,
                () -> String.format(
                        "sent %d received %d completed %d errors %d",
                        sent.get() - baseSent, received.get() - baseReceived, completed.get() - base, errors.get()),
                progress)) {
            fired = OpenLoop.run(options.rate(), options.duration(), (seq, t) -> pipe.send(t, body), () -> false);
            awaitCount(completed, () -> base + fired, Duration.ofSeconds(30));
        }
        totals.sent += fired;
        totals.completed += completed.get() - base;

        // Saturation: at most `window` messages between send and settle; as fast as the pipe goes.
        Latency sat = totals.saturation;
        current.set(sat);
        Semaphore bounded = new Semaphore(options.window());
        permits.set(bounded);
        long satBase = completed.get();
        progress.printf("sb: %s saturation, %d in flight, %s%n", pipe.name(), options.window(), options.saturation());
        long start = System.nanoTime();
        long end = start + options.saturation().toNanos();
        long satFired = 0;
        try (Progress p = new Progress(
                label + " max",
                () -> String.format("completed %d errors %d", completed.get() - satBase, errors.get()),
                progress)) {
            while (System.nanoTime() < end) {
                if (bounded.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    pipe.send(System.nanoTime(), body);
                    satFired++;
                }
            }
        }
        // Throughput counts the drain too (at most `window` messages): completions of everything sent in the phase
        // divided by the time until the last one, so a short or stalled phase still gives an honest, non-zero rate.
        final long satTotal = satFired;
        awaitCount(completed, () -> satBase + satTotal, Duration.ofSeconds(30));
        long satCompleted = completed.get() - satBase;
        double seconds = (System.nanoTime() - start) / 1e9;
        totals.throughputs.add(satCompleted / seconds);
        totals.errors += errors.get();
        if (totals.firstError == null) {
            totals.firstError = firstError.get();
        }
    }

    private static void awaitCount(AtomicLong counter, java.util.function.LongSupplier target, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counter.get() < target.getAsLong() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
