package io.cifpipe.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import com.nimbusds.jwt.SignedJWT;
import io.cifpipe.harness.Stack;
import io.cifpipe.harness.Tokens;
import io.cifpipe.model.Names;
import io.cifpipe.model.notification.NotificationId;
import io.reactivex.rxjava3.core.Single;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The authentication matrix of every endpoint, each case with its exact expected status, against the real apps
 * in their hosts: ingress (function key + app token), presence negotiate/userclient (Entra token, CORS), the
 * presence SignalR webhook (system key + X-ASRS-Signature), the SignalR emulator's REST API, cross-user decisions
 * and forged principal headers.
 */
class SecurityMatrixTest {
    static final String CLASS = "security: auth matrix (all endpoints)";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String AGENT_A = "aaaaaaaa-0000-4000-8000-00000000000a";
    static final String AGENT_B = "bbbbbbbb-0000-4000-8000-00000000000b";
    static Stack ingressStack;
    static Stack full;
    static Tokens ingressTokens;
    static Tokens fullTokens;

    @BeforeAll
    static void start() {
        ingressStack = Stacks.ingress();
        full = Stacks.full();
        ingressTokens = new Tokens(ingressStack.entra().orElseThrow(), Stack.API_CLIENT_ID);
        fullTokens = new Tokens(full.entra().orElseThrow(), Stack.API_CLIENT_ID);
    }

    static void expect(String name, int expected, HttpResponse<String> r) {
        Results.tried(CLASS);
        assertThat(r.statusCode())
                .as("%s -> %s %s", name, r.statusCode(), r.body())
                .isEqualTo(expected);
        Results.passed(CLASS);
    }

    // ------------------------------------------------------------------ ingress

    @Test
    void ingressPostCalls() {
        String url = ingressStack.url("ingress") + "/api/calls";
        byte[] event = Events.bytes(Events.offered(Events.newId("sec"), Events.newId("call"), AGENT_A, 20));
        String good = ingressTokens.app(List.of("Calls.Send"));
        ingressStack.addSecret("security app token", good);
        String key = ingressStack.ingressKey();
        long before = ingressStack.serviceBus().queueStats("call-events").total();
        String ct = "application/cloudevents+json";

        expect("no function key", 401, Http.post(url, event, "Content-Type", ct, "Authorization", "Bearer " + good));
        expect(
                "wrong function key",
                401,
                Http.post(
                        url,
                        event,
                        "Content-Type",
                        ct,
                        "x-functions-key",
                        key + "x",
                        "Authorization",
                        "Bearer " + good));
        expect(
                "key of another app (master key is fine, host key of presence is not)",
                401,
                Http.post(
                        url,
                        event,
                        "Content-Type",
                        ct,
                        "x-functions-key",
                        ingressStack.presenceKey(),
                        "Authorization",
                        "Bearer " + good));
        Map<String, String> bad = badBearerTokens(ingressTokens, good);
        bad.put("Basic scheme", "Basic dXNlcjpwYXNz");
        bad.put("garbage", "Bearer not.a.jwt");
        bad.forEach((name, auth) -> {
            HttpResponse<String> r =
                    Http.post(url, event, "Content-Type", ct, "x-functions-key", key, "Authorization", auth);
            expect("ingress " + name, 401, r);
            assertThat(r.headers().firstValue("www-authenticate").orElse("")).startsWith("Bearer");
        });
        expect(
                "token without the Calls.Send role",
                403,
                Http.post(
                        url,
                        event,
                        "Content-Type",
                        ct,
                        "x-functions-key",
                        key,
                        "Authorization",
                        "Bearer " + ingressTokens.app(List.of("Calls.Read"))));
        assertThat(ingressStack.serviceBus().queueStats("call-events").total())
                .as("nothing enqueued by refused calls")
                .isEqualTo(before);
        expect(
                "good key and token",
                202,
                Http.post(url, event, "Content-Type", ct, "x-functions-key", key, "Authorization", "Bearer " + good));
        expect(
                "?code= works like the header",
                202,
                Http.post(
                        url + "?code=" + key,
                        Events.bytes(Events.offered(Events.newId("sec"), Events.newId("call"), AGENT_A, 20)),
                        "Content-Type",
                        ct,
                        "Authorization",
                        "Bearer " + good));
    }

