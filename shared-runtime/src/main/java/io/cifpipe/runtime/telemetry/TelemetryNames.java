package io.cifpipe.runtime.telemetry;

import java.util.List;

/**
 * Every span, instrument and attribute name the apps emit, in one place. {@code docs/telemetry.md} lists the same
 * names (a test compares the two), so dashboards, alert queries and the workbook can rely on them.
 */
public final class TelemetryNames {
    private TelemetryNames() {}

    /** Instrumentation scope of the tracer and the meter. */
    public static final String SCOPE = "io.cifpipe";

    // ---- spans ------------------------------------------------------------------------------------------------
    /** PRODUCER, per accepted call event; parent: the event's {@code traceparent} or the request header. */
    public static final String SPAN_INGRESS_ACCEPT = "cifpipe.ingress.accept";
    /** CONSUMER, per {@code call-events} message; parent: the message's {@code traceparent} property. */
    public static final String SPAN_DISPATCH_PROCESS = "cifpipe.dispatch.process";
    /** CLIENT, the SignalR REST send of {@code notify} to the agent; child of the dispatch span. */
    public static final String SPAN_DISPATCH_NOTIFY = "cifpipe.dispatch.notify";
    /** SERVER, the {@code decide} hub method; parent: the decision's {@code traceparent} (from the popup). */
    public static final String SPAN_PRESENCE_DECIDE = "cifpipe.presence.decide";

    public static final List<String> SPANS =
            List.of(SPAN_INGRESS_ACCEPT, SPAN_DISPATCH_PROCESS, SPAN_DISPATCH_NOTIFY, SPAN_PRESENCE_DECIDE);

    // ---- metrics ----------------------------------------------------------------------------------------------
    /** Counter: call events accepted by ingress (attribute {@link #ATTR_EVENT_TYPE}). */
    public static final String METRIC_INGRESS_EVENTS = "cifpipe.ingress.events";
    /**
     * Histogram (s) per {@link #ATTR_STAGE}: {@code dispatched} and {@code delivered} from ingress acceptance (Service
     * Bus enqueue), {@code decided} from delivery (the agent's answer time).
     */
    public static final String METRIC_STAGE_DURATION = "cifpipe.notification.stage.duration";
    /** Counter: outcomes published (attributes {@link #ATTR_OUTCOME}, {@link #ATTR_REASON}). */
    public static final String METRIC_OUTCOMES = "cifpipe.outcomes";
    /** Counter: re-enqueued offers for an agent that was offline. */
    public static final String METRIC_DISPATCH_RETRIES = "cifpipe.dispatch.retries";
    /** Counter: failed call-events deliveries (attribute {@link #ATTR_POISON}); each is retried by Service Bus. */
    public static final String METRIC_DISPATCH_FAILURES = "cifpipe.dispatch.failures";
    /** Counter: failures on the last allowed delivery, i.e. messages Service Bus moves to the dead-letter queue. */
    public static final String METRIC_DLQ_MOVES = "cifpipe.dlq.moves";
    /** Counter: SignalR connections opened/closed as seen by presence (attribute {@link #ATTR_CONNECTION_EVENT}). */
    public static final String METRIC_CONNECTION_EVENTS = "cifpipe.presence.connection.events";
    /** UpDownCounter: connected minus disconnected, per presence instance (sum over instances = connections). */
    public static final String METRIC_CONNECTIONS = "cifpipe.presence.connections";
    /** Gauge: agents per availability value in the Agents table (attribute {@link #ATTR_AVAILABILITY}). */
    public static final String METRIC_AGENTS = "cifpipe.agents";

    public static final List<String> METRICS = List.of(
            METRIC_INGRESS_EVENTS,
            METRIC_STAGE_DURATION,
            METRIC_OUTCOMES,
            METRIC_DISPATCH_RETRIES,
            METRIC_DISPATCH_FAILURES,
            METRIC_DLQ_MOVES,
            METRIC_CONNECTION_EVENTS,
            METRIC_CONNECTIONS,
            METRIC_AGENTS);

    // ---- attributes -------------------------------------------------------------------------------------------
    public static final String ATTR_EVENT_TYPE = "cifpipe.event.type";
    public static final String ATTR_CALL_ID = "cifpipe.call.id";
    public static final String ATTR_NOTIFICATION_ID = "cifpipe.notification.id";
    public static final String ATTR_ATTEMPT = "cifpipe.attempt";
    public static final String ATTR_STAGE = "cifpipe.stage";
    public static final String ATTR_OUTCOME = "cifpipe.outcome";
    public static final String ATTR_REASON = "cifpipe.reason";
    public static final String ATTR_DECISION = "cifpipe.decision";
    public static final String ATTR_STATUS = "cifpipe.status";
    /** On the decide span: delivered → decided in ms (the workbook's answer-time percentiles). */
    public static final String ATTR_ANSWER_MS = "cifpipe.answer.ms";

    public static final String ATTR_POISON = "cifpipe.poison";
    public static final String ATTR_CONNECTION_EVENT = "cifpipe.connection.event";
    public static final String ATTR_AVAILABILITY = "cifpipe.availability";

    public static final List<String> ATTRIBUTES = List.of(
            ATTR_EVENT_TYPE,
            ATTR_CALL_ID,
            ATTR_NOTIFICATION_ID,
            ATTR_ATTEMPT,
            ATTR_STAGE,
            ATTR_OUTCOME,
            ATTR_REASON,
            ATTR_DECISION,
            ATTR_STATUS,
            ATTR_ANSWER_MS,
            ATTR_POISON,
            ATTR_CONNECTION_EVENT,
            ATTR_AVAILABILITY);

    /** Values of {@link #ATTR_STAGE}. */
    public static final String STAGE_DISPATCHED = "dispatched";

    public static final String STAGE_DELIVERED = "delivered";
    public static final String STAGE_DECIDED = "decided";
}
