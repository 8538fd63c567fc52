package io.cifpipe.devstack.parts;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Stops a child and everything it started (npm launchers fork), politely first, then forcibly. */
public final class ProcessTree {
    private ProcessTree() {}

    public static void destroy(Process process, Duration grace) {
        if (process == null) {
            return;
        }
        destroy(process.toHandle(), grace);
    }

    public static void destroy(ProcessHandle root, Duration grace) {
        if (root == null || !root.isAlive()) {
            return;
        }
        List<ProcessHandle> tree =
                Stream.concat(root.descendants(), Stream.of(root)).toList();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
