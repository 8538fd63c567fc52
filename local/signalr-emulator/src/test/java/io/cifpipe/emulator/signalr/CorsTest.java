package io.cifpipe.emulator.signalr;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Browsers' credentialed negotiate: allow-listed origins are echoed with credentials, others refused. */
class CorsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> preflight(SignalREmulator emulator, String origin) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(emulator.endpoint() + "/client/negotiate?hub=chat&negotiateVersion=1"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", "POST")
                        .header(
                                "Access-Control-Request-Headers",
                                "authorization,x-requested-with,x-signalr-user-agent,x-app-header")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void defaultAllowListIsTheLocalStack() throws Exception {
        try (SignalREmulator emulator =
                SignalREmulator.builder().port(0).build().start()) {
            HttpResponse<String> ok = preflight(emulator, "http://localhost:8080");
            assertThat(ok.statusCode()).isBetween(200, 204);
            assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:8080");
            assertThat(ok.headers().firstValue("Access-Control-Allow-Credentials"))
                    .hasValue("true");
            assertThat(ok.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                    .contains("authorization")
                    .contains("x-signalr-user-agent")
                    .contains("x-app-header");

            HttpResponse<String> evil = preflight(emulator, "http://evil.example");
            assertThat(evil.statusCode()).isEqualTo(403);
            assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

            String token =
                    emulator.accessTokens().mintClientToken("http://127.0.0.1", "chat", "u", Duration.ofMinutes(5));
            HttpResponse<String> negotiate = HTTP.send(
                    HttpRequest.newBuilder(
                                    URI.create(emulator.endpoint() + "/client/negotiate?hub=chat&negotiateVersion=1"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .header("Origin", "http://127.0.0.1:8080")
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(negotiate.statusCode()).isEqualTo(200);
            assertThat(negotiate.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue("http://127.0.0.1:8080");
            assertThat(negotiate.headers().firstValue("Access-Control-Allow-Credentials"))
                    .hasValue("true");
        }
    }

    @Test
    void configuredOriginsReplaceTheDefaultsAndStarReflectsAnyOrigin() throws Exception {
        try (SignalREmulator emulator = SignalREmulator.builder()
                .port(0)
                .allowOrigin("https://crm.example")
                .build()
                .start()) {
            assertThat(preflight(emulator, "https://crm.example").headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue("https://crm.example");
            assertThat(preflight(emulator, "http://localhost:8080").statusCode())
                    .isEqualTo(403);
        }
        try (SignalREmulator emulator =
                SignalREmulator.builder().port(0).allowOrigin("*").build().start()) {
            HttpResponse<String> any = preflight(emulator, "http://anything:1234");
            assertThat(any.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://anything:1234");
            assertThat(any.headers().firstValue("Access-Control-Allow-Credentials"))
                    .hasValue("true");
        }
    }
}
