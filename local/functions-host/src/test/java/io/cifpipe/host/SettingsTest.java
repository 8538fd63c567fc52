package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void builderBeatsEnvironmentBeatsLocalSettings() {
        Settings s = Settings.layered(
                Map.of("A", "local", "B", "local", "C", "local"),
                Map.of("A", "env", "B", "env"),
                Map.of("B", "explicit"));
        assertThat(s.get("A")).hasValue("env");
        assertThat(s.get("B")).hasValue("explicit");
        assertThat(s.get("C")).hasValue("local");
        assertThat(s.get("c")).as("case-insensitive like app settings").hasValue("local");
    }

    @Test
    void resolvesPercentPlaceholders() {
        Settings s = new Settings(Map.of("CallEventsQueue", "call-events", "HubName", "cifhub"));
        assertThat(s.resolve("%CallEventsQueue%")).isEqualTo("call-events");
        assertThat(s.resolve("%HubName%-%CallEventsQueue%")).isEqualTo("cifhub-call-events");
        assertThat(s.resolve("calls/{callId}")).isEqualTo("calls/{callId}");
        assertThat(s.resolve("50% off")).as("a lone % is literal").isEqualTo("50% off");
        assertThatThrownBy(() -> s.resolve("%Missing%")).hasMessageContaining("'Missing'");
    }
}
