package io.cifpipe.presence.userclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.presence.testing.Fixture;
import io.cifpipe.presence.testing.TestIdp;
import io.cifpipe.runtime.http.CorsPolicy;
import io.cifpipe.runtime.http.HttpCall;
import io.cifpipe.runtime.http.HttpReply;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserClientServiceTest {
    static final String ME = "oid-me";
    static final String YOU = "oid-you";
    static TestIdp idp;

    final Fixture f = new Fixture();
    UserClientService service;

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

    UserClientService service() {
        if (service == null) {
            service = new UserClientService(
                    idp.validator(),
                    TestIdp.SCOPE,
                    f.registry,
                    new SignalROwnershipProbe(f.signalR.connectionString(), "cifhub", f.clock),
                    "cifhub",
                    new CorsPolicy(Set.of()),
                    f.clock);
        }
        return service;
    }

    HttpReply post(String token, String body, Map<String, String> extraHeaders) {
        Map<String, String> h = new HashMap<>(extraHeaders);
        if (token != null) {
            h.put("authorization", "Bearer " + token);
        }
        return service().handle(new HttpCall("POST", h, Map.of(), body));
    }

    @Test
    void ownConnectionIsConfirmedAndRefreshed() {
        Instant tenMinutesAgo = f.clock.instant().minusSeconds(600);
        f.registry.upsert(new ConnectionRecord(ME, "conn-mine", "cifhub", tenMinutesAgo, tenMinutesAgo, "ua"));
        Instant before = f.clock.instant();

        HttpReply reply = post(idp.agentToken(ME), "{\"connectionId\":\"conn-mine\"}", Map.of());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("\"userId\":\"oid-me\"").contains("\"connectionId\":\"conn-mine\"");
        assertThat(f.registry.listForUser(ME)).singleElement().satisfies(r -> assertThat(r.lastSeenAt())
                .isAfterOrEqualTo(before.minusMillis(1)));
    }

    @Test
    void someoneElsesConnectionIs403EvenWithForgedPrincipalHeader() {
        f.connect(YOU, "conn-yours");

        HttpReply reply =
                post(idp.agentToken(ME), "{\"connectionId\":\"conn-yours\"}", Map.of("x-ms-client-principal-id", YOU));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body()).contains("\"type\":\"urn:cifpipe:problem:not-your-connection\"");
        assertThat(f.registry.listForUser(ME)).isEmpty();
        assertThat(f.registry.listForUser(YOU))
                .extracting(ConnectionRecord::connectionId)
                .containsExactly("conn-yours");
    }

    @Test
    void unknownConnectionIs403() {
        assertThat(post(idp.agentToken(ME), "{\"connectionId\":\"conn-unknown\"}", Map.of())
                        .status())
                .isEqualTo(403);
        assertThat(f.registry.listForUser(ME)).isEmpty();
        assertThat(f.signalR.groups).isEmpty();
    }

    @Test
    void connectionNotYetRegisteredIsRegisteredWhenSignalRConfirmsTheCaller() {
        f.signalR.live.add("conn-early");
        f.signalR.owners.put("conn-early", ME); // opened with a token minted for ME; connected event not processed yet

        HttpReply reply =
                post(idp.agentToken(ME), "{\"connectionId\":\"conn-early\"}", Map.of("User-Agent", "panel/1"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(f.registry.listForUser(ME)).singleElement().satisfies(r -> {
            assertThat(r.connectionId()).isEqualTo("conn-early");
            assertThat(r.userAgent()).isEqualTo("panel/1");
        });
        assertThat(f.signalR.groups).as("probe group cleaned up").isEmpty();
    }

    @Test
    void liveUnregisteredConnectionOfAnotherUserIs403() {
        f.signalR.live.add("conn-theirs");
        f.signalR.owners.put("conn-theirs", YOU);

        HttpReply reply =
                post(idp.agentToken(ME), "{\"connectionId\":\"conn-theirs\"}", Map.of("x-ms-client-principal-id", YOU));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body()).contains("\"type\":\"urn:cifpipe:problem:not-your-connection\"");
        assertThat(f.registry.listForUser(ME)).isEmpty();
        assertThat(f.registry.listForUser(YOU)).isEmpty();
    }

    @Test
    void signalROutageIs503NotAGuess() {
        f.signalR.broken.add("conn-x");
        HttpReply reply = post(idp.agentToken(ME), "{\"connectionId\":\"conn-x\"}", Map.of());
        assertThat(reply.status()).isEqualTo(503);
        // Every 503 is the one type `unavailable` with Retry-After (shared-runtime README, problem types).
        assertThat(reply.body()).contains("\"type\":\"urn:cifpipe:problem:unavailable\"");
        assertThat(reply.headers()).containsKey("Retry-After");
        assertThat(f.registry.listForUser(ME)).isEmpty();
    }

    @Test
    void missingTokenIs401AndBadBodyIs400() {
        HttpReply noToken = post(null, "{\"connectionId\":\"x\"}", Map.of("x-ms-client-principal-id", ME));
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.headers()).containsEntry("WWW-Authenticate", "Bearer");

        assertThat(post(idp.agentToken(ME), "not json", Map.of()).status()).isEqualTo(400);
        assertThat(post(idp.agentToken(ME), "{\"connectionId\":42}", Map.of()).status())
                .isEqualTo(400);
        assertThat(post(idp.agentToken(ME), null, Map.of()).status()).isEqualTo(400);
    }
}
