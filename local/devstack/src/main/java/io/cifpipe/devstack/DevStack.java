package io.cifpipe.devstack;

import io.cifpipe.devstack.parts.Readiness;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./dev up}: the whole local stack with one command.
 * <ul>
 *   <li>{@code devstack} — start in the foreground, print the table, Ctrl-C stops everything.</li>
 *   <li>{@code devstack --wait} — start in the background, wait until every part answers, print the table, exit 0.</li>
 *   <li>{@code devstack down} — stop a background (or foreground) stack started from this repository.</li>
 *   <li>{@code devstack status} — is a stack running, and does every part answer?</li>
 * </ul>
 */
@Command(
        name = "devstack",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Starts, supervises and stops the local stack: Azurite, Entra (mock-oauth2-server), "
                + "Service Bus and SignalR emulators, the Functions host with the three apps, and the pages on :8080.",
        subcommands = {DevStack.Down.class, DevStack.Status.class, TokenCommand.class})
public final class DevStack implements Callable<Integer> {

    @Option(
            names = "--wait",
            description = "Start in the background, wait until every part answers, print the table, exit 0.")
    boolean waitMode;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Keep state across restarts (Service Bus journal, Azurite files, keys) in DIR.")
    Path data;

    @Option(
            names = "--root",
            paramLabel = "DIR",
            description = "Repository root (default: found from the working directory).")
    Path root;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "180",
            description = "--wait: give up after this long (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Where logs, pid and status files go (default: <root>/.devstack).")
    Path stateDirOption;

    @Option(
            names = "--ephemeral-ports",
            description = "Let the OS pick free ports instead of the fixed ones (tests, a second stack).")
    boolean ephemeralPorts;

    @Option(names = "--stop", description = "Same as 'down': stop the running stack.")
    boolean stop;

    /** Internal: the background process started by --wait. */
    @Option(names = "--background-child", hidden = true)
    boolean backgroundChild;

    private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    public static void main(String[] args) {
        // Our own name: other modules on the classpath ship a logback.xml of their own.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "devstack-logback.xml");
        }
        CommandLine cli = new CommandLine(new DevStack());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof StackException se) {
                printProblem(cmd.getErr(), se);
                return 2;
            }
            cmd.getErr()
                    .println("devstack: unexpected error: " + e
                            + "\n  See .devstack/devstack.log; please report it with that log.");
            return 1;
        });
        System.exit(cli.execute(args));
    }

    static void printProblem(java.io.PrintWriter err, StackException e) {
        err.println("\u2717 " + e.getMessage());
        err.println("  fix: " + e.fix());
        err.flush();
    }

    @Override
    public Integer call() throws Exception {
        Path repo = repoRoot(root);
        Path stateDir = stateDir(repo, stateDirOption);
        if (stop) {
            return new Background(repo, stateDir, out).stop();
        }
        Optional<Path> dataDir =
                Optional.ofNullable(data).map(d -> d.toAbsolutePath().normalize());
        if (waitMode) {
            return new Background(repo, stateDir, out)
                    .startAndWait(data, ephemeralPorts, Duration.ofSeconds(timeoutSeconds));
        }
        Keys keys = dataDir.map(Keys::loadOrCreate).orElseGet(Keys::generate);
        StackConfig config =
                new StackConfig(repo, stateDir, dataDir, ephemeralPorts ? Ports.ephemeral() : Ports.defaults(), keys);
        return runForeground(config);
    }

    private int runForeground(StackConfig config) throws InterruptedException {
        StatusFile status = new StatusFile(config.stateDir());
        boolean ansi = !backgroundChild && System.console() != null;
        if (!backgroundChild) {
            out.println("Starting the local stack (" + config.root() + ")");
        }
        PidFile pid = new PidFile(config.stateDir());
        pid.claim();
        status.write(StatusFile.State.STARTING, null, null, null);
        LocalStack stack;
        try {
            stack = LocalStack.start(config, Progress.console(out, ansi));
        } catch (StackException e) {
            status.write(StatusFile.State.FAILED, e.getMessage(), e.fix(), null);
            pid.release();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("Stopping the local stack…");
                            stack.close();
                            ConnectionFile.delete(config.stateDir());
                            status.write(StatusFile.State.STOPPED, null, null, null);
                            pid.release();
                            stopped.countDown();
                        },
                        "devstack-shutdown"));
        if (!Readiness.await(Duration.ofSeconds(60), stack::ready)) {
            String notReady = stack.health().encode();
            status.write(
                    StatusFile.State.FAILED, "Not every part answers: " + notReady, "See .devstack/devstack.log", null);
            throw new StackException("Started, but not every part answers: " + notReady, "See .devstack/devstack.log.");
        }
        ConnectionFile.write(config.stateDir(), stack.serviceBusConnectionString());
        String table = stack.summary();
        status.write(StatusFile.State.READY, null, null, table, config.webOrigin(), stack.document());
        out.print(table);
        out.println(backgroundChild ? "Ready. Stop with ./dev down" : "Ready. Press Ctrl-C to stop everything.");
        stopped.await();
        return 0;
    }

    static Path stateDir(Path repo, Path given) {
        return given != null ? given.toAbsolutePath().normalize() : repo.resolve(".devstack");
    }

    static Path repoRoot(Path given) {
        if (given != null) {
            return StackConfig.findRoot(given);
        }
        try {
            return StackConfig.findRoot(Path.of("").toAbsolutePath());
        } catch (StackException e) {
            // Launched from elsewhere: the jar lives in <root>/local/devstack/target.
            try {
                Path jar = Path.of(DevStack.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI());
                return StackConfig.findRoot(jar);
            } catch (Exception ignored) {
                throw e;
            }
        }
    }

    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description = "Stop the running local stack (children included).")
    static final class Down implements Callable<Integer> {
        @Option(names = "--root", paramLabel = "DIR")
        Path root;

        @Option(names = "--state-dir", paramLabel = "DIR")
        Path stateDirOption;

        @Override
        public Integer call() {
            Path repo = repoRoot(root);
            return new Background(
                            repo,
                            stateDir(repo, stateDirOption),
                            new PrintStream(System.out, true, StandardCharsets.UTF_8))
                    .stop();
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Is a local stack running and ready?",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:running and READY (every part answered); the table is printed",
                "1:running but not ready (STARTING, or FAILED: message and fix printed)",
                "3:no stack running%n"
            })
    static final class Status implements Callable<Integer> {
        @Option(names = "--root", paramLabel = "DIR")
        Path root;

        @Option(names = "--state-dir", paramLabel = "DIR")
        Path stateDirOption;

        @Override
        public Integer call() {
            Path repo = repoRoot(root);
            return new Background(
                            repo,
                            stateDir(repo, stateDirOption),
                            new PrintStream(System.out, true, StandardCharsets.UTF_8))
                    .status();
        }
    }
}
