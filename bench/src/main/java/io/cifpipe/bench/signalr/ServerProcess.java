package io.cifpipe.bench.signalr;

import io.cifpipe.emulator.signalr.SignalREmulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-process entry point: runs the server under test alone in its own JVM, so its heap can be measured
 * without the load generator's objects and so it can be killed and restarted (reconnect storm).
 *
 * <p>Usage: {@code ServerProcess signalr|signalr-upstream|bare <port>}. Prints {@code READY <port>} on stdout, then answers
 * stdin commands: {@code heap} → {@code HEAP <used bytes after GC> <RSS bytes>}; {@code quit}.
 */
public final class ServerProcess {
    private ServerProcess() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        AutoCloseable server;
        int actual;
        if (mode.equals("signalr")) {
            SignalREmulator emulator = SignalREmulator.builder()
                    .host("127.0.0.1")
                    .port(port)
                    .build()
                    .start();
            server = emulator;
            actual = emulator.port();
        } else if (mode.equals("signalr-upstream")) {
            // The stack's SignalR service in its own JVM (scale scenario): the stack's AccessKey and upstream URL
            // template
            // come through the environment, so no secret shows in the command line.
            SignalREmulator emulator = SignalREmulator.builder()
                    .host("127.0.0.1")
                    .port(port)
                    .accessKey(System.getenv("BENCH_SIGNALR_ACCESS_KEY"))
                    .upstreamTemplate(System.getenv("BENCH_SIGNALR_UPSTREAM"))
                    .build()
                    .start();
            server = emulator;
            actual = emulator.port();
        } else if (mode.equals("bare")) {
            BareWebSocketServer bare = BareWebSocketServer.start(port);
            server = bare;
            actual = bare.port();
        } else {
            throw new IllegalArgumentException("mode must be signalr or bare: " + mode);
        }
        System.out.println("READY " + actual);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "heap" -> System.out.println("HEAP " + heapAfterGc() + " " + rss());
                case "quit" -> {
                    server.close();
                    System.out.println("BYE");
                    System.out.flush();
                    System.exit(0);
                }
                default -> System.out.println("ERR unknown command");
            }
            System.out.flush();
        }
        server.close(); // parent went away
        System.exit(0);
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size from /proc (Linux); -1 elsewhere. */
    static long rss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return -1;
    }
}