    @Test
    void ingressGetCall() {
        String url = ingressStack.url("ingress") + "/api/calls/call-unknown-1";
        expect("GET no key", 401, Http.get(url));
        expect("GET wrong key", 401, Http.get(url, "x-functions-key", "nope"));
        expect("GET good key, unknown call", 404, Http.get(url, "x-functions-key", ingressStack.ingressKey()));
    }

    // ------------------------------------------------------------------ presence negotiate / userclient / CORS

    @Test
    void presenceNegotiate() throws Exception {
        String url = full.url("presence") + "/api/negotiate";
        String good = fullTokens.agent(AGENT_A);
        full.addSecret("agent token A", good);
        Map<String, String> bad = badBearerTokens(fullTokens, good);
        bad.forEach((name, auth) -> expect(
                "negotiate " + name,
                401,
                Http.post(url, new byte[0], "Authorization", auth, "Origin", Stack.ALLOWED_ORIGIN)));
        expect(
                "negotiate app token without the agent scope",
                403,
                Http.post(url, new byte[0], "Authorization", "Bearer " + fullTokens.app(List.of("Calls.Send"))));

        // forged principal headers and query/body user ids are ignored: the SignalR user is the token's oid
        HttpResponse<String> r = Http.post(
                url + "?userId=" + AGENT_B,
                Events.bytes("{\"userId\":\"" + AGENT_B + "\"}"),
                "Authorization",
                "Bearer " + good,
                "x-ms-client-principal-id",
                AGENT_B,
                "x-ms-client-principal-name",
                "b@x",
                "x-ms-signalr-userid",
                AGENT_B,
                "Content-Type",
                "application/json");
        expect("negotiate with forged principal headers", 200, r);
        JsonNode body = JSON.readTree(r.body());
        String accessToken = body.path("accessToken").asText();
        full.addSecret("SignalR client token A", accessToken);
        assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getStringClaim("nameid"))
                .isEqualTo(AGENT_A);

