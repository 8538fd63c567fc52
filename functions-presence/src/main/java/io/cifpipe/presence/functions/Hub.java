package io.cifpipe.presence.functions;

/**
 * Compile-time constants for trigger annotations (annotation values must be constants). They equal the
 * defaults in {@link io.cifpipe.model.Setting} / {@link io.cifpipe.model.Names}; a test keeps them in step.
 */
final class Hub {
    private Hub() {}

    /** = {@code Setting.HUB_NAME} default. */
    static final String NAME = "cifhub";
    /** = {@code Names.METHOD_DECIDE}. */
    static final String METHOD_DECIDE = "decide";
    /** = {@code Setting.CONNECTION_SWEEP_SCHEDULE} key, as a binding expression. */
    static final String SWEEP_SCHEDULE = "%ConnectionSweepSchedule%";
    /** = {@code Setting.OUTCOME_REPUBLISH_SCHEDULE} key, as a binding expression. */
    static final String REPUBLISH_SCHEDULE = "%OutcomeRepublishSchedule%";
}
