package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default mode: the app in its own JVM whose environment carries the app settings. */
class ChildProcessTest {
    @TempDir
    Path dir;

    @Test
    void settingsReachFunctionCodeThroughSystemGetenv() throws Exception {
        FunctionsHost host = FunctionsHost.builder()
                .appDirectory(TestApp.create(dir))
                .appName("child-app")
                .settings(Map.of("GreetingFromBuilder", "hello-child", "InQueue", "q"))
                .jvmOptions(java.util.List.of("-Xmx192m"))
                .childLog(dir.resolve("child.log"))
                .build();
        try (host) {
            host.start();
            assertThat(TestApp.get(host.url() + "/api/env/GreetingFromBuilder").body())
                    .isEqualTo("hello-child");
            assertThat(TestApp.get(host.url() + "/api/env/FromLocalSettings").body())
                    .as("local.settings.json Values become environment")
                    .isEqualTo("local-value");
            assertThat(TestApp.get(host.url() + "/api/env/PATH").body())
                    .as("parent environment is inherited")
                    .isEqualTo(System.getenv("PATH"));
            assertThat(TestApp.get(host.url() + "/api/hello/child").body()).isEqualTo("hello child");
            // Errors are reported back from the child: no SbConn setting given; signalRTrigger unsupported.
            assertThat(host.functionErrors()).containsKeys("consume", "onConnected");
            assertThat(host.functions()).contains("hello", "env");
        }
        assertThat(Files.readString(dir.resolve("child.log")))
                .as("child log captured")
                .contains("function 'consume' is in error")
                .contains("listening on http://127.0.0.1:" + host.port());
        assertThat(portIsFree(host.port())).as("child stopped on close").isTrue();
    }

    @Test
    void aPortInUseIsAClearStartupError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            // In-process: the same listen path the child runs, without paying a JVM start in the test budget.
            FunctionsHost host = FunctionsHost.builder()
                    .appDirectory(TestApp.create(dir))
                    .port(taken.getLocalPort())
                    .inProcess(true)
                    .build();
            assertThatThrownBy(host::start)
                    .isInstanceOf(FunctionsHostException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void aFolderWithoutHostJsonIsRejectedWithTheFix() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> FunctionsHost.builder().appDirectory(empty).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mvn package");
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
