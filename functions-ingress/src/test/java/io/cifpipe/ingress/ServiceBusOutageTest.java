package io.cifpipe.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.http.HttpReply;
import io.cifpipe.testsupport.Azurite;
import io.cifpipe.testsupport.FreePorts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The real Service Bus SDK (bounded retries from RuntimeClients) against a namespace that is down: 503, not a hang. */
@Tag("slow") // 10 s: waits out a Service Bus outage: left out of ./dev test --fast
class ServiceBusOutageTest {
    @Test
    void unreachableServiceBusIs503WithRetryAfterWithinBoundedTime() throws Exception {
        int closedPort = FreePorts.free();
        Map<String, String> env = Map.of(
                "ServiceBusConnection",
                "Endpoint=sb://127.0.0.1:" + closedPort
                        + ";SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true",
                "TablesConnection",
                Azurite.shared().connectionString());
        try (RuntimeClients clients = new RuntimeClients(env::get, Clock.systemUTC())) {
            IngressService service = new IngressRuntime(clients).service();
            Instant start = Instant.now();
            HttpReply r = service.post(
                    IngressServiceTest.bytes(IngressServiceTest.offered("evt-o", "call-o", "agent-o")),
                    CallEventCodec.MEDIA_TYPE,
                    null,
                    null);
            Duration took = Duration.between(start, Instant.now());

            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.headers()).containsKey("Retry-After");
            assertThat(took).isLessThan(Duration.ofSeconds(60));
            assertThat(r.body()).contains("unavailable");
        }
    }
}
