package io.cifpipe.presence.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.presence.testing.Fixture;
import io.cifpipe.presence.testing.TestIdp;
import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.http.HttpCall;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.runtime.signalr.UpstreamSignature;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The upstream HTTP route's handler with the real services (ledger and registry on Azurite, SignalR REST client
 * against the in-process fake): authentication (signature incl. rotation; managed-identity bearer), route checks,
 * each event, and the Completion bodies the client's invoke receives.
 */
class UpstreamHandlerTest {
    static final String KEY = "primary-key-0123456789abcdefghijklmnopqrstuvwxyz";
    static final String OTHER_KEY = "secondary-key-0123456789abcdefghijklmnopqrstuvwx";
    static final String AGENT = "agent-oid-1";
    static final String RESOURCE = "11111111-2222-3333-4444-555555555555";
    static final String SIGNALR_OID = "signalr-mi-oid";
    static final char RS = 0x1E;
    static TestIdp idp;

    final Fixture f = new Fixture();
    final ConnectionService connections = new ConnectionService(
            f.registry, new PendingNotificationRedelivery(f.ledger, f.signalRClient, f.outcomes, f.clock), f.clock);
    final AgentStateService agentStates = new AgentStateService(f.agents, f.signalRClient, 1, f.clock);
    final DecisionService decisions =
            new DecisionService(f.ledger, f.claim, f.agents, f.registry, f.signalRClient, f.outcomes, 1, f.clock);
    final UpstreamHandler signed = new UpstreamHandler(
            new UpstreamAuthenticator(List.of(KEY), List.of(), null), "cifhub", connections, decisions, agentStates);

    @BeforeAll
    static void startIdp() {
        idp = new TestIdp();
    }

    @AfterAll
    static void stopIdp() {
        idp.close();
    }

    @AfterEach
    void close() {
        f.close();
    }

    UpstreamHandler bearerOnly() {
        JwtValidator v = JwtValidator.builder()
                .authority(idp.authority())
                .audience(RESOURCE)
                .httpTimeout(Duration.ofSeconds(30))
                .build();
        return new UpstreamHandler(
                new UpstreamAuthenticator(List.of(), List.of(v), SIGNALR_OID),
                "cifhub",
                connections,
                decisions,
                agentStates);
    }

