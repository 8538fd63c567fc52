package io.cifpipe.emulator.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LifecycleTest {
    @Test
    void connectionStringHasTheAzureShapeAndAPortConflictIsAClearError() {
        try (SignalREmulator emulator =
                SignalREmulator.builder().port(0).build().start()) {
            int port = emulator.port();
            assertThat(emulator.connectionString())
                    .isEqualTo("Endpoint=http://127.0.0.1:" + port + ";Port=" + port + ";AccessKey="
                            + SignalREmulator.DEFAULT_ACCESS_KEY + ";Version=1.0;");
            assertThat(emulator.clientUrl("CifHub")).isEqualTo("http://127.0.0.1:" + port + "/client/?hub=cifhub");
            SignalREmulator second = SignalREmulator.builder().port(port).build();
            assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failed to start on 127.0.0.1:" + port);
        }
    }

    @Test
    void badSettingsAreRejectedAtBuildTime() {
        assertThatThrownBy(() -> SignalREmulator.builder().accessKey("short"))
                .hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> SignalREmulator.builder().upstreamTemplate("ftp://x"))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> SignalREmulator.builder().port(0).build().port())
                .hasMessageContaining("not started");
    }
}
