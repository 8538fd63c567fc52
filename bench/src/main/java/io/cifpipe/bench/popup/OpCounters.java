package io.cifpipe.bench.popup;

import io.cifpipe.reliability.Stack;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the bench reads the pipeline's operation counts: the stack's own counters (a counting proxy in front of
 * Azurite and the SignalR REST API, Service Bus operations counted by the emulator). Empty while the stack has none,
 * and then every per-notification count in results.json is null: never an estimate.
 */
final class OpCounters {
  private OpCounters() {
  }

  static Supplier<Optional<OpCounts>> of(Stack stack) {
    return Optional::empty; // wired to issue 19a's counters when they land (reliability .../proxy)
  }
}
