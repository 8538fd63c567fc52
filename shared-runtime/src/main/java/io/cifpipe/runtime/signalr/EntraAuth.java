package io.cifpipe.runtime.signalr;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Objects;

/**
 * Keyless mode ({@code AuthType=azure.msi}): REST calls carry an Entra access token for SignalR's data plane
 * (scope {@value #SCOPE}) from a {@link TokenCredential} ({@code DefaultAzureCredential} in Azure: the app's managed
 * identity), and client access tokens come from {@code POST /api/hubs/{hub}/:generateToken?userId=&minutesToExpire=}
 * (REST API 2023-07-01 and later, answer {@code {"token":"…"}}), because the app has no key to sign them with.
 * Works with {@code disableLocalAuth: true} on the service. The identity needs a SignalR data-plane role that
 * allows REST calls and client tokens ("SignalR REST API Owner"; see infra/README.md).
 */
public final class EntraAuth implements SignalRAuth {
    /** Entra scope of SignalR Service's data plane. */
    public static final String SCOPE = "https://signalr.azure.com/.default";
    /** First REST API version with {@code :generateToken} for SignalR (docs/swagger V20230701 of Azure/azure-signalr). */
    static final String GENERATE_TOKEN_API_VERSION = "2023-07-01";
    /** Refresh this long before the Entra token expires. */
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

    private final TokenCredential credential;
    private final URI serverEndpoint;
    private final String hub;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration timeout;
    private final Clock clock;
    private volatile AccessToken cached;

    public EntraAuth(
            TokenCredential credential,
            URI serverEndpoint,
            String hub,
            HttpClient http,
            ObjectMapper mapper,
            Duration timeout,
            Clock clock) {
        this.credential = Objects.requireNonNull(credential, "credential");
        this.serverEndpoint = Objects.requireNonNull(serverEndpoint);
        this.hub = hub.toLowerCase(Locale.ROOT);
        this.http = Objects.requireNonNull(http);
        this.mapper = Objects.requireNonNull(mapper);
        this.timeout = Objects.requireNonNull(timeout);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The audience does not depend on the URL: one cached Entra token serves every call. */
    @Override
    public String serverToken(URI requestUrl) {
        AccessToken t = cached;
        if (t == null || !OffsetDateTime.now(clock).isBefore(t.getExpiresAt().minus(REFRESH_MARGIN))) {
            synchronized (this) {
                t = cached;
                if (t == null
                        || !OffsetDateTime.now(clock).isBefore(t.getExpiresAt().minus(REFRESH_MARGIN))) {
                    try {
                        t = credential.getTokenSync(new TokenRequestContext().addScopes(SCOPE));
                    } catch (RuntimeException e) {
                        // The credential's own message names what failed (no identity, refused, unreachable).
                        throw new SignalRException(
                                "Entra token for SignalR could not be obtained: " + e.getMessage(), 0, e);
                    }
                    if (t == null || t.getToken() == null) {
                        throw new SignalRException(
                                "Entra token for SignalR could not be obtained: credential returned none", 0, null);
                    }
                    cached = t;
                }
            }
        }
        return t.getToken();
    }

    @Override
    public String clientToken(URI clientUrl, String userId, Duration lifetime) {
        long minutes = Math.max(1, (lifetime.toSeconds() + 59) / 60);
        StringBuilder query =
                new StringBuilder("api-version=" + GENERATE_TOKEN_API_VERSION + "&minutesToExpire=" + minutes);
        if (userId != null && !userId.isEmpty()) {
            query.append("&userId=").append(enc(userId));
        }
        URI url = URI.create(serverEndpoint + "/api/hubs/" + enc(hub) + "/:generateToken?" + query);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Authorization", "Bearer " + serverToken(url))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SignalRException("SignalR generate client token failed: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalRException("SignalR generate client token interrupted", 0, e);
        }
        if (response.statusCode() != 200) {
            throw new SignalRException(
                    "SignalR generate client token answered HTTP " + response.statusCode(),
                    response.statusCode(),
                    null);
        }
        try {
            JsonNode token = mapper.readTree(response.body()).path("token");
            if (!token.isTextual() || token.asText().isBlank()) {
                throw new SignalRException("SignalR generate client token answered without a token", 200, null);
            }
            return token.asText();
        } catch (IOException e) {
            throw new SignalRException("SignalR generate client token answered a body that is not JSON", 200, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
