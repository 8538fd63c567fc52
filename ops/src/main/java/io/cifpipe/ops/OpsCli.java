package io.cifpipe.ops;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import io.cifpipe.model.Setting;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cifpipe-ops}: dead-letter inspection and safe replay. Exit codes are listed in {@link Exit}. */
@Command(
        name = "cifpipe-ops",
        mixinStandardHelpOptions = true,
        version = "cifpipe-ops 0.1",
        description = "Inspect, replay and purge dead-lettered call events.",
        subcommands = {OpsCli.Dlq.class, OpsCli.Queues.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:some messages failed (see summary)",
            "2:invalid usage",
            "3:authentication or authorisation failed",
            "4:queue or message not found",
            "5:namespace unreachable or busy",
            "6:declined at the confirmation prompt%n"
        })
public final class OpsCli {

    /** Exit codes scripts can rely on. */
    static final class Exit {
        static final int OK = 0, PARTIAL = 1, USAGE = 2, AUTH = 3, NOT_FOUND = 4, UNREACHABLE = 5, DECLINED = 6;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new OpsCli());
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + Errors.describe(ex));
            return Errors.exitCode(ex);
        });
        return cli.execute(args);
    }

    /** Where to connect: a connection string (default: the ServiceBusConnection setting) or a namespace with Entra. */
    static final class Target {
        @Option(
                names = "--connection-string",
                description = "Service Bus connection string (default: the ServiceBusConnection environment variable)")
        String connectionString;

        @Option(
                names = "--namespace",
                description =
                        "Fully qualified namespace, e.g. contoso.servicebus.windows.net; uses DefaultAzureCredential")
        String namespace;

        @Option(
                names = "--queue",
                defaultValue = "call-events",
                description = "Queue whose dead-letter queue to work on (default: ${DEFAULT-VALUE}); "
                        + "a subscription's as TOPIC/subscriptions/NAME")
        String queue;

        @Option(
                names = "--subscription",
                paramLabel = "TOPIC/NAME",
                description = "Topic subscription whose dead-letter queue to work on, "
                        + "e.g. call-outcomes/telephony (instead of --queue)")
        String subscription;

        DeadLetterOperations open() {
            ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
            if (namespace != null) {
                builder.fullyQualifiedNamespace(namespace).credential(new DefaultAzureCredentialBuilder().build());
            } else {
                String cs = connectionString != null
                        ? connectionString
                        : System.getenv(Setting.SERVICE_BUS_CONNECTION.key());
                if (cs == null || cs.isBlank()) {
                    throw new CommandLine.ParameterException(
                            new CommandLine(this),
                            "no Service Bus given: pass --connection-string, --namespace, or set "
                                    + Setting.SERVICE_BUS_CONNECTION.key());
                }
                builder.connectionString(cs);
            }
            return new DeadLetterOperations(builder, entityPath());
        }

        /** The queue, or the subscription as {@code <topic>/subscriptions/<name>}. */
        String entityPath() {
            if (subscription == null) return queue;
            String[] parts = subscription.split("/");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--subscription must be TOPIC/NAME, e.g. call-outcomes/telephony; got '" + subscription + "'");
            }
            return parts[0] + "/subscriptions/" + parts[1];
        }
    }

    /** Filters shared by list, replay and purge. */
    static final class Filters {
        @Option(
                names = "--reason",
                description =
                        "Dead-letter reason, e.g. MaxDeliveryCountExceeded, TTLExpiredException, InvalidCallEvent")
        String reason;

        @Option(names = "--call-id")
        String callId;

        @Option(names = "--agent")
        String agent;

        @Option(names = "--older-than", description = "ISO-8601 duration or e.g. 10m, 2h, 1d")
        String olderThan;

        @Option(names = "--newer-than", description = "ISO-8601 duration or e.g. 10m, 2h, 1d")
        String newerThan;

        @Option(names = "--limit", defaultValue = "1000")
        int limit;

        DeadLetterFilter toFilter() {
            return new DeadLetterFilter(
                    reason, callId, agent, Durations.parse(olderThan), Durations.parse(newerThan), limit);
        }
    }

    @Command(
            name = "dlq",
            mixinStandardHelpOptions = true,
            description = "Dead-letter queue commands.",
            subcommands = {DlqList.class, DlqShow.class, DlqReplay.class, DlqPurge.class})
    static final class Dlq {}

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List dead-lettered messages (peek only; changes nothing).")
    static final class DlqList implements Callable<Integer> {
        @Mixin
        Target target;

        @Mixin
        Filters filters;

        @Option(names = "--output", defaultValue = "table", description = "table or json")
        String output;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (DeadLetterOperations ops = target.open()) {
                List<DeadLetterEntry> entries = ops.list(filters.toFilter());
                PrintWriter out = spec.commandLine().getOut();
                if ("json".equalsIgnoreCase(output)) out.println(Render.json(entries));
                else out.print(Render.table(entries, java.time.Instant.now()));
                return Exit.OK;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead-lettered message in full.")
    static final class DlqShow implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "SEQUENCE_NUMBER")
        long sequenceNumber;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (DeadLetterOperations ops = target.open()) {
                var entry = ops.show(sequenceNumber);
                if (entry.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println("error: no dead-lettered message with sequence number " + sequenceNumber + " in "
                                    + ops.queue() + "/$deadletterqueue");
                    return Exit.NOT_FOUND;
                }
                spec.commandLine().getOut().println(Render.detail(entry.get()));
                return Exit.OK;
            }
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = "Re-send selected messages to their queue with a fresh MessageId; each is removed from the "
                    + "dead-letter queue only after its copy was sent. Interactive use shows a dry run and asks first.")
    static final class DlqReplay implements Callable<Integer> {
        @Mixin
        Target target;

        @Mixin
        Filters filters;

        @Option(names = "--dry-run", description = "Only show what would be replayed.")
        boolean dryRun;

        @Option(
                names = {"--yes", "-y"},
                description = "Do not ask for confirmation.")
        boolean yes;

        @Option(
                names = "--refresh-ttl",
                description = "Give replayed messages a fresh time-to-live (ring window), e.g. 30s")
        String refreshTtl;

        @Option(
                names = "--max-replays",
                defaultValue = "3",
                description = "Refuse messages already replayed this often (default: ${DEFAULT-VALUE})")
        int maxReplays;

        @Option(
                names = "--force",
                description = "Also replay messages that would fail validation again (each is listed with a warning).")
        boolean force;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (DeadLetterOperations.isSubscription(target.entityPath())) {
                spec.commandLine()
                        .getErr()
                        .println("error: dead letters of a subscription cannot be replayed (Service Bus "
                                + "cannot send to one subscription; re-sending to the topic would reach every subscription). "
                                + "Use 'dlq list', 'dlq show' or 'dlq purge'.");
                return Exit.USAGE;
            }
            return Confirmed.run(
                    spec,
                    target,
                    dryRun,
                    yes,
                    "replay",
                    (ops, preview, progress) -> ops.replay(
                            filters.toFilter(),
                            new ReplayOptions(preview, Durations.parse(refreshTtl), maxReplays, force),
                            progress));
        }
    }

    @Command(
            name = "purge",
            mixinStandardHelpOptions = true,
            description = "Delete selected dead-lettered messages for good (asks first unless --yes).")
    static final class DlqPurge implements Callable<Integer> {
        @Mixin
        Target target;

        @Mixin
        Filters filters;

        @Option(names = "--dry-run")
        boolean dryRun;

        @Option(names = {"--yes", "-y"})
        boolean yes;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return Confirmed.run(
                    spec,
                    target,
                    dryRun,
                    yes,
                    "purge",
                    (ops, preview, progress) -> ops.purge(filters.toFilter(), preview, progress));
        }
    }

    @Command(
            name = "queues",
            mixinStandardHelpOptions = true,
            description = "Depths of active, scheduled, deferred and dead-lettered messages per queue "
                    + "and per subscription of the call-outcomes topic.")
    static final class Queues implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(
                names = "--queues",
                split = ",",
                description = "Queues and subscriptions (TOPIC/subscriptions/NAME) (default: ${DEFAULT-VALUE})",
                defaultValue =
                        "call-events,call-outcomes/subscriptions/telephony,call-outcomes/subscriptions/operations")
        List<String> queues;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<QueueDepth> depths = new java.util.ArrayList<>();
            for (String q : queues) {
                target.queue = q;
                target.subscription = null;
                try (DeadLetterOperations ops = target.open()) {
                    depths.add(ops.depth());
                }
            }
            spec.commandLine().getOut().print(Render.depths(depths));
            return Exit.OK;
        }
    }
}
