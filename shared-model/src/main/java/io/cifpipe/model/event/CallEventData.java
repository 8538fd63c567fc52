package io.cifpipe.model.event;

/** The typed {@code data} of a call event; the record class determines the {@link CallEventType}. */
public sealed interface CallEventData permits CallOffered, CallAnswered, CallEnded {
    String callId();

    /** The agent the event is about; may be null for answered/ended (then it concerns every agent offered the call). */
    String agentId();

    CallEventType type();
}
