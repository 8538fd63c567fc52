package io.cifpipe.harness.examples;

import io.cifpipe.harness.Stack;
import java.time.Duration;

/** The harness README's example, compiled here (ReadmeSnippetsTest compares the README with this region). */
final class StackExample {
    private StackExample() {}

    static void faults() throws Exception {
        // snippet:start HarnessStack
        try (Stack stack = Stack.start(Stack.Options.all().withUpstreamProxy())) {
            stack.killHost("dispatch"); // kill -9 of the dispatch child JVM
            stack.restartHost("dispatch");
            stack.stopAzurite(); // SIGTERM; then the same port and on-disk data
            stack.startAzurite();
            stack.reconfigureCallEvents(Duration.ofSeconds(5), 3);
        }
        // snippet:end
    }
}
