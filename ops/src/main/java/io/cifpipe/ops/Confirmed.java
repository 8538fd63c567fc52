package io.cifpipe.ops;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;

/**
 * The dry-run → confirm → act → summary flow shared by replay and purge. In a terminal, the dry run is
 * shown first and the operator confirms; scripts pass {@code --yes} (purge refuses to run unattended
 * without it, replay does not because it never loses a message).
 */
final class Confirmed {
    private Confirmed() {}

    interface Action {
        ReplaySummary run(DeadLetterOperations ops, boolean dryRun, Consumer<ReplaySummary.Item> progress);
    }

    static int run(
            CommandLine.Model.CommandSpec spec,
            OpsCli.Target target,
            boolean dryRun,
            boolean yes,
            String verb,
            Action action) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean interactive = System.console() != null;
        try (DeadLetterOperations ops = target.open()) {
            long expected = -1; // unknown until a dry run counted the selection
            if (dryRun || (!yes && interactive)) {
                ReplaySummary preview = action.run(ops, true, item -> {});
                expected = preview.replayed().size() + preview.skipped().size();
                out.print(Render.summary(verb + " (dry run)", preview));
                if (dryRun) return OpsCli.Exit.OK;
                if (preview.replayed().isEmpty()) return OpsCli.Exit.OK;
                out.printf(
                        "%s %d message(s) from %s/$deadletterqueue? [y/N] ",
                        capitalise(verb), preview.replayed().size(), ops.queue());
                out.flush();
                if (!readYes()) {
                    err.println("nothing done.");
                    return OpsCli.Exit.DECLINED;
                }
            } else if (!yes && "purge".equals(verb)) {
                err.println(
                        "error: purge deletes messages for good; pass --yes to confirm when not running in a terminal");
                return OpsCli.Exit.USAGE;
            }
            ReplaySummary result;
            try (ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName(verb)
                    .setInitialMax(expected)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .continuousUpdate()
                    .build()) {
                result = action.run(ops, false, item -> bar.step());
            }
            out.print(Render.summary(verb, result));
            return result.hasFailures() ? OpsCli.Exit.PARTIAL : OpsCli.Exit.OK;
        }
    }

    private static boolean readYes() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line != null
                    && (line.trim().equalsIgnoreCase("y") || line.trim().equalsIgnoreCase("yes"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
