package io.cifpipe.runtime.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SignalRConnectionStringTest {
    private static final String KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";

    @Test
    void parsesEmulatorStyleStringWithPortOverride() {
        var cs =
                SignalRConnectionString.parse("Endpoint=http://localhost;Port=8888;AccessKey=" + KEY + ";Version=1.0;");
        assertThat(cs.endpoint()).hasToString("http://localhost:8888");
        assertThat(cs.clientEndpoint()).isEqualTo(cs.endpoint());
        assertThat(cs.serverEndpoint()).isEqualTo(cs.endpoint());
        assertThat(cs.accessKey()).isEqualTo(KEY);
    }

    @Test
    void keysAreCaseInsensitiveAndTrailingSlashIsTrimmed() {
        var cs = SignalRConnectionString.parse("endpoint=https://x.service.signalr.net/;ACCESSKEY=" + KEY
                + ";version=1.0;ClientEndpoint=https://edge.example.com");
        assertThat(cs.endpoint()).hasToString("https://x.service.signalr.net");
        assertThat(cs.clientEndpoint()).hasToString("https://edge.example.com");
    }

    @Test
    void rejectsDuplicatesMissingPartsAndBadVersion() {
        assertThatThrownBy(() -> SignalRConnectionString.parse("Endpoint=http://a;Endpoint=http://b;AccessKey=" + KEY))
                .hasMessageContaining("duplicate key 'Endpoint'");
        assertThatThrownBy(() -> SignalRConnectionString.parse("AccessKey=" + KEY))
                .hasMessageContaining("lacks Endpoint");
        assertThatThrownBy(() -> SignalRConnectionString.parse("Endpoint=http://a;Version=1.0"))
                .hasMessageContaining("lacks AccessKey");
        assertThatThrownBy(() -> SignalRConnectionString.parse("Endpoint=http://a;AccessKey=" + KEY + ";Version=2.0"))
                .hasMessageContaining("Version must be 1.x");
        assertThatThrownBy(() -> SignalRConnectionString.parse("Endpoint=ftp://a;AccessKey=" + KEY))
                .hasMessageContaining("http(s)");
    }

    @Test
    void toStringHidesTheKey() {
        var cs = SignalRConnectionString.parse("Endpoint=http://localhost;AccessKey=" + KEY);
        assertThat(cs.toString()).doesNotContain(KEY);
    }
}
