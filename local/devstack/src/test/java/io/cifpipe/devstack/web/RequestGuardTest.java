package io.cifpipe.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestGuardTest {
    private final RequestGuard guard = new RequestGuard(8080);

    @Test
    void sameOriginJsonFromThePagesPasses() {
        assertThat(guard.checkStateChange("localhost:8080", "http://localhost:8080", "same-origin", "application/json"))
                .isEmpty();
        assertThat(guard.checkStateChange(
                        "127.0.0.1:8080", "http://127.0.0.1:8080", null, "application/json; charset=utf-8"))
                .isEmpty();
        assertThat(guard.checkStateChange("localhost:8080", null, null, "application/cloudevents+json"))
                .isEmpty();
        assertThat(guard.checkStateChange("localhost:8080", null, null, "application/cloudevents-batch+json"))
                .isEmpty();
    }

    @Test
    void crossOriginIsRefusedWith403NamingTheOrigin() {
        var r = guard.checkStateChange("localhost:8080", "http://evil.example", null, "application/json");
        assertThat(r).get().extracting(RequestGuard.Refusal::status).isEqualTo(403);
        assertThat(r.get().detail()).contains("http://evil.example");
        // another local port is another origin
        assertThat(guard.checkStateChange("localhost:8080", "http://localhost:9999", null, "application/json"))
                .isPresent();
        assertThat(guard.checkStateChange("localhost:8080", "null", null, "application/json"))
                .isPresent();
    }

    @Test
    void secFetchSiteCrossSiteIsRefusedEvenWithoutOrigin() {
        assertThat(guard.checkStateChange("localhost:8080", null, "cross-site", "application/json"))
                .get()
                .extracting(RequestGuard.Refusal::status)
                .isEqualTo(403);
        assertThat(guard.checkStateChange("localhost:8080", null, "same-site", "application/json"))
                .isPresent();
    }

    @Test
    void nonJsonBodiesAreRefusedWith415() {
        for (String ct : new String[] {
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            null,
            "application/jsonp",
            "text/json"
        }) {
            assertThat(guard.checkStateChange("localhost:8080", "http://localhost:8080", "same-origin", ct))
                    .as(ct)
                    .get()
                    .extracting(RequestGuard.Refusal::status)
                    .isEqualTo(415);
        }
    }

    @Test
    void rebindingHostNamesAreRefused() {
        assertThat(guard.checkHost("evil.example:8080")).isPresent();
        assertThat(guard.checkHost("localhost:8081")).isPresent();
        assertThat(guard.checkHost(null)).isPresent();
        assertThat(guard.checkHost("LOCALHOST:8080")).isEmpty();
        assertThat(guard.checkHost("[::1]:8080")).isEmpty();
    }

    @Test
    void toolPagesMayNotBeFramedTheAgentPageOnlyByItsOwnOrigin() {
        assertThat(PageSecurity.policyFor("/ops.html"))
                .contains("frame-ancestors 'none'")
                .contains("script-src 'self'");
        assertThat(PageSecurity.policyFor("/telephony.html")).contains("frame-ancestors 'none'");
        assertThat(PageSecurity.policyFor("/api/state/dlq")).contains("frame-ancestors 'none'");
        assertThat(PageSecurity.policyFor("/agent.html"))
                .contains("frame-ancestors 'self'")
                .contains("frame-src 'self'");
    }
}
