package io.cifpipe.runtime.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.Setting;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppSettingsTest {

    private static AppSettings of(Map<String, String> values) {
        return AppSettings.of(values::get);
    }

    @Test
    void typedValuesAndDefaults() {
        AppSettings s = of(Map.of(
                "OfflineRetrySeconds",
                " 3 ",
                "ClientTokenMinutes",
                "45",
                "IngressRequireAppToken",
                "TRUE",
                "Authority",
                "https://login.example/tenant/v2.0"));
        assertThat(s.integer(Setting.OFFLINE_RETRY_SECONDS)).isEqualTo(3);
        assertThat(s.seconds(Setting.OFFLINE_RETRY_SECONDS)).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.minutes(Setting.CLIENT_TOKEN_MINUTES)).isEqualTo(Duration.ofMinutes(45));
        assertThat(s.bool(Setting.INGRESS_REQUIRE_APP_TOKEN)).isTrue();
        assertThat(s.uri(Setting.AUTHORITY)).isEqualTo(URI.create("https://login.example/tenant/v2.0"));
        // absent → the Setting's default
        assertThat(s.integer(Setting.DEFAULT_RING_SECONDS)).isEqualTo(30);
        assertThat(s.minutes(Setting.STALE_CONNECTION_MINUTES)).isEqualTo(Duration.ofMinutes(10));
        assertThat(of(Map.of()).bool(Setting.INGRESS_REQUIRE_APP_TOKEN)).isFalse();
        assertThat(s.optional(Setting.SIGNALR_UPSTREAM_RESOURCE)).isEmpty();
        assertThat(s.optionalUri(Setting.TENANT_ID)).isEmpty();
    }

    @Test
    void badValuesFailNamingTheKeyAndTheExpectedForm() {
        AppSettings s = of(Map.of(
                "OfflineRetrySeconds",
                "2s",
                "ClientTokenMinutes",
                "0",
                "IngressRequireAppToken",
                "yes",
                "Authority",
                "login.example/tenant"));
        assertThatThrownBy(() -> s.integer(Setting.OFFLINE_RETRY_SECONDS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("App setting 'OfflineRetrySeconds' must be an integer (was '2s')");
        assertThatThrownBy(() -> s.minutes(Setting.CLIENT_TOKEN_MINUTES))
                .hasMessage("App setting 'ClientTokenMinutes' must be a positive integer (was '0')");
        assertThatThrownBy(() -> s.bool(Setting.INGRESS_REQUIRE_APP_TOKEN))
                .hasMessage("App setting 'IngressRequireAppToken' must be true or false (was 'yes')");
        assertThatThrownBy(() -> s.uri(Setting.AUTHORITY))
                .hasMessageStartingWith("App setting 'Authority' must be an absolute URI");
    }

    @Test
    void missingRequiredSettingNamesTheKey() {
        assertThatThrownBy(() -> of(Map.of()).string(Setting.AUTHORITY))
                .hasMessage("App setting 'Authority' is required but not set");
    }

    @Test
    void secretValuesAreNeverEchoed() {
        AppSettings s = of(Map.of("ServiceBusConnection", "Endpoint=sb://x;SharedAccessKey=s3cr3t"));
        assertThatThrownBy(() -> s.integer(Setting.SERVICE_BUS_CONNECTION))
                .hasMessage("App setting 'ServiceBusConnection' must be an integer")
                .message()
                .doesNotContain("s3cr3t");
    }
}
