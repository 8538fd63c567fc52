package io.cifpipe.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.tables.NotificationLedger;
import io.cifpipe.testsupport.Azurite;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The optional Entra app-token check against a real OIDC provider (mock-oauth2-server): 401 vs 403 vs 202. */
class AppTokenIngressTest {
    static final String API = "api://cifpipe-ingress";
    static MockOAuth2Server idp;
    private final List<ServiceBusMessage> sent = new ArrayList<>();
    private IngressService service;

    @BeforeAll
    static void startIdp() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterAll
    static void stopIdp() {
        idp.shutdown();
    }

    @BeforeEach
    void setUp() {
        CallEventCodec codec = new CallEventCodec();
        JwtValidator validator = JwtValidator.builder()
                .authority(idp.issuerUrl("entra").toString())
                .audience(API)
                .build();
        service = new IngressService(
                codec,
                new CallEventSender(sent::addAll, codec::encode, 30, 300),
                () -> new NotificationLedger(Azurite.freshTable("Tok"), Clock.systemUTC()),
                new AppTokenCheck(validator, "Calls.Send"));
    }

    private String token(String audience, Map<String, Object> claims) {
        Map<String, Object> all = new java.util.HashMap<>(claims);
        all.put("oid", "sp-object-id-1"); // Entra app tokens carry the service principal's object id
        return idp.issueToken("entra", "telephony-app", audience, all, 600).serialize();
    }

    private HttpReply post(String authorization) {
        return service.post(
                IngressServiceTest.bytes(IngressServiceTest.offered("evt-1", "call-1", "agent-1")),
                CallEventCodec.MEDIA_TYPE,
                authorization,
                null);
    }

    @Test
    void missingOrInvalidTokenIs401WithChallenge() {
        HttpReply none = post(null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().get("WWW-Authenticate")).startsWith("Bearer");

        HttpReply wrongAudience = post("Bearer " + token("api://someone-else", Map.of("roles", List.of("Calls.Send"))));
        assertThat(wrongAudience.status()).isEqualTo(401);
        assertThat(wrongAudience.headers().get("WWW-Authenticate")).contains("invalid_token");
        assertThat(sent).isEmpty();
    }

    @Test
    void validTokenWithoutTheRoleIs403() {
        HttpReply r = post("Bearer " + token(API, Map.of("roles", List.of("Calls.Read"))));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.headers()).containsEntry("Content-Type", "application/problem+json");
        // The one 403 type for a token without the permission, the same as presence's (shared-runtime README).
        assertThat(r.body()).contains("\"type\":\"urn:cifpipe:problem:insufficient-scope\"");
        assertThat(r.headers().get("WWW-Authenticate")).contains("insufficient_scope");
        assertThat(sent).isEmpty();
    }

    @Test
    void validTokenWithTheRoleIsAccepted() {
        HttpReply r = post("Bearer " + token(API, Map.of("roles", List.of("Calls.Send"))));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(sent).hasSize(1);
    }
}