    static Map<String, String> headers(String category, String event, String connectionId, String userId) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("X-ASRS-Hub", "cifhub");
        h.put("X-ASRS-Category", category);
        h.put("X-ASRS-Event", event);
        h.put("X-ASRS-Connection-Id", connectionId);
        if (userId != null) {
            h.put("X-ASRS-User-Id", userId);
        }
        h.put("X-ASRS-Client-Query", "?hub=cifhub&access_token=secret-client-token");
        h.put("X-ASRS-User-Claims", "nameid: " + userId + ", asrs.s.uid: " + userId);
        return h;
    }

    static Map<String, String> signedHeaders(String category, String event, String connectionId, String userId) {
        Map<String, String> h = headers(category, event, connectionId, userId);
        h.put("X-ASRS-Signature", UpstreamSignature.sign(KEY, connectionId));
        return h;
    }

    static HttpCall post(Map<String, String> headers, String body) {
        return new HttpCall("POST", headers, Map.of(), body);
    }

    static String connectedBody() {
        return "{\"type\":10}";
    }

    static String invocation(String id, String target, Object... args) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", 1);
        if (id != null) {
            m.put("invocationId", id);
        }
        m.put("target", target);
        m.put("arguments", List.of(args));
        try {
            return Json.mapper().writeValueAsString(m) + RS;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode completion(HttpReply reply) throws Exception {
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers()).containsEntry("Content-Type", "application/json");
        assertThat(reply.body()).endsWith(String.valueOf(RS));
        JsonNode c =
                Json.mapper().readTree(reply.body().substring(0, reply.body().length() - 1));
        assertThat(c.get("type").asInt()).isEqualTo(3);
        return c;
    }

    // --- signature ---

    @Test
    void signedConnectedRegistersTheConnection() {
        HttpReply r = signed.handle(
                post(signedHeaders("connections", "connected", "c1", AGENT), connectedBody()),
                "cifhub",
                "connections",
                "connected");
        assertThat(r.status()).isEqualTo(200);
        assertThat(f.registry.listForUser(AGENT))
                .extracting(c -> c.connectionId())
                .containsExactly("c1");
    }

    @Test
    void unsignedForgedAndOtherConnectionsSignaturesAre401AndNothingIsWritten() {
        Map<String, String> unsigned = headers("connections", "connected", "c1", AGENT);
        Map<String, String> forged = headers("connections", "connected", "c1", AGENT);
        forged.put("X-ASRS-Signature", UpstreamSignature.sign("attacker-key-0123456789abcdefghijklmnopqrstu", "c1"));
        Map<String, String> replayed = headers("connections", "connected", "c1", AGENT);
        replayed.put("X-ASRS-Signature", UpstreamSignature.sign(KEY, "another-connection"));
        Map<String, String> garbage = headers("connections", "connected", "c1", AGENT);
        garbage.put("X-ASRS-Signature", "sha256=zz");
        for (Map<String, String> h : List.of(unsigned, forged, replayed, garbage)) {
            HttpReply r = signed.handle(post(h, connectedBody()), "cifhub", "connections", "connected");
            assertThat(r.status()).as(h.toString()).isEqualTo(401);
            assertThat(r.headers().get("Content-Type")).isEqualTo("application/problem+json");
        }
        assertThat(f.registry.listForUser(AGENT)).isEmpty();
    }

    @Test
    void duringKeyRotationAnyListedSignatureMayMatchInAnyCase() {
        Map<String, String> h = headers("connections", "connected", "c2", AGENT);
        // The service signs with both keys; ours is the second entry (the primary was just regenerated).
        h.put(
                "X-ASRS-Signature",
                UpstreamSignature.sign(OTHER_KEY, "c2") + ", "
                        + UpstreamSignature.sign(KEY, "c2").toLowerCase());
        assertThat(signed.handle(post(h, connectedBody()), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(200);
        UpstreamHandler rotatedApp = new UpstreamHandler(
                new UpstreamAuthenticator(List.of(OTHER_KEY), List.of(), null),
                "cifhub",
                connections,
                decisions,
                agentStates);
        assertThat(rotatedApp
                        .handle(post(h, connectedBody()), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(200);
    }

    // --- managed-identity bearer ---

    @Test
    void bearerFromSignalRsIdentityForTheResourceIsAccepted() {
        Map<String, String> h = headers("connections", "connected", "c3", AGENT);
        h.put("Authorization", "Bearer " + idp.token("entra", RESOURCE, SIGNALR_OID, Map.of(), 600));
        assertThat(bearerOnly()
                        .handle(post(h, connectedBody()), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(200);
        assertThat(f.registry.listForUser(AGENT)).hasSize(1);
    }

    @Test
    void theTokenMayComeInTheAuthenticationHeaderAndFromTheV1Issuer() {
        JwtValidator v2 = JwtValidator.builder()
                .authority(idp.authority())
                .audience(RESOURCE)
                .httpTimeout(Duration.ofSeconds(30))
                .build();
        // a second issuer of the same provider stands for the tenant's v1.0 issuer (same keys, other iss)
        JwtValidator v1 = JwtValidator.builder()
                .authority(idp.authority())
                .issuer(idp.authority().replace("/entra", "/sts"))
                .audience(RESOURCE)
                .httpTimeout(Duration.ofSeconds(30))
                .build();
        UpstreamHandler handler = new UpstreamHandler(
                new UpstreamAuthenticator(List.of(), List.of(v2, v1), SIGNALR_OID),
                "cifhub",
                connections,
                decisions,
                agentStates);
        Map<String, String> h = headers("connections", "connected", "c10", AGENT);
        h.put("Authentication", idp.token("entra", RESOURCE, SIGNALR_OID, Map.of(), 600));
        assertThat(handler.handle(post(h, ""), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(200);
        Map<String, String> v1Token = headers("connections", "connected", "c11", AGENT);
        v1Token.put("Authorization", "Bearer " + idp.token("sts", RESOURCE, SIGNALR_OID, Map.of(), 600));
        assertThat(handler.handle(post(v1Token, "{}"), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(200);
        assertThat(f.registry.listForUser(AGENT)).hasSize(2);
        Map<String, String> otherIssuer = headers("connections", "connected", "c12", AGENT);
        otherIssuer.put("Authorization", "Bearer " + idp.token("elsewhere", RESOURCE, SIGNALR_OID, Map.of(), 600));
        assertThat(handler.handle(post(otherIssuer, "{}"), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void missingExpiredWrongAudienceWrongIssuerAndOtherIdentitiesAre401() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("missing", null);
        cases.put("expired", idp.token("entra", RESOURCE, SIGNALR_OID, Map.of(), -600));
        cases.put("wrong audience", idp.token("entra", "api://another-app", SIGNALR_OID, Map.of(), 600));
        cases.put("wrong issuer", idp.token("other-tenant", RESOURCE, SIGNALR_OID, Map.of(), 600));
        cases.put("another identity of the tenant", idp.token("entra", RESOURCE, "some-other-mi", Map.of(), 600));
        cases.put("not a jwt", "abc.def");
        UpstreamHandler handler = bearerOnly();
        cases.forEach((name, token) -> {
            Map<String, String> h = signedHeaders("connections", "connected", "c4", AGENT);
            if (token != null) {
                h.put("Authorization", "Bearer " + token);
            }
            HttpReply r = handler.handle(post(h, connectedBody()), "cifhub", "connections", "connected");
            assertThat(r.status()).as(name).isEqualTo(401);
            assertThat(r.headers().get("WWW-Authenticate")).as(name).startsWith("Bearer");
        });
        assertThat(f.registry.listForUser(AGENT)).isEmpty();
    }

    @Test
    void withKeyAndBearerConfiguredBothAreRequired() {
        JwtValidator v = JwtValidator.builder()
                .authority(idp.authority())
                .audience(RESOURCE)
                .httpTimeout(Duration.ofSeconds(30))
                .build();
        UpstreamHandler both = new UpstreamHandler(
                new UpstreamAuthenticator(List.of(KEY), List.of(v), SIGNALR_OID),
                "cifhub",
                connections,
                decisions,
                agentStates);
        String token = "Bearer " + idp.token("entra", RESOURCE, SIGNALR_OID, Map.of(), 600);
        Map<String, String> bearerOnly = headers("connections", "connected", "c5", AGENT);
        bearerOnly.put("Authorization", token);
        assertThat(both.handle(post(bearerOnly, connectedBody()), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(401);
        Map<String, String> signatureOnly = signedHeaders("connections", "connected", "c5", AGENT);
        assertThat(both.handle(post(signatureOnly, connectedBody()), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(401);
        signatureOnly.put("Authorization", token);
        assertThat(both.handle(post(signatureOnly, connectedBody()), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void noWayToAuthenticateRefusesToStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new UpstreamAuthenticator(List.of(), List.of(), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SignalRUpstreamResource");
    }

    // --- routing and bad input ---

    @Test
    void routeAndHeadersMustAgree() {
        Map<String, String> h = signedHeaders("connections", "connected", "c6", AGENT);
        assertThat(signed.handle(post(h, connectedBody()), "cifhub", "connections", "disconnected")
                        .status())
                .isEqualTo(400);
        assertThat(signed.handle(post(h, connectedBody()), "otherhub", "connections", "connected")
                        .status())
                .isEqualTo(400);
        assertThat(signed.handle(post(h, connectedBody()), "cifhub", "messages", "connected")
                        .status())
                .isEqualTo(400);
        // hub names are case-insensitive, as in the service
        assertThat(signed.handle(post(h, connectedBody()), "CIFHUB", "connections", "connected")
                        .status())
                .isEqualTo(200);
        // the invocation target must be the event the headers name
        Map<String, String> m = signedHeaders("messages", "decide", "c6", AGENT);
        assertThat(signed.handle(post(m, invocation("1", "other", Map.of())), "cifhub", "messages", "decide")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void unknownEventsAndHubsAre404() {
        Map<String, String> h = signedHeaders("messages", "nosuchmethod", "c7", AGENT);
        assertThat(signed.handle(post(h, invocation("1", "nosuchmethod")), "cifhub", "messages", "nosuchmethod")
                        .status())
                .isEqualTo(404);
        Map<String, String> c = signedHeaders("connections", "reconnected", "c7", AGENT);
        assertThat(signed.handle(post(c, connectedBody()), "cifhub", "connections", "reconnected")
                        .status())
                .isEqualTo(404);
        Map<String, String> hub = signedHeaders("connections", "connected", "c7", AGENT);
        hub.put("X-ASRS-Hub", "otherhub");
        assertThat(signed.handle(post(hub, connectedBody()), "otherhub", "connections", "connected")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void malformedRequestsAre4xxAndWriteNothing() {
        String route = "connected";
        Map<String, String> h = signedHeaders("connections", route, "c8", AGENT);
        for (String body : List.of("not json", "[1]", "{\"type\":11}", "{\"type\":10", "{\"type\":10}{")) {
            assertThat(signed.handle(post(h, body), "cifhub", "connections", route)
                            .status())
                    .as(body)
                    .isEqualTo(400);
        }
        Map<String, String> m = signedHeaders("messages", "decide", "c8", AGENT);
        assertThat(signed.handle(
                                post(m, "{\"type\":1,\"invocationId\":\"1\",\"target\":\"decide\",\"arguments\":{}}"),
                                "cifhub",
                                "messages",
                                "decide")
                        .status())
                .isEqualTo(400);
        assertThat(signed.handle(
                                post(m, "{\"type\":4,\"invocationId\":\"1\",\"target\":\"decide\"}"),
                                "cifhub",
                                "messages",
                                "decide")
                        .status())
                .isEqualTo(400);
        Map<String, String> noHeaders = signedHeaders("connections", route, "c8", AGENT);
        noHeaders.remove("X-ASRS-Event");
        assertThat(signed.handle(post(noHeaders, connectedBody()), "cifhub", "connections", route)
                        .status())
                .isEqualTo(400);
        Map<String, String> msgpack = signedHeaders("connections", route, "c8", AGENT);
        msgpack.put("Content-Type", "application/x-msgpack");
        assertThat(signed.handle(post(msgpack, connectedBody()), "cifhub", "connections", route)
                        .status())
                .isEqualTo(415);
        assertThat(signed.handle(new HttpCall("GET", h, Map.of(), null), "cifhub", "connections", route)
                        .status())
                .isEqualTo(405);
        assertThat(f.registry.listForUser(AGENT)).isEmpty();
    }

    // --- events ---

    @Test
    void connectedWithoutUserIs403AndDisconnectedRemovesTheRow() {
        Map<String, String> anonymous = signedHeaders("connections", "connected", "anon", null);
        assertThat(signed.handle(post(anonymous, connectedBody()), "cifhub", "connections", "connected")
                        .status())
                .isEqualTo(403);

        f.connect(AGENT, "c9");
        Map<String, String> h = signedHeaders("connections", "disconnected", "c9", AGENT);
        HttpReply r =
                signed.handle(post(h, "{\"type\":11,\"error\":\"closed\"}"), "cifhub", "connections", "disconnected");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isNull();
        assertThat(f.registry.listForUser(AGENT)).isEmpty();
        // already gone is fine
        assertThat(signed.handle(post(h, "{\"Type\":11}"), "cifhub", "connections", "disconnected")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void acceptAnswersACompletionWithTheResult() throws Exception {
        NotificationRecord n = f.ringing(AGENT);
        f.connect(AGENT, "tab-a");
        Map<String, String> h = signedHeaders("messages", "decide", "tab-a", AGENT);
        JsonNode c = completion(signed.handle(
                post(h, invocation("7", "decide", Map.of("notificationId", n.notificationId(), "decision", "accept"))),
                "cifhub",
                "messages",
                "decide"));
        assertThat(c.get("invocationId").asText()).isEqualTo("7");
        assertThat(c.has("error")).isFalse();
        assertThat(c.get("result").get("status").asText()).isEqualTo("recorded");
        assertThat(c.get("result").get("outcome").asText()).isEqualTo("Accepted");
        assertThat(c.get("result").get("notificationId").asText()).isEqualTo(n.notificationId());
        assertThat(f.entry(n).state()).isEqualTo(NotificationState.ACCEPTED);
        assertThat(f.sender.outcomesFor(n.notificationId()))
                .extracting(o -> o.outcome())
                .containsExactly(OutcomeType.ACCEPTED);
    }

    @Test
    void rejectAndASecondDecisionAnswerTheirResults() throws Exception {
        NotificationRecord n = f.ringing(AGENT);
        Map<String, String> h = signedHeaders("messages", "decide", "tab-b", AGENT);
        JsonNode first = completion(signed.handle(
                post(
                        h,
                        invocation(
                                "1",
                                "decide",
                                Map.of("notificationId", n.notificationId(), "decision", "reject", "reason", "busy"))),
                "cifhub",
                "messages",
                "decide"));
        assertThat(first.get("result").get("outcome").asText()).isEqualTo("Rejected");
        JsonNode second = completion(signed.handle(
                post(h, invocation("2", "decide", Map.of("notificationId", n.notificationId(), "decision", "accept"))),
                "cifhub",
                "messages",
                "decide"));
        assertThat(second.get("result").get("status").asText()).isEqualTo("already-decided");
        assertThat(second.get("result").get("outcome").asText()).isEqualTo("Rejected");
    }

    @Test
    void refusalsBecomeCompletionErrorsAndChangeNothing() throws Exception {
        NotificationRecord n = f.ringing(AGENT);
        Map<String, String> intruder = signedHeaders("messages", "decide", "tab-x", "agent-oid-2");
        JsonNode notYours = completion(signed.handle(
                post(
                        intruder,
                        invocation("3", "decide", Map.of("notificationId", n.notificationId(), "decision", "accept"))),
                "cifhub",
                "messages",
                "decide"));
        assertThat(notYours.get("error").asText()).startsWith("not-yours:");
        assertThat(notYours.has("result")).isFalse();
        JsonNode invalid = completion(signed.handle(
                post(
                        signedHeaders("messages", "decide", "tab-a", AGENT),
                        invocation("4", "decide", Map.of("decision", "maybe"))),
                "cifhub",
                "messages",
                "decide"));
        assertThat(invalid.get("error").asText()).startsWith("invalid:");
        assertThat(f.entry(n).state()).isEqualTo(NotificationState.DELIVERED);
        assertThat(f.sender.messages).isEmpty();
    }

    @Test
    void anInvocationWithoutIdIsRunAndAnsweredEmpty() {
        NotificationRecord n = f.ringing(AGENT);
        HttpReply r = signed.handle(
                post(
                        signedHeaders("messages", "decide", "tab-a", AGENT),
                        invocation(null, "decide", Map.of("notificationId", n.notificationId(), "decision", "accept"))),
                "cifhub",
                "messages",
                "decide");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isNull();
        assertThat(f.entry(n).state()).isEqualTo(NotificationState.ACCEPTED);
    }

    @Test
    void theClientQueriesAccessTokenIsNeverKept() {
        assertThat(UpstreamHandler.query("?hub=cifhub&access_token=abc&id=1")).containsOnlyKeys("hub", "id");
        assertThat(UpstreamHandler.claims("nameid: a, asrs.s.uid: a, nameid: b"))
                .containsEntry("nameid", "a");
    }

    @Test
    void availabilityHubMethodsAreServedThroughTheUpstreamRoute() throws Exception {
        Map<String, String> h = signedHeaders("messages", "setAvailability", "c-av", AGENT);
        HttpReply r = signed.handle(
                post(h, invocation("7", "setAvailability", Map.of("availability", "Busy"))),
                "cifhub",
                "messages",
                "setAvailability");
        assertThat(r.status()).isEqualTo(200);
        JsonNode completion =
                Json.mapper().readTree(r.body().substring(0, r.body().length() - 1));
        assertThat(completion.get("result").toString())
                .isEqualTo("{\"status\":\"recorded\",\"availability\":\"Busy\"}");
        HttpReply bad = signed.handle(
                post(h, invocation("8", "setAvailability", Map.of("availability", "busy"))),
                "cifhub",
                "messages",
                "setAvailability");
        assertThat(Json.mapper()
                        .readTree(bad.body().substring(0, bad.body().length() - 1))
                        .get("error")
                        .asText())
                .startsWith("invalid:")
                .contains("/availability");
        Map<String, String> g = signedHeaders("messages", "getAgentState", "c-av", AGENT);
        HttpReply state =
                signed.handle(post(g, invocation("9", "getAgentState")), "cifhub", "messages", "getAgentState");
        JsonNode result = Json.mapper()
                .readTree(state.body().substring(0, state.body().length() - 1))
                .get("result");
        assertThat(result.get("availability").asText()).isEqualTo("Busy");
        assertThat(result.get("missedCalls").isArray()).isTrue();
        Map<String, String> m = signedHeaders("messages", "getMissedCalls", "c-av", AGENT);
        HttpReply missed =
                signed.handle(post(m, invocation("10", "getMissedCalls")), "cifhub", "messages", "getMissedCalls");
        assertThat(Json.mapper()
                        .readTree(missed.body().substring(0, missed.body().length() - 1))
                        .get("result")
                        .get("missedCalls")
                        .isArray())
                .isTrue();
        Map<String, String> u = signedHeaders("messages", "setMood", "c-av", AGENT);
        assertThat(signed.handle(post(u, invocation("11", "setMood")), "cifhub", "messages", "setMood")
                        .status())
                .isEqualTo(404);
    }
}
