package io.cifpipe.bench.popup;

/**
 * Operations the pipeline made against the backing services, counted (never estimated) by the stack's counters:
 * Table Storage operations, SignalR REST requests and Service Bus operations. A snapshot is cumulative; {@link #minus}
 * gives a phase's share.
 */
record OpCounts(long table, long signalr, long serviceBus) {
  OpCounts minus(OpCounts earlier) {
    return new OpCounts(table - earlier.table, signalr - earlier.signalr, serviceBus - earlier.serviceBus);
  }
}
