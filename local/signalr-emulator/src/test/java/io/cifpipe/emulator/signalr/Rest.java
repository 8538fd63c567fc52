package io.cifpipe.emulator.signalr;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Data-plane REST calls the way the SDKs make them: server token with aud = URL without port, with api-version. */
final class Rest {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SignalREmulator emulator;

    Rest(SignalREmulator emulator) {
        this.emulator = emulator;
    }

    /** SDK-style audience: scheme://host/path?api-version=2022-06-01 (no port). */
    String sdkToken(String path) {
        return emulator.accessTokens()
                .mintServerToken("http://127.0.0.1" + path + "?api-version=2022-06-01", Duration.ofHours(1));
    }

    HttpResponse<String> call(String method, String pathAndQuery, String body) throws Exception {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        return call(method, pathAndQuery, body, "Bearer " + sdkToken(path));
    }

    HttpResponse<String> call(String method, String pathAndQuery, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.endpoint() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
