package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.host.signalr.SignalRSignature;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalRSignatureTest {
    private static final String KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";

    @Test
    void matchesTheRecordedTestVector() {
        // From shared/protocols/signalr-serverless.md §B (computed with node crypto).
        assertThat(SignalRSignature.sign(KEY, "conn1"))
                .isEqualTo("sha256=8DE7281E588E23B0A30A7180FFA240257B8176E983004C240C9F3F7A7233C993");
    }

    @Test
    void acceptsAnyListedSignatureCaseInsensitively() {
        String good = SignalRSignature.sign(KEY, "conn1").toLowerCase();
        assertThat(SignalRSignature.valid("sha256=00," + good, "conn1", List.of(KEY))).isTrue();
        assertThat(SignalRSignature.valid(good, "conn2", List.of(KEY))).isFalse();
        assertThat(SignalRSignature.valid(good, "conn1", List.of("other-key"))).isFalse();
        assertThat(SignalRSignature.valid(null, "conn1", List.of(KEY))).isFalse();
    }

    @Test
    void readsTheAccessKeyFromAConnectionString() {
        assertThat(SignalRSignature.accessKey("Endpoint=http://localhost;Port=8888;accesskey=" + KEY + ";Version=1.0;"))
                .isEqualTo(KEY);
        assertThatThrownBy(() -> SignalRSignature.accessKey("Endpoint=http://x;Version=1.0")).hasMessageContaining("AccessKey");
    }
}
