package io.cifpipe.model;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The one list of app settings (environment variables) the system reads. Code, the
 * {@code local.settings.json} samples, the local stack and the Bicep templates all use these names;
 * a test cross-checks infra against this list.
 *
 * <p>Names with {@code __} are the Functions convention for nested keys (the seed's {@code AzureAd:ClientId}
 * becomes {@code AzureAd__ClientId}, which is also a valid Linux environment variable name).
 */
public enum Setting {
    SERVICE_BUS_CONNECTION("ServiceBusConnection", null, true, App.INGRESS, App.DISPATCH, App.PRESENCE),
    TABLES_CONNECTION("TablesConnection", null, true, App.INGRESS, App.DISPATCH, App.PRESENCE),
    SIGNALR_CONNECTION("AzureSignalRConnectionString", null, true, App.DISPATCH, App.PRESENCE),
    HUB_NAME("HubName", "cifhub", false, App.DISPATCH, App.PRESENCE),
    CONNECTIONS_TABLE("StorageUserTable", "Connections", false, App.DISPATCH, App.PRESENCE),
    NOTIFICATIONS_TABLE("NotificationsTable", "Notifications", false, App.INGRESS, App.DISPATCH, App.PRESENCE),
    /** Per-agent state read once per offer (see {@code AgentState}); presence maintains it. */
    AGENTS_TABLE("AgentsTable", "Agents", false, App.DISPATCH, App.PRESENCE),
    CALL_EVENTS_QUEUE("CallEventsQueue", "call-events", false, App.INGRESS, App.DISPATCH, App.PRESENCE),
    /**
     * The topic outcomes are published to (was the queue setting {@code CallOutcomesQueue}). Consumers read their own
     * subscription ({@link OutcomeSubscriptions}); the apps only send.
     */
    CALL_OUTCOMES_TOPIC("CallOutcomesTopic", "call-outcomes", false, App.DISPATCH, App.PRESENCE),
    /** Issuer base, e.g. {@code https://login.microsoftonline.com/<tenant>/v2.0}; OIDC discovery is read from it. */
    AUTHORITY("Authority", null, false, App.INGRESS, App.PRESENCE),
    TENANT_ID("AzureAd__TenantId", null, false, App.INGRESS, App.PRESENCE),
    /** The API app registration's client id; tokens must name it (or its app id URI) as audience. */
    CLIENT_ID("AzureAd__ClientId", null, false, App.INGRESS, App.PRESENCE),
    /** Extra accepted audience, typically {@code api://<client id>}. */
    AUDIENCE("AzureAd__Audience", null, false, App.INGRESS, App.PRESENCE),
    /** Delegated scope an agent token must carry (seed: ApiScope). */
    API_SCOPE("ApiScope", "user_impersonation", false, App.PRESENCE),
    /** App role a telephony caller's app token must carry when app tokens are required. */
    CALLS_SEND_ROLE("CallsSendRole", "Calls.Send", false, App.INGRESS),
    /** true: ingress requires an Entra app token with {@link #CALLS_SEND_ROLE} in addition to the function key. */
    INGRESS_REQUIRE_APP_TOKEN("IngressRequireAppToken", "false", false, App.INGRESS),
    /** Comma-separated browser origins allowed by CORS (Dynamics org URL, local panel). Never {@code *}. */
    ALLOWED_ORIGINS("AllowedOrigins", "", false, App.PRESENCE),
    DEFAULT_RING_SECONDS("DefaultRingSeconds", "30", false, App.INGRESS, App.DISPATCH),
    MAX_RING_SECONDS("MaxRingSeconds", "300", false, App.INGRESS, App.DISPATCH),
    /** First delay before an offer to an offline agent is retried; doubles up to the ring window. */
    OFFLINE_RETRY_SECONDS("OfflineRetrySeconds", "2", false, App.DISPATCH),
    /** Concurrent calls an agent may be on (accepted, not ended); a row's {@code MaxConcurrentCalls} overrides it. */
    AGENT_CAPACITY("AgentCapacity", "1", false, App.DISPATCH, App.PRESENCE),
    /**
     * ISO-8601 duration after which an accepted call stops counting toward capacity even without its
     * {@code call.ended} (a lost event must not block an agent forever); checked by the expiry sweep.
     */
    MAX_CALL_DURATION("MaxCallDuration", "PT4H", false, App.DISPATCH),
    /** Consecutive missed (rung-out) popups after which an {@code Available} agent is set {@code Away}. */
    MISSED_CALLS_BEFORE_AWAY("MissedCallsBeforeAway", "2", false, App.DISPATCH),
    /** Lifetime of the SignalR client access token negotiate hands out. */
    CLIENT_TOKEN_MINUTES("ClientTokenMinutes", "60", false, App.PRESENCE),
    /** Connections not seen for this long are checked against SignalR by the sweep. */
    STALE_CONNECTION_MINUTES("StaleConnectionMinutes", "10", false, App.PRESENCE),
    /** NCRONTAB of the stale-connection sweep (presence). */
    CONNECTION_SWEEP_SCHEDULE("ConnectionSweepSchedule", "0 */5 * * * *", false, App.PRESENCE),
    /**
     * NCRONTAB of the outcome republisher (presence): publishes decisions whose call-outcomes send failed. Every
     * minute: a repair path, and each run is billed on Flex Consumption (infra/README.md, "Timers and cost").
     */
    OUTCOME_REPUBLISH_SCHEDULE("OutcomeRepublishSchedule", "0 * * * * *", false, App.PRESENCE),
    /**
     * NCRONTAB of the ring-window expiry sweep (dispatch). Every 15 s: an unanswered popup ends {@code Expired} at
     * most ~15 s (plus one sweep) after its ring window; a tighter schedule costs proportionally more on Flex.
     */
    EXPIRY_SWEEP_SCHEDULE("ExpirySweepSchedule", "*/15 * * * * *", false, App.DISPATCH),
    /**
     * SignalR upstream with managed-identity auth: the resource (audience) SignalR requests its Entra token for;
     * set, every upstream request must carry that bearer token (issuer = {@link #AUTHORITY}). Empty (default): signature only.
     */
    SIGNALR_UPSTREAM_RESOURCE("SignalRUpstreamResource", "", false, App.PRESENCE),
    /** Object id of SignalR's managed identity; set, the upstream bearer token's {@code oid} must equal it (empty: any). */
    SIGNALR_UPSTREAM_PRINCIPAL_ID("SignalRUpstreamPrincipalId", "", false, App.PRESENCE),
    /**
     * The call-events queue's MaxDeliveryCount (infra sets both from one value): dispatch counts a failure on the
     * last allowed delivery as a dead-letter move (metric {@code cifpipe.dlq.moves}).
     */
    CALL_EVENTS_MAX_DELIVERY_COUNT("CallEventsMaxDeliveryCount", "10", false, App.DISPATCH),
    APPLICATION_INSIGHTS("APPLICATIONINSIGHTS_CONNECTION_STRING", null, true, App.INGRESS, App.DISPATCH, App.PRESENCE);

