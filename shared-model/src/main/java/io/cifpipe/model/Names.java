package io.cifpipe.model;

/** Wire names shared by the Functions apps, the client script and the local stack; change them only here. */
public final class Names {
    private Names() {}

    /** Server → client: a call is ringing for this agent. */
    public static final String TARGET_NOTIFY = "notify";
    /** Server → client: close the popup (call answered elsewhere, ended, expired). */
    public static final String TARGET_WITHDRAW = "withdraw";
    /** Server → client: another tab/device of this agent decided; close the popup. */
    public static final String TARGET_DECIDED = "decided";
    /** Server → client: the agent's availability or active calls changed ({@code AgentStatus}); to every connection. */
    public static final String TARGET_AVAILABILITY = "availability";
    /** Client → server hub method carrying {notificationId, decision, reason}. */
    public static final String METHOD_DECIDE = "decide";
    /** Client → server hub method carrying {availability} ({@code AvailabilityRequest}). */
    public static final String METHOD_SET_AVAILABILITY = "setAvailability";
    /** Client → server hub method, no argument: the agent's status and missed calls (after each (re)connect). */
    public static final String METHOD_GET_AGENT_STATE = "getAgentState";
    /** Client → server hub method, no argument: {missedCalls: [...]}, newest first. */
    public static final String METHOD_GET_MISSED_CALLS = "getMissedCalls";

    /** Application properties on call-events / call-outcomes messages. */
    public static final String PROP_TYPE = "type";

    public static final String PROP_CALL_ID = "callId";
    public static final String PROP_AGENT_ID = "agentId";
    public static final String PROP_NOTIFICATION_ID = "notificationId";
    public static final String PROP_TRACEPARENT = "traceparent";
    public static final String PROP_OUTCOME = "outcome";
    /** Dispatch's own re-enqueue attempts for an offline agent. */
    public static final String PROP_ATTEMPT = "attempt";
    /** Set by the ops replay: original message id and replay count. */
    public static final String PROP_ORIGINAL_MESSAGE_ID = "originalMessageId";

    public static final String PROP_REPLAY_COUNT = "replayCount";

    /** Function key header and query parameter, as Azure Functions names them. */
    public static final String FUNCTION_KEY_HEADER = "x-functions-key";

    public static final String FUNCTION_KEY_QUERY = "code";
    /**
     * Presence's HTTP route for SignalR upstream (under the Functions route prefix {@code /api}); SignalR's upstream
     * URL template is {@code https://<presence host>/api/} + this, with the service's own placeholders.
     */
    public static final String SIGNALR_UPSTREAM_ROUTE = "signalr/{hub}/{category}/{event}";
}
