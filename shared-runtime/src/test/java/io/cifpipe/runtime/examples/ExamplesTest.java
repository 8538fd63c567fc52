package io.cifpipe.runtime.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.runtime.RuntimeClients;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README examples do what the README says. */
class ExamplesTest {

    @Test
    void wiringBuildsComponentsOnFirstUseAndNamesTheBadSetting() {
        RuntimeClients good = new RuntimeClients(Map.of("ClientTokenMinutes", "15")::get, Clock.systemUTC());
        ExampleRuntime runtime = new ExampleRuntime(good);
        assertThat(runtime.greeter()).isSameAs(runtime.greeter());
        assertThat(runtime.greeter().hub()).isEqualTo("cifhub");
        assertThat(runtime.greeter().tokenLifetime()).isEqualTo(Duration.ofMinutes(15));

        RuntimeClients bad = new RuntimeClients(Map.of("ClientTokenMinutes", "soon")::get, Clock.systemUTC());
        ExampleRuntime broken = new ExampleRuntime(bad); // nothing read yet: no failure
        assertThatThrownBy(broken::greeter).hasMessageContaining("'ClientTokenMinutes'");
    }

    @Test
    void settingsExampleReadsDefaults() {
        // The build's environment does not set these keys, so the defaults apply.
        assertThat(SettingsExample.read()).startsWith("30 PT2S false");
    }
}
