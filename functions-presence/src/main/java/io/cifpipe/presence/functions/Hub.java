package io.cifpipe.presence.functions;

/**
 * Compile-time constants for trigger annotations (annotation values must be constants). They equal the
 * defaults in {@link io.cifpipe.model.Setting} / {@link io.cifpipe.model.Names}; a test keeps them in step.
 */
final class Hub {
    private Hub() {}

    /** = {@code Names.SIGNALR_UPSTREAM_ROUTE}: the SignalR upstream route. */
    static final String UPSTREAM_ROUTE = "signalr/{hub}/{category}/{event}";
    /** = {@code Setting.CONNECTION_SWEEP_SCHEDULE} key, as a binding expression. */
    static final String SWEEP_SCHEDULE = "%ConnectionSweepSchedule%";
    /** = {@code Setting.OUTCOME_REPUBLISH_SCHEDULE} key, as a binding expression. */
    static final String REPUBLISH_SCHEDULE = "%OutcomeRepublishSchedule%";
}
