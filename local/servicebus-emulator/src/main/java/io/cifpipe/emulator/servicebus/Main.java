package io.cifpipe.emulator.servicebus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Standalone entry point: {@code java -jar servicebus-emulator.jar --port 5672 --queue call-events}. */
@Command(
        name = "servicebus-emulator",
        mixinStandardHelpOptions = true,
        description = "Local Azure Service Bus stand-in (AMQP 1.0) for the azure-messaging-servicebus SDK. "
                + "Prints the connection string on one stdout line once listening.")
public final class Main implements Callable<Integer> {

    @Option(names = "--host", description = "Interface to bind (default ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(
            names = "--port",
            description = "AMQP port, 0 = any free port (default ${DEFAULT-VALUE}).",
            defaultValue = "5672")
    int port;

    @Option(names = "--admin-port", description = "Admin HTTP port (GET /queues); omit for none, 0 = any free port.")
    Integer adminPort;

    @Option(
            names = "--queue",
            paramLabel = "SPEC",
            description =
                    "Queue: name[,lockDuration=PT30S,maxDeliveryCount=10,defaultTtl=PT1H,deadLetterOnExpiration=true,"
                            + "duplicateDetectionWindow=PT10M,maxSizeBytes=N,maxMessageSizeBytes=N]. Repeatable.")
    List<String> queues = new ArrayList<>();

    @Option(
            names = "--topic",
            paramLabel = "SPEC",
            description = "Topic: name[,defaultTtl=PT1H,duplicateDetectionWindow=PT10M,maxSizeBytes=N,"
                    + "maxMessageSizeBytes=N]. Repeatable.")
    List<String> topics = new ArrayList<>();

    @Option(
            names = "--subscription",
            paramLabel = "SPEC",
            description = "Subscription: TOPIC/NAME[,lockDuration=PT30S,maxDeliveryCount=10,defaultTtl=PT1H,"
                    + "deadLetterOnExpiration=true][,filter=<SQL>][,correlation=<prop>:<value>]... Without a filter it takes "
                    + "every message. Repeatable.")
    List<String> subscriptions = new ArrayList<>();

    @Option(
            names = "--key",
            paramLabel = "NAME=VALUE[:RIGHTS]",
            description = "Shared access key, rights Manage|Send|Listen (default Manage). Repeatable. "
                    + "Default: RootManageSharedAccessKey=SAS_KEY_VALUE.")
    List<String> keys = new ArrayList<>();

    @Option(names = "--journal", paramLabel = "DIR", description = "Journal directory (messages survive restarts).")
    Path journal;

    @Option(
            names = "--anonymous-access",
            description = "Benchmarks only: accept links without a CBS token (plain AMQP clients).")
    boolean anonymousAccess;

    @Override
    public Integer call() throws Exception {
        ServiceBusEmulator.Builder builder =
                ServiceBusEmulator.builder().host(host).port(port);
        if (adminPort != null) {
            builder.adminPort(adminPort);
        }
        try {
            for (String spec : queues) {
                builder.queue(QueueOptions.parse(spec));
            }
            for (String spec : topics) {
                builder.topic(TopicOptions.parse(spec));
            }
            for (String spec : subscriptions) {
                builder.subscription(SubscriptionOptions.parse(spec));
            }
            for (String spec : keys) {
                builder.sharedAccessKey(SharedAccessKey.parse(spec));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("servicebus-emulator: " + e.getMessage());
            return 2;
        }
        if (queues.isEmpty() && topics.isEmpty()) {
            System.err.println(
                    "servicebus-emulator: warning: no --queue or --topic given; every entity will be 'not found'");
        }
        if (journal != null) {
            builder.journal(journal);
        }
        if (anonymousAccess) {
            System.err.println("servicebus-emulator: warning: --anonymous-access: no authorisation (benchmarks only)");
            builder.anonymousAccess(true);
        }
        ServiceBusEmulator emulator;
        try {
            emulator = builder.build().start();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                // e.g. a subscription of a topic that is not configured
                System.err.println("servicebus-emulator: " + bad.getMessage());
                return 2;
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            emulator.close();
                            stopped.countDown();
                        },
                        "servicebus-emulator-shutdown"));
        System.out.println(emulator.connectionString());
        if (emulator.adminUrl() != null) {
            System.err.println("admin: " + emulator.adminUrl() + "/queues");
        }
        System.out.flush();
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "servicebus-emulator-logback.xml");
        }
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
