package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimerTriggerTest {
    @TempDir
    static Path dir;

    static FunctionsHost host;

    @BeforeAll
    static void start() throws Exception {
        host = FunctionsHost.builder()
                .appDirectory(TestApp.create(dir))
                .inProcess(true)
                .masterKey("m")
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    @Test
    void runOnStartupInvokesOnceWithTimerInfoJson() throws Exception {
        JsonNode event =
                TestApp.awaitRecorded(host.url(), e -> e.path("kind").asText().equals("timer"));
        JsonNode info = HostJson.MAPPER.readTree(event.get("info").asText());
        assertThat(info.path("Schedule").path("AdjustForDST").asBoolean()).isTrue();
        assertThat(info.path("IsPastDue").asBoolean()).isFalse();
        // Schedule "0 0 0 1 1 *": the next run is next New Year, 00:00:00.
        assertThat(info.path("ScheduleStatus").path("Next").asText()).matches("\\d{4}-01-01T00:00");
        assertThat(info.path("ScheduleStatus").has("Last")).isTrue();
    }

    @Test
    void retryPolicyRetriesATimerWithRetryContext() throws Exception {
        TestApp.awaitRecorded(
                host.url(),
                e -> e.path("kind").asText().equals("flaky") && e.path("retry").asInt() == 2);
        List<JsonNode> attempts = TestApp.recorded(host.url()).stream()
                .filter(e -> e.path("kind").asText().equals("flaky"))
                .toList();
        assertThat(attempts).extracting(e -> e.get("retry").asInt()).containsExactly(0, 1, 2);
        assertThat(attempts).allSatisfy(e -> assertThat(e.get("max").asInt()).isEqualTo(2));
        assertThat(attempts.get(1).get("previous").asText()).isEqualTo("attempt 0 fails");
    }

    @Test
    void adminEndpointRunsATimerNow() throws Exception {
        TestApp.awaitRecorded(host.url(), e -> e.path("kind").asText().equals("timer"));
        assertThat(TestApp.post(host.url() + "/admin/functions/startupTimer", "{}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(TestApp.post(host.url() + "/admin/functions/startupTimer?code=m", "{}")
                        .statusCode())
                .isEqualTo(202);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (timerRuns() < 2 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(timerRuns()).isEqualTo(2);
        assertThat(TestApp.post(host.url() + "/admin/functions/hello?code=m", "{}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(TestApp.post(host.url() + "/admin/functions/nope?code=m", "{}")
                        .statusCode())
                .isEqualTo(404);
    }

    private static long timerRuns() throws Exception {
        return TestApp.recorded(host.url()).stream()
                .filter(e -> e.path("kind").asText().equals("timer"))
                .count();
    }
}