        expect(
                "userclient no token",
                401,
                Http.post(
                        full.url("presence") + "/api/userclient",
                        Events.bytes("{\"connectionId\":\"x\"}"),
                        "Content-Type",
                        "application/json"));
        expect(
                "userclient someone else's connection",
                403,
                Http.post(
                        full.url("presence") + "/api/userclient",
                        Events.bytes("{\"connectionId\":\"not-mine-123\"}"),
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer " + good));
    }

    @Test
    void corsDeniesUnknownOrigins() {
        String url = full.url("presence") + "/api/negotiate";
        HttpResponse<String> evil = Http.send(
                "OPTIONS",
                url,
                null,
                "Origin",
                "https://evil.example",
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "authorization");
        expect("preflight from unknown origin", 403, evil);
        assertThat(evil.headers().firstValue("access-control-allow-origin")).isEmpty();
        HttpResponse<String> ok = Http.send(
                "OPTIONS",
                url,
                null,
                "Origin",
                Stack.ALLOWED_ORIGIN,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "authorization");
        expect("preflight from the allowed origin", 204, ok);
        assertThat(ok.headers().firstValue("access-control-allow-origin")).hasValue(Stack.ALLOWED_ORIGIN);
        HttpResponse<String> actual = Http.post(
                url,
                new byte[0],
                "Origin",
                "https://evil.example",
                "Authorization",
                "Bearer " + fullTokens.agent(AGENT_A));
        Results.tried(CLASS);
        assertThat(actual.headers().firstValue("access-control-allow-origin"))
                .as("no allow-origin for an unknown origin")
                .isEmpty();
        Results.passed(CLASS);
        HttpResponse<String> wildcard = Http.send(
                "OPTIONS",
                full.signalR().endpoint() + "/client/negotiate?hub=" + Stack.HUB,
                null,
                "Origin",
                "https://evil.example",
                "Access-Control-Request-Method",
                "POST");
        Results.tried(CLASS);
        assertThat(wildcard.headers().firstValue("access-control-allow-origin").orElse(""))
                .as("SignalR emulator CORS")
                .isNotIn("*", "https://evil.example");
        Results.passed(CLASS);
    }

    // ------------------------------------------------------------------ SignalR upstream (presence HTTP route)

    @Test
    void upstreamRouteNeedsTheSignature() {
        String base = full.url("presence") + "/api/signalr/" + Stack.HUB + "/connections/connected";
        byte[] body = Events.bytes("{\"type\":10}");
        String conn = "conn-sec-1";
        String[] common = {
            "X-ASRS-Hub",
            Stack.HUB,
            "X-ASRS-Category",
            "connections",
            "X-ASRS-Event",
            "connected",
            "X-ASRS-Connection-Id",
            conn,
            "X-ASRS-User-Id",
            AGENT_B,
            "Content-Type",
            "application/json"
        };
        expect("upstream no signature", 401, Http.post(base, body, common));
        expect(
                "upstream function key instead of signature",
                401,
                Http.post(base + "?code=" + full.presenceKey(), body, common));
        String[] badSig = java.util.Arrays.copyOf(common, common.length + 2);
        badSig[common.length] = "X-ASRS-Signature";
        badSig[common.length + 1] =
                io.cifpipe.runtime.signalr.UpstreamSignature.sign("not-the-access-key-0123456789abcdef", conn);
        expect("upstream signed with another key", 401, Http.post(base, body, badSig));
        badSig[common.length + 1] =
                io.cifpipe.runtime.signalr.UpstreamSignature.sign(full.signalRAccessKey(), "other-connection");
        expect("upstream signature of another connection", 401, Http.post(base, body, badSig));
        badSig[common.length + 1] = io.cifpipe.runtime.signalr.UpstreamSignature.sign(full.signalRAccessKey(), conn);
        expect(
                "upstream route differs from X-ASRS-Event",
                400,
                Http.post(
                        full.url("presence") + "/api/signalr/" + Stack.HUB + "/connections/disconnected",
                        body,
                        badSig));
        expect(
                "retired extension webhook",
                404,
                Http.post(full.url("presence") + "/runtime/webhooks/signalr", body, badSig));
    }

    // ------------------------------------------------------------------ SignalR emulator REST

    @Test
    void signalRRestNeedsAValidServerToken() {
        var sr = full.signalR();
        String url = sr.endpoint() + "/api/v1/hubs/" + Stack.HUB + "/users/" + AGENT_A;
        byte[] body = Events.bytes("{\"target\":\"notify\",\"arguments\":[\"x\"]}");
        expect("REST no token", 401, Http.post(url, body, "Content-Type", "application/json"));
        expect(
                "REST garbage token",
                401,
                Http.post(url, body, "Content-Type", "application/json", "Authorization", "Bearer x.y.z"));
        var foreign = new io.cifpipe.emulator.signalr.AccessTokens("someone-elses-access-key-0123456789abcdef");
        expect(
                "REST token signed with another key",
                401,
                Http.post(
                        url,
                        body,
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer " + foreign.mintServerToken(url, Duration.ofMinutes(5))));
        expect(
                "REST token for another URL",
                401,
                Http.post(
                        url,
                        body,
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer "
                                + sr.accessTokens()
                                        .mintServerToken(
                                                sr.endpoint() + "/api/v1/hubs/otherhub", Duration.ofMinutes(5))));
        expect(
                "REST client token used as server token",
                401,
                Http.post(
                        url,
                        body,
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer "
                                + sr.accessTokens()
                                        .mintClientToken(sr.endpoint(), Stack.HUB, AGENT_A, Duration.ofMinutes(5))));
        expect(
                "REST good token",
                202,
                Http.post(
                        url,
                        body,
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer " + sr.accessTokens().mintServerToken(url, Duration.ofMinutes(5))));
    }

    // ------------------------------------------------------------------ cross-user decision

    @Test
    void anAgentCannotDecideAnotherAgentsCall() throws Exception {
        String callId = Events.newId("xuser");
        HttpResponse<String> posted = Http.post(
                full.url("ingress") + "/api/calls",
                Events.bytes(Events.offered(Events.newId("x"), callId, AGENT_B, 30)),
                "Content-Type",
                "application/cloudevents+json",
                "x-functions-key",
                full.ingressKey());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String statusUrl = full.url("ingress") + "/api/calls/" + callId;
        Await.until(
                Duration.ofSeconds(30),
                "dispatch records the offer to B",
                () -> Http.get(statusUrl, "x-functions-key", full.ingressKey()).statusCode() == 200);

        String tokenA = fullTokens.agent(AGENT_A);
        HttpResponse<String> neg =
                Http.post(full.url("presence") + "/api/negotiate", new byte[0], "Authorization", "Bearer " + tokenA);
        JsonNode n = JSON.readTree(neg.body());
        HubConnection a = HubConnectionBuilder.create(n.path("url").asText())
                .withAccessTokenProvider(Single.just(n.path("accessToken").asText()))
                .build();
        a.start().blockingAwait(20, TimeUnit.SECONDS);
        try {
            Results.tried(CLASS);
            Map<String, Object> decision =
                    Map.of("notificationId", NotificationId.of(callId, AGENT_B), "decision", "accept");
            assertThatThrownBy(() -> a.invoke(Object.class, Names.METHOD_DECIDE, decision)
                            .blockingGet())
                    .hasMessageContaining("not-yours");
            String state = JSON.readTree(Http.get(statusUrl, "x-functions-key", full.ingressKey())
                            .body())
                    .path("notifications")
                    .get(0)
                    .path("state")
                    .asText();
            assertThat(state).isNotIn("ACCEPTED", "REJECTED");
            Results.passed(CLASS);
        } finally {
            a.stop().blockingAwait(5, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ token clock skew

    static final String SKEW = "security: token clock skew (both sides of the tolerance)";
    /** JwtValidator's default tolerance for exp/nbf (shared-runtime; presence and ingress use the default). */
    static final long ENTRA_SKEW = 60;
    /** The SignalR emulator's tolerance for its access tokens (AccessTokens' default). */
    static final long SIGNALR_SKEW = 30;
    /** How far inside/outside the tolerance the cases are: far more than a request takes, far less than the tolerance. */
    static final long MARGIN = 15;

    static void expectSkew(String name, int expected, HttpResponse<String> r) {
        Results.tried(SKEW);
        assertThat(r.statusCode())
                .as("%s -> %s %s", name, r.statusCode(), r.body())
                .isEqualTo(expected);
        if (expected == 401) {
            assertThat(r.headers().firstValue("content-type").orElse(""))
                    .as(name + " content type")
                    .startsWith("application/problem+json");
            assertThat(r.body()).as(name + " body").contains("\"status\"").contains("401");
        }
        Results.passed(SKEW);
    }

    @Test
    void tokenClockSkewIsToleratedUpToTheLimitAndRefusedBeyond() throws Exception {
        Map<String, long[]> entraCases = new LinkedHashMap<>(); // name -> {exp, nbf, iat offsets, expected ok?1:0}
        entraCases.put(
                "exp " + (ENTRA_SKEW - MARGIN) + " s past (inside tolerance)",
                new long[] {-(ENTRA_SKEW - MARGIN), -600, -600, 1});
        entraCases.put(
                "exp " + (ENTRA_SKEW + MARGIN) + " s past (beyond tolerance)",
                new long[] {-(ENTRA_SKEW + MARGIN), -600, -600, 0});
        entraCases.put(
                "nbf+iat " + (ENTRA_SKEW - MARGIN) + " s ahead (inside tolerance)",
                new long[] {600, ENTRA_SKEW - MARGIN, ENTRA_SKEW - MARGIN, 1});
        entraCases.put(
                "nbf+iat " + (ENTRA_SKEW + MARGIN) + " s ahead (beyond tolerance)",
                new long[] {600, ENTRA_SKEW + MARGIN, ENTRA_SKEW + MARGIN, 0});
        // iat alone is informational (RFC 7519 4.1.6; Microsoft.IdentityModel and nimbus do not validate it): a token
        // whose nbf says "valid now" is accepted whatever its iat
        entraCases.put("iat alone 300 s ahead, nbf now", new long[] {600, -1, 300, 1});

        String negotiate = full.url("presence") + "/api/negotiate";
        String calls = ingressStack.url("ingress") + "/api/calls";
        for (var c : entraCases.entrySet()) {
            long[] v = c.getValue();
            String presenceToken = fullTokens.skewed(AGENT_A, v[0], v[1], v[2]);
            String ingressToken = ingressTokens.skewed(AGENT_A, v[0], v[1], v[2]);
            full.addSecret("skewed token " + c.getKey(), presenceToken);
            ingressStack.addSecret("skewed token " + c.getKey(), ingressToken);
            var claims = SignedJWT.parse(presenceToken).getJWTClaimsSet();
            assertThat(claims.getExpirationTime().getTime() / 1000 - System.currentTimeMillis() / 1000)
                    .as("exp as built")
                    .isBetween(v[0] - 5, v[0] + 5);
            assertThat(claims.getNotBeforeTime().getTime() / 1000 - System.currentTimeMillis() / 1000)
                    .as("nbf as built")
                    .isBetween(v[1] - 5, v[1] + 5);
            expectSkew(
                    "presence negotiate, " + c.getKey(),
                    v[3] == 1 ? 200 : 401,
                    Http.post(negotiate, new byte[0], "Authorization", "Bearer " + presenceToken));
            expectSkew(
                    "ingress (app token required), " + c.getKey(),
                    v[3] == 1 ? 202 : 401,
                    Http.post(
                            calls,
                            Events.bytes(Events.offered(Events.newId("skew"), Events.newId("call"), AGENT_A, 20)),
                            "Content-Type",
                            "application/cloudevents+json",
                            "x-functions-key",
                            ingressStack.ingressKey(),
                            "Authorization",
                            "Bearer " + ingressToken));
        }

        // the SignalR client access token (minted by negotiate with the AccessKey), checked by the service
        var sr = full.signalR();
        String srNegotiate = sr.endpoint() + "/client/negotiate?hub=" + Stack.HUB + "&negotiateVersion=1";
        Map<String, long[]> srCases = new LinkedHashMap<>();
        srCases.put("exp " + (SIGNALR_SKEW - 10) + " s past", new long[] {-(SIGNALR_SKEW - 10), -600, 1});
        srCases.put("exp " + (SIGNALR_SKEW + 10) + " s past", new long[] {-(SIGNALR_SKEW + 10), -600, 0});
        srCases.put("nbf " + (SIGNALR_SKEW - 10) + " s ahead", new long[] {600, SIGNALR_SKEW - 10, 1});
        srCases.put("nbf " + (SIGNALR_SKEW + 10) + " s ahead", new long[] {600, SIGNALR_SKEW + 10, 0});
        for (var c : srCases.entrySet()) {
            long[] v = c.getValue();
            String token =
                    Tokens.signalRClientToken(full.signalRAccessKey(), sr.endpoint(), Stack.HUB, AGENT_A, v[0], v[1]);
            full.addSecret("skewed SignalR token " + c.getKey(), token);
            expectSkew(
                    "SignalR client negotiate, " + c.getKey(),
                    v[2] == 1 ? 200 : 401,
                    Http.post(srNegotiate, new byte[0], "Authorization", "Bearer " + token));
        }
    }

    /** Authorization values every bearer-protected endpoint must refuse with 401, by case name (null = header absent). */
    private static Map<String, String> badBearerTokens(Tokens tokens, String good) {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("no token", null);
        bad.put("forged signature", "Bearer " + tokens.forged(good));
        bad.put("tampered payload", "Bearer " + tokens.tampered(good, AGENT_B));
        bad.put("expired", "Bearer " + tokens.expired(AGENT_A));
        bad.put("wrong audience", "Bearer " + tokens.wrongAudience(AGENT_A));
        bad.put("wrong issuer", "Bearer " + tokens.wrongIssuer(AGENT_A));
        bad.put("alg none", "Bearer " + tokens.algNone(good));
        bad.put("HS256 key confusion", "Bearer " + tokens.hs256(good));
        return bad;
    }
}
