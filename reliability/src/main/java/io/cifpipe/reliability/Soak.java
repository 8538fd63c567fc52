package io.cifpipe.reliability;

import io.cifpipe.harness.Stack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Soak: the fault loop for N minutes on one full stack (ephemeral ports), cycling steady load, duplicate
 * deliveries, out-of-order call.ended, Service Bus restart, dispatch kill -9 and Azurite restart; prints one line
 * per run and the summary table; exit code 1 if any run lost or duplicated an outcome.
 *
 * <pre>java -cp ... io.cifpipe.reliability.Soak --minutes 30</pre>
 */
public final class Soak {
    private Soak() {}

    public static void main(String[] args) throws Exception {
        int minutes = 10;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--minutes") && i + 1 < args.length) minutes = Integer.parseInt(args[++i]);
            else if (args[i].equals("--help")) {
                System.out.println("usage: Soak [--minutes N]   (default 10)");
                return;
            } else {
                System.err.println("unknown argument " + args[i] + "; usage: Soak [--minutes N]");
                System.exit(2);
            }
        }
        Instant end = Instant.now().plus(Duration.ofMinutes(minutes));
        List<Faults.Run> failed = new ArrayList<>();
        System.out.println(
                "soak: starting the stack (Azurite, Service Bus + SignalR emulators, Entra, 3 Functions apps)...");
        try (Stack stack = Stack.start(Stack.Options.all())) {
            Faults faults = new Faults(stack);
            int round = 0;
            while (Instant.now().isBefore(end)) {
                Faults.Run run =
                        switch (round++ % 6) {
                            case 0 -> faults.steady(Duration.ofSeconds(20));
                            case 1 -> faults.duplicateDeliveries(10);
                            case 2 -> faults.outOfOrderEnded(10);
                            case 3 -> faults.serviceBusRestart(Duration.ofSeconds(3));
                            case 4 -> faults.dispatchKill(Duration.ofSeconds(2));
                            default -> faults.azuriteRestart(Duration.ofSeconds(3));
                        };
                String category = "soak: " + run.name();
                Results.add(
                        category,
                        run.report().checked(),
                        run.report().passed(),
                        run.report().lost().size());
                if (!run.holds()) failed.add(run);
                System.out.printf(
                        "%s round %d %-45s %s | load %s %s%n",
                        Instant.now(), round, run.name(), run.report().summary(), run.load(), run.note());
            }
        }
        System.out.println("\n" + Results.markdown());
        if (!failed.isEmpty()) {
            System.out.println("FAILED runs: " + failed.size());
            System.exit(1);
        }
        System.exit(0);
    }
}
