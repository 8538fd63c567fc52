package io.cifpipe.presence.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.signalr.SignalRConnectionString;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which checks the settings switch on: signature with an AccessKey, bearer with a resource, both, or refusal. */
class UpstreamAuthenticatorTest {
    static final SignalRConnectionString KEYED = SignalRConnectionString.parse(
            "Endpoint=https://x.service.signalr.net;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;");
    static final SignalRConnectionString KEYLESS = SignalRConnectionString.parse(
            "Endpoint=https://x.service.signalr.net;AuthType=azure.msi;ClientId=abc;Version=1.0;");
    static final Map<String, String> ENTRA =
            Map.of(Setting.AUTHORITY.key(), "https://login.microsoftonline.com/t1/v2.0", Setting.TENANT_ID.key(), "t1");

    @Test
    void accessKeyAloneChecksTheSignature() {
        UpstreamAuthenticator a = UpstreamAuthenticator.fromSettings(Map.<String, String>of()::get, KEYED);
        assertThat(a.checksSignature()).isTrue();
        assertThat(a.checksBearer()).isFalse();
    }

    @Test
    void keylessNeedsTheUpstreamResource() {
        assertThatThrownBy(() -> UpstreamAuthenticator.fromSettings(ENTRA::get, KEYLESS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SignalRUpstreamResource");
        Map<String, String> env = new java.util.HashMap<>(ENTRA);
        env.put(Setting.SIGNALR_UPSTREAM_RESOURCE.key(), "11111111-2222-3333-4444-555555555555");
        UpstreamAuthenticator a = UpstreamAuthenticator.fromSettings(env::get, KEYLESS);
        assertThat(a.checksSignature()).isFalse();
        assertThat(a.checksBearer()).isTrue();
    }

    @Test
    void keyAndResourceCheckBoth() {
        Map<String, String> env = new java.util.HashMap<>(ENTRA);
        env.put(Setting.SIGNALR_UPSTREAM_RESOURCE.key(), "api://presence");
        UpstreamAuthenticator a = UpstreamAuthenticator.fromSettings(env::get, KEYED);
        assertThat(a.checksSignature()).isTrue();
        assertThat(a.checksBearer()).isTrue();
        assertThat(a.toString()).doesNotContain("ABCDEFGH");
    }
}
