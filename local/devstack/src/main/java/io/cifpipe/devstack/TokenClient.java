package io.cifpipe.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gets real tokens from the running local Entra over its OAuth 2.0 endpoints, the way an integrator's script would
 * (so {@code ./dev token} proves the same path works): the telephony app by client credentials (HTTP Basic,
 * scope {@code api://cifpipe-local/.default}); an agent by the authorization-code flow with the login page's form
 * post done programmatically (scope must include {@code openid}: the provider answers a code request without it
 * with an error).
 */
public final class TokenClient {
    /** Why no token could be had; {@code exitCode} for the CLI. */
    public static final class TokenException extends RuntimeException {
        final int exitCode;

        TokenException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final String issuer;
    private final String redirectUri;

    /**
     * @param issuer      e.g. {@code http://localhost:8091/entra}
     * @param redirectUri the panel's redirect URI (the agent page), e.g. {@code http://localhost:8080/agent.html}
     */
    public TokenClient(String issuer, String redirectUri) {
        this.issuer = issuer;
        this.redirectUri = redirectUri;
    }

    /** The token endpoint's whole JSON answer for the telephony app (access_token, expires_in, …). */
    public JsonNode appToken() {
        DemoIdentities.App app = DemoIdentities.TELEPHONY;
        String basic = Base64.getEncoder()
                .encodeToString((app.clientId() + ":" + app.clientSecret()).getBytes(StandardCharsets.UTF_8));
        return tokenRequest(
                HttpRequest.newBuilder(URI.create(issuer + "/token")).header("Authorization", "Basic " + basic),
                Map.of("grant_type", "client_credentials", "scope", DemoIdentities.API_AUDIENCE + "/.default"));
    }

    /** The token endpoint's whole JSON answer for a demo agent ({@code alice}, {@code bob}, or its oid). */
    public JsonNode agentToken(String agentKeyOrOid) {
        DemoIdentities.Agent agent = DemoIdentities.AGENTS.stream()
                .filter(a -> a.key().equalsIgnoreCase(agentKeyOrOid) || a.oid().equalsIgnoreCase(agentKeyOrOid))
                .findFirst()
                .orElseThrow(() -> new TokenException(
                        "unknown agent '" + agentKeyOrOid + "'; demo agents: "
                                + DemoIdentities.AGENTS.stream()
                                        .map(DemoIdentities.Agent::key)
                                        .collect(Collectors.joining(", ")),
                        2));
        String scope = "openid profile " + DemoIdentities.API_AUDIENCE + "/" + DemoIdentities.AGENT_SCOPE;
        String authorize = issuer + "/authorize?"
                + form(Map.of(
                        "client_id",
                        DemoIdentities.PANEL_CLIENT_ID,
                        "response_type",
                        "code",
                        "redirect_uri",
                        redirectUri,
                        "scope",
                        scope,
                        "state",
                        "dev-token",
                        "nonce",
                        "dev-token"));
        String claims;
        try {
            claims = JSON.writeValueAsString(
                    Map.of("oid", agent.oid(), "name", agent.name(), "preferred_username", agent.preferredUsername()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // What the login page posts when the agent picks an account.
        HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(authorize))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", agent.oid(), "claims", claims))))
                .build());
        String location = login.headers().firstValue("location").orElse("");
        if (login.statusCode() != 302 || !location.contains("code=")) {
            throw new TokenException(
                    "the local Entra did not issue a code (HTTP " + login.statusCode() + "): " + clip(login.body()), 4);
        }
        String code = URLDecode(location.replaceAll(".*[?&]code=([^&]+).*", "$1"));
        return tokenRequest(
                HttpRequest.newBuilder(URI.create(issuer + "/token")),
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "client_id",
                        DemoIdentities.PANEL_CLIENT_ID,
                        "redirect_uri",
                        redirectUri));
    }

    private JsonNode tokenRequest(HttpRequest.Builder request, Map<String, String> params) {
        HttpResponse<String> r = send(request.header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(params)))
                .build());
        if (r.statusCode() != 200) {
            throw new TokenException(
                    "the local Entra refused the token request (HTTP " + r.statusCode() + "): " + clip(r.body()), 4);
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            if (!body.hasNonNull("access_token"))
                throw new TokenException("no access_token in the answer: " + clip(r.body()), 4);
            return body;
        } catch (IOException e) {
            throw new TokenException("the token answer is not JSON: " + clip(r.body()), 4);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenException(
                    "the local Entra at " + issuer + " is not answering (" + e.getMessage()
                            + "); start the stack with ./dev up",
                    3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted", 3);
        }
    }

    private static String form(Map<String, String> params) {
        return new LinkedHashMap<>(params)
                .entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
    }

    private static String URLDecode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
