package io.cifpipe.runtime.signalr;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An Azure SignalR Service connection string ({@code Endpoint=https://x.service.signalr.net;AccessKey=…;Version=1.0;}),
 * parsed with the rules of the official SDK's ConnectionStringParser: keys are case-insensitive, duplicates are
 * rejected, {@code Endpoint} and {@code AccessKey} are required, {@code Port} overrides the endpoint's port,
 * {@code Version} must be 1.x, {@code ClientEndpoint}/{@code ServerEndpoint} optionally redirect clients/REST calls.
 *
 * <p>{@link #toString()} never reveals the access key.
 */
public final class SignalRConnectionString {
    /** Microsoft's SDKs' value for managed identity / Entra auth ({@code DefaultAzureCredential} here). */
    public static final String AUTH_TYPE_MSI = "azure.msi";

    private static final Pattern VERSION = Pattern.compile("^1\\.\\d+(?:[\\w-.]+)?$");

    private final URI endpoint;
    private final URI clientEndpoint;
    private final URI serverEndpoint;
    private final String accessKey;
    private final String authType;
    private final String clientId;

    private SignalRConnectionString(
            URI endpoint, URI clientEndpoint, URI serverEndpoint, String accessKey, String authType, String clientId) {
        this.endpoint = endpoint;
        this.clientEndpoint = clientEndpoint;
        this.serverEndpoint = serverEndpoint;
        this.accessKey = accessKey;
        this.authType = authType;
        this.clientId = clientId;
    }

    public static SignalRConnectionString parse(String connectionString) {
        if (connectionString == null || connectionString.isBlank()) {
            throw new IllegalArgumentException("SignalR connection string is empty");
        }
        Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String part : connectionString.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("SignalR connection string has a part without 'key=value'");
            }
            String key = part.substring(0, eq).trim();
            if (values.put(key, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("SignalR connection string has duplicate key '" + key + "'");
            }
        }
        String endpoint = values.get("Endpoint");
        if (endpoint == null || endpoint.isEmpty()) {
            throw new IllegalArgumentException("SignalR connection string lacks Endpoint");
        }
        String accessKey = values.get("AccessKey");
        String authType = values.getOrDefault("AuthType", "").toLowerCase(Locale.ROOT);
        String clientId = values.get("ClientId");
        if (authType.equals(AUTH_TYPE_MSI)) {
            // Keyless (Entra): the service may have local auth disabled, so a key here would be a mistake.
            if (accessKey != null) {
                throw new IllegalArgumentException(
                        "SignalR connection string has both AccessKey and AuthType=azure.msi");
            }
        } else if (!authType.isEmpty()) {
            throw new IllegalArgumentException("SignalR connection string AuthType=" + authType
                    + " is not supported by this client (use AccessKey or AuthType=azure.msi)");
        } else if (accessKey == null || accessKey.isEmpty()) {
            throw new IllegalArgumentException("SignalR connection string lacks AccessKey (or AuthType=azure.msi)");
        }
        String version = values.get("Version");
        if (version != null && !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("SignalR connection string Version must be 1.x, got '" + version + "'");
        }
        Integer port = null;
        if (values.containsKey("Port")) {
            try {
                port = Integer.parseInt(values.get("Port"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("SignalR connection string Port is not a number");
            }
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("SignalR connection string Port is out of range");
            }
        }
        URI main = endpointUri("Endpoint", endpoint, port);
        URI client = values.containsKey("ClientEndpoint")
                ? endpointUri("ClientEndpoint", values.get("ClientEndpoint"), null)
                : main;
        URI server = values.containsKey("ServerEndpoint")
                ? endpointUri("ServerEndpoint", values.get("ServerEndpoint"), null)
                : main;
        return new SignalRConnectionString(main, client, server, accessKey, authType, clientId);
    }

    private static URI endpointUri(String name, String raw, Integer port) {
        String trimmed = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SignalR connection string " + name + " is not a URL");
        }
        String scheme = Optional.ofNullable(uri.getScheme())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .orElse("");
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("SignalR connection string " + name + " must be an http(s) URL");
        }
        int effectivePort = port != null ? port : uri.getPort();
        return URI.create(scheme + "://" + uri.getHost() + (effectivePort > 0 ? ":" + effectivePort : ""));
    }

    /** Base URL (scheme://host[:port]) of the service, from Endpoint + Port. */
    public URI endpoint() {
        return endpoint;
    }

    /** Base URL clients are sent to (ClientEndpoint, else Endpoint). */
    public URI clientEndpoint() {
        return clientEndpoint;
    }

    /** Base URL of the data-plane REST API (ServerEndpoint, else Endpoint). */
    public URI serverEndpoint() {
        return serverEndpoint;
    }

    /** The HMAC key text; its UTF-8 bytes sign tokens. Never log it. Null when {@link #isKeyless()}. */
    public String accessKey() {
        return accessKey;
    }

    /** {@code AuthType=azure.msi}: REST calls carry Entra tokens, client tokens come from {@code :generateToken}. */
    public boolean isKeyless() {
        return AUTH_TYPE_MSI.equals(authType);
    }

    /** {@code ClientId=} of a user-assigned managed identity (keyless mode), or null for the default identity. */
    public String clientId() {
        return clientId;
    }

    @Override
    public String toString() {
        return "SignalRConnectionString[endpoint=" + endpoint
                + (isKeyless() ? ", authType=azure.msi]" : ", accessKey=***]");
    }
}
