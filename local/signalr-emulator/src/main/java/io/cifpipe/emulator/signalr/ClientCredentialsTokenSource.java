package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link UpstreamTokenSource} that plays SignalR's managed identity against an OAuth 2.0 token endpoint (the local
 * Entra provider): client credentials grant with {@code scope=<resource>/.default}, as Entra names a resource's
 * default scope. Tokens are reused until a minute before they expire.
 */
public final class ClientCredentialsTokenSource implements UpstreamTokenSource {
    private final URI tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(String token, Instant refreshAfter) {}

    public ClientCredentialsTokenSource(URI tokenEndpoint, String clientId, String clientSecret) {
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    @Override
    public String token(String resource) throws Exception {
        Cached c = cache.get(resource);
        if (c != null && Instant.now().isBefore(c.refreshAfter())) {
            return c.token();
        }
        String scope = resource.endsWith("/.default") ? resource : resource + "/.default";
        String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
        String basic =
                Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered HTTP " + response.statusCode());
        }
        JsonNode body = Json.MAPPER.readTree(response.body());
        String token = body.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new IllegalStateException("token endpoint answered without access_token");
        }
        long expiresIn = body.path("expires_in").asLong(300);
        cache.put(resource, new Cached(token, Instant.now().plusSeconds(Math.max(0, expiresIn - 60))));
        return token;
    }
}
