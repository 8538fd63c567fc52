package io.cifpipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cifpipe.model.Setting;
import io.cifpipe.model.Setting.App;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void everyAppGetsEverySettingItReadsExceptTelemetry() {
        StackConfig config = TestStacks.config(tmp, tmp.resolve(".devstack"));
        for (App app : App.values()) {
            Map<String, String> values = AppSettings.forApp(
                    app,
                    config,
                    "Endpoint=sb://localhost:1;X=y",
                    "Endpoint=http://localhost:2;AccessKey=k;Version=1.0;");
            for (Setting s : Setting.forApp(app)) {
                if (s == Setting.APPLICATION_INSIGHTS
                        || s.defaultValue().map(String::isEmpty).orElse(false) && s != Setting.ALLOWED_ORIGINS) {
                    continue;
                }
                assertThat(values).as("%s for %s", s.key(), app).containsKey(s.key());
            }
            assertThat(values).doesNotContainKey(Setting.APPLICATION_INSIGHTS.key());
        }
    }

    @Test
    void pointsTheAppsAtTheLocalStack() {
        StackConfig config = TestStacks.config(tmp, tmp.resolve(".devstack"));
        Map<String, String> presence = AppSettings.forApp(App.PRESENCE, config, "sb", "signalr");
        assertThat(presence)
                .containsEntry(
                        Setting.AUTHORITY.key(),
                        "http://localhost:" + config.ports().entra() + "/entra")
                .containsEntry(
                        Setting.ALLOWED_ORIGINS.key(),
                        "http://localhost:" + config.ports().web())
                .containsEntry(Setting.AUDIENCE.key(), "api://cifpipe-local")
                .containsEntry(Setting.CLIENT_ID.key(), "cifpipe-local")
                .containsEntry(Setting.SERVICE_BUS_CONNECTION.key(), "sb")
                .containsEntry(Setting.SIGNALR_CONNECTION.key(), "signalr")
                .containsEntry(Setting.HUB_NAME.key(), "cifhub");
        assertThat(presence.get(Setting.TABLES_CONNECTION.key()))
                .contains("TableEndpoint=http://127.0.0.1:" + config.ports().azurite());
        assertThat(AppSettings.forApp(App.INGRESS, config, "sb", "signalr"))
                .doesNotContainKey(Setting.SIGNALR_CONNECTION.key());
    }

    @Test
    void writesALocalSettingsSampleInFunctionsFormat() throws Exception {
        StackConfig config = TestStacks.config(tmp, tmp.resolve(".devstack"));
        Path file = AppSettings.writeSample(App.DISPATCH, 7072, Map.of("A", "b"), config);
        assertThat(file.getFileName().toString()).isEqualTo("local.settings.dispatch.json");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("IsEncrypted").asBoolean()).isFalse();
        assertThat(json.at("/Values/A").asText()).isEqualTo("b");
        assertThat(json.at("/Host/LocalHttpPort").asInt()).isEqualTo(7072);
        assertThat(json.at("/Host/CORS").isMissingNode())
                .as("CORS is the presence app's job")
                .isTrue();
    }
}
