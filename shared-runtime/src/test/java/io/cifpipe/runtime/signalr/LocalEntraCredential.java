package io.cifpipe.runtime.signalr;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * A {@link TokenCredential} that fetches real tokens from the local Entra provider's token endpoint (OAuth 2.0
 * client credentials), standing in for {@code DefaultAzureCredential}, whose identity library refuses an http
 * authority. Everything after {@code getToken} is the production code path.
 */
final class LocalEntraCredential implements TokenCredential {
    private final URI tokenEndpoint;
    private final String clientId;
    private final HttpClient http = HttpClient.newHttpClient();
    final AtomicInteger requests = new AtomicInteger();

    LocalEntraCredential(URI tokenEndpoint, String clientId) {
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        requests.incrementAndGet();
        String form = "grant_type=client_credentials&scope="
                + URLEncoder.encode(String.join(" ", request.getScopes()), StandardCharsets.UTF_8);
        String basic = Base64.getEncoder().encodeToString((clientId + ":secret").getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(tokenEndpoint)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Authorization", "Basic " + basic)
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token endpoint answered " + r.statusCode());
            }
            JsonNode body = Json.mapper().readTree(r.body());
            return new AccessToken(
                    body.get("access_token").asText(),
                    OffsetDateTime.now().plusSeconds(body.path("expires_in").asLong(3600)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