    /** The three Functions apps; infra provisions each app only the settings listed for it. */
    public enum App {
        INGRESS,
        DISPATCH,
        PRESENCE
    }

    private final String key;
    private final String defaultValue;
    private final boolean secret;
    private final Set<App> apps;

    Setting(String key, String defaultValue, boolean secret, App first, App... rest) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.apps = EnumSet.of(first, rest);
    }

    /** The app-setting / environment variable name. */
    public String key() {
        return key;
    }

    /** Default used when the setting is absent, or empty if it is required. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** True for connection strings and keys: never log the value. */
    public boolean secret() {
        return secret;
    }

    public Set<App> apps() {
        return EnumSet.copyOf(apps);
    }

    public static List<Setting> forApp(App app) {
        return Arrays.stream(values()).filter(s -> s.apps.contains(app)).toList();
    }

    /** Reads the value from {@code source} (usually {@code System::getenv}), falling back to the default. */
    public Optional<String> read(Function<String, String> source) {
        String v = source.apply(key);
        return (v == null || v.isBlank()) ? defaultValue() : Optional.of(v);
    }

    /** Like {@link #read} but fails with a message naming the missing key. */
    public String require(Function<String, String> source) {
        return read(source)
                .orElseThrow(() -> new IllegalStateException("App setting '" + key + "' is required but not set"));
    }
}
