package io.cifpipe.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.validation.ProblemType;
import io.cifpipe.runtime.auth.IdentityProviderUnavailableException;
import io.cifpipe.runtime.auth.InsufficientScopeException;
import io.cifpipe.runtime.auth.TokenRejectedException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared answers both apps give: problem+json shape, the decided 401/403/503 types and their headers. */
class HttpRepliesTest {

    private static JsonNode json(HttpReply r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    @Test
    void problemCarriesTypeTitleStatusAndNoStore() throws Exception {
        HttpReply r =
                HttpReply.problem(ProblemType.INVALID_FIELDS.details("bad").withInstance("/api/calls"));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.headers())
                .containsEntry("Content-Type", "application/problem+json")
                .containsEntry("Cache-Control", "no-store");
        JsonNode p = json(r);
        assertThat(p.get("type").asText()).isEqualTo("urn:cifpipe:problem:invalid-fields");
        assertThat(p.get("title").asText()).isEqualTo("Invalid fields");
        assertThat(p.get("status").asInt()).isEqualTo(422);
        assertThat(p.get("detail").asText()).isEqualTo("bad");
        assertThat(p.get("instance").asText()).isEqualTo("/api/calls");
    }

    @Test
    void jsonAnswer() throws Exception {
        HttpReply r = HttpReply.json(202, Map.of("a", 1)).withHeader("Location", "/x");
        assertThat(r.headers())
                .containsEntry("Content-Type", "application/json")
                .containsEntry("Location", "/x")
                .containsEntry("Cache-Control", "no-store");
        assertThat(json(r).get("a").asInt()).isEqualTo(1);
        assertThat(new String(r.bodyBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(r.body());
    }

    @Test
    void tokenWithoutPermissionIsInsufficientScope() throws Exception {
        HttpReply r = AuthReplies.of(InsufficientScopeException.missingRole("Calls.Send"), "/api/calls");
        assertThat(r.status()).isEqualTo(403);
        assertThat(json(r).get("type").asText()).isEqualTo("urn:cifpipe:problem:insufficient-scope");
        assertThat(json(r).get("instance").asText()).isEqualTo("/api/calls");
        assertThat(r.headers().get("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
    }

    @Test
    void rejectedTokenIsUnauthorized() throws Exception {
        HttpReply r = AuthReplies.of(new TokenRejectedException("expired"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(json(r).get("type").asText()).isEqualTo("urn:cifpipe:problem:unauthorized");
        assertThat(json(r).has("instance")).isFalse();
        assertThat(r.headers().get("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void unreachableIdentityProviderIsUnavailableWithRetryAfter() throws Exception {
        HttpReply r = AuthReplies.of(new IdentityProviderUnavailableException("jwks down", null));
        assertThat(r.status()).isEqualTo(503);
        assertThat(json(r).get("type").asText()).isEqualTo("urn:cifpipe:problem:unavailable");
        assertThat(r.headers()).containsEntry("Retry-After", "5");
    }
}
