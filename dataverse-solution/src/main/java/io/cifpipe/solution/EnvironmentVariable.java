package io.cifpipe.solution;

import io.cifpipe.model.Setting;
import java.util.Optional;

/**
 * The solution's environment variable definitions: everything deployment-specific the panel needs, so one solution
 * serves every environment. {@code client/webresource/settings.js} reads them (Dynamics: {@code Xrm.WebApi}; locally:
 * {@code /api/config} of the local stack, which offers the same schema names) and maps each to {@link #clientKey()} of
 * {@code window.cifAdaptorConfig}. Required ones have no default: the import wizard asks for their values.
 */
public enum EnvironmentVariable {
    PRESENCE_BASE_URL(
            "cifpipe_PresenceBaseUrl",
            Type.STRING,
            "functionUrl",
            null,
            "Presence base URL",
            "Base URL of the presence Function app, e.g. https://func-presence-abc.azurewebsites.net (the panel calls "
                    + "/api/negotiate and /api/userclient under it). azd output: cifpipe_PresenceBaseUrl."),
    AUTHORITY(
            "cifpipe_Authority",
            Type.STRING,
            "authority",
            null,
            "Entra authority",
            "https://login.microsoftonline.com/<tenant id> (the tenant of the cifpipe-api app registration). "
                    + "azd output: cifpipe_Authority."),
    CLIENT_ID(
            "cifpipe_ClientId",
            Type.STRING,
            "clientId",
            null,
            "Entra client id",
            "Application (client) id of the app registration the panel signs in with (SPA platform). "
                    + "azd output: cifpipe_ClientId."),
    API_SCOPE(
            "cifpipe_ApiScope",
            Type.STRING,
            "scopes",
            null,
            "API scope",
            "Scope the panel requests for the presence API, e.g. api://<api app id>/user_impersonation. "
                    + "azd output: cifpipe_ApiScope."),
    HUB_NAME(
            "cifpipe_HubName",
            Type.STRING,
            "hub",
            Setting.HUB_NAME.defaultValue().orElseThrow(),
            "SignalR hub name",
            "Hub of Azure SignalR Service the presence app negotiates (Function app setting HubName). "
                    + "azd output: cifpipe_HubName."),
    REJECT_REASONS(
            "cifpipe_RejectReasons",
            Type.JSON,
            "rejectReasons",
            "[{\"code\":\"busy-with-customer\",\"label\":\"Busy with a customer\"},"
                    + "{\"code\":\"wrong-skill\",\"label\":\"Wrong skill\"},"
                    + "{\"code\":\"break\",\"label\":\"On a break\"},"
                    + "{\"code\":\"other\",\"label\":\"Other\"}]",
            "Reject reasons",
            "JSON array of {code, label} the agent picks from when rejecting a call; code is the Rejected outcome's reason."),
    SCREEN_POP(
            "cifpipe_ScreenPop",
            Type.JSON,
            "screenPop",
            "{\"enabled\":true,\"mode\":\"search\",\"entity\":\"contact\",\"searchBy\":\"callerNumber\","
                    + "\"sessionTemplate\":\"cifpipe_call_session\",\"applicationTabTemplate\":\"cifpipe_customer_tab\"}",
            "Screen-pop settings",
            "JSON object: what the panel opens when the agent accepts a call (passed to the panel unchanged as "
                    + "screenPop; keys in client/README.md)."),
    RING_TONE(
            "cifpipe_RingTone",
            Type.BOOLEAN,
            "ringTone",
            "yes",
            "Ring tone",
            "yes: the panel plays a ring tone while a call rings; no: silent."),
    NOTIFICATION_TEMPLATE(
            "cifpipe_NotificationTemplate",
            Type.STRING,
            "notificationTemplate",
            SolutionModel.NOTIFICATION_TEMPLATE,
            "Notification template",
            "Unique name of the CIF notification template for incoming calls (shipped: "
                    + SolutionModel.NOTIFICATION_TEMPLATE + ").");

    /** Dataverse choice values of environmentvariabledefinition.type. */
    public enum Type {
        STRING(100000000),
        NUMBER(100000001),
        BOOLEAN(100000002),
        JSON(100000003);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final String schemaName;
    private final Type type;
    private final String clientKey;
    private final String defaultValue;
    private final String displayName;
    private final String description;

    EnvironmentVariable(
            String schemaName,
            Type type,
            String clientKey,
            String defaultValue,
            String displayName,
            String description) {
        this.schemaName = schemaName;
        this.type = type;
        this.clientKey = clientKey;
        this.defaultValue = defaultValue;
        this.displayName = displayName;
        this.description = description;
    }

    public String schemaName() {
        return schemaName;
    }

    public Type type() {
        return type;
    }

    /** The {@code window.cifAdaptorConfig} key settings.js fills from this variable. */
    public String clientKey() {
        return clientKey;
    }

    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Without a default the value is deployment-specific: the import asks for it. */
    public boolean required() {
        return defaultValue == null;
    }

    public String displayName() {
        return displayName;
    }

    public String description() {
        return description;
    }
}
