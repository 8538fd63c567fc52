package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The REAL generated dispatch app folder indexes: Service Bus trigger (%CallEventsQueue%), timer, HTTP. */
class RealDispatchAppTest {
    private static final Path APP = Path.of("").toAbsolutePath().getParent().getParent()
            .resolve("functions-dispatch/target/azure-functions/cifpipe-dispatch");

    @Test
    void everyFunctionIndexesAndTheQueueListenerStarts() {
        assumeTrue(Files.isRegularFile(APP.resolve("host.json")), "dispatch app not built: mvn -pl functions-dispatch package");
        try (ServiceBusEmulator broker = ServiceBusEmulator.builder().host("127.0.0.1").port(0).adminPort(0)
                .queue(QueueOptions.of("call-events")).build()) {
            broker.start();
            try (FunctionsHost host = FunctionsHost.builder().appDirectory(APP).inProcess(true)
                    .settings(Map.of("ServiceBusConnection", broker.connectionString(), "CallEventsQueue", "call-events",
                            "ExpirySweepSchedule", "0 0 0 1 1 *"))
                    .build().start()) {
                assertThat(host.functionErrors()).isEmpty();
                assertThat(host.functions()).contains("dispatchCallEvent", "expirySweep", "health");
                assertThat(TestApp.get(host.url() + "/api/health").statusCode()).isEqualTo(200);
            }
        }
    }
}
