package io.cifpipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import io.cifpipe.devstack.parts.EntraPart;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local Entra issues Entra-shaped tokens for the demo agents (interactive login) and the telephony app. */
class EntraPartTest {
    @TempDir
    static Path tmp;

    static StackConfig config;
    static EntraPart entra;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        config = TestStacks.config(tmp, tmp.resolve("state"));
        entra = new EntraPart(config);
        entra.start();
    }

    @AfterAll
    static void stop() {
        entra.close();
    }

    @Test
    void discoveryNamesTheEntraIssuer() throws Exception {
        JsonNode d = JSON.readTree(
                get(config.entraIssuer() + "/.well-known/openid-configuration").body());
        assertThat(d.get("issuer").asText())
                .isEqualTo("http://localhost:" + config.ports().entra() + "/entra");
        assertThat(d.get("jwks_uri").asText()).endsWith("/entra/jwks");
        assertThat(entra.answers()).isTrue();
    }

    @Test
    void telephonyAppGetsCallsSendRoleWithClientCredentials() throws Exception {
        String basic = Base64.getEncoder()
                .encodeToString("cifpipe-telephony:telephony-local-secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(config.entraIssuer() + "/token"))
                        .header("Authorization", "Basic " + basic)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=client_credentials&scope=api%3A%2F%2Fcifpipe-local%2F.default"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        var claims = SignedJWT.parse(JSON.readTree(r.body()).get("access_token").asText())
                .getJWTClaimsSet();
        assertThat(claims.getStringListClaim("roles")).containsExactly("Calls.Send");
        assertThat(claims.getStringClaim("oid")).isEqualTo(DemoIdentities.TELEPHONY.oid());
        assertThat(claims.getAudience()).contains("api://cifpipe-local");
        assertThat(claims.getIssuer()).isEqualTo(config.entraIssuer());
    }

    @Test
    void interactiveLoginAsBobGivesBobsClaimsAndTheApiAudience() throws Exception {
        String authorize = config.entraIssuer() + "/authorize?client_id=cifpipe-panel&response_type=code"
                + "&redirect_uri=" + enc(config.webOrigin() + "/agent.html")
                + "&scope=" + enc("openid api://cifpipe-local/user_impersonation") + "&state=s1&nonce=n1";
        String page = get(authorize).body();
        assertThat(page).contains("Pick an account").contains("Alice Agent").contains("Bob Agent");
        Matcher m = Pattern.compile("const agents = (\\[.*\\]);").matcher(page);
        assertThat(m.find()).as("agent list on the login page").isTrue();
        JsonNode bob = null;
        for (JsonNode a : JSON.readTree(m.group(1).replace("<\\/", "</"))) {
            if (a.get("key").asText().equals("bob")) {
                bob = a;
            }
        }
        assertThat(bob).as("bob on the login page").isNotNull();
        String claimsJson = bob.get("claims").asText();

        HttpResponse<String> login = HTTP.send(
                HttpRequest.newBuilder(URI.create(authorize))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                form(Map.of("username", bob.get("oid").asText(), "claims", claimsJson))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        String location = login.headers().firstValue("location").orElseThrow();
        String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");

        HttpResponse<String> token = HTTP.send(
                HttpRequest.newBuilder(URI.create(config.entraIssuer() + "/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                                "grant_type",
                                "authorization_code",
                                "code",
                                code,
                                "client_id",
                                "cifpipe-panel",
                                "redirect_uri",
                                config.webOrigin() + "/agent.html"))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).isEqualTo(200);
        var claims = SignedJWT.parse(
                        JSON.readTree(token.body()).get("access_token").asText())
                .getJWTClaimsSet();
        assertThat(claims.getStringClaim("oid"))
                .isEqualTo(DemoIdentities.agent("bob").oid());
        assertThat(claims.getStringClaim("name")).isEqualTo("Bob Agent");
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("bob@cifpipe.local");
        assertThat(claims.getStringClaim("scp")).isEqualTo("user_impersonation");
        assertThat(claims.getAudience()).contains("api://cifpipe-local");
        assertThat(claims.getStringClaim("tid")).isEqualTo(DemoIdentities.TENANT_ID);
    }

    @Test
    void mintedAgentTokenCarriesTheSameClaims() throws Exception {
        var claims = SignedJWT.parse(entra.agentToken("alice")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(DemoIdentities.agent("alice").oid());
        assertThat(claims.getStringClaim("oid"))
                .isEqualTo(DemoIdentities.agent("alice").oid());
        assertThat(claims.getIssuer()).isEqualTo(config.entraIssuer());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String form(Map<String, String> m) {
        return m.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }
}
