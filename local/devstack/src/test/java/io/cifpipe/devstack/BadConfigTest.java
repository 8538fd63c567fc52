package io.cifpipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cifpipe.devstack.parts.AzuritePart;
import io.cifpipe.devstack.parts.FunctionsPart;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration ends in one message naming the problem and the fix, before anything half-starts. */
class BadConfigTest {
    @TempDir
    Path tmp;

    @Test
    void portInUseNamesThePortThePartAndTheFix() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Ports p = Ports.ephemeral();
            Ports ports = new Ports(
                    p.web(),
                    p.entra(),
                    p.azurite(),
                    p.serviceBus(),
                    p.serviceBusAdmin(),
                    busy.getLocalPort(),
                    p.ingress(),
                    p.dispatch(),
                    p.presence());
            StackConfig config = new StackConfig(TestStacks.repoRoot(), tmp, Optional.empty(), ports, Keys.generate());
            StackException e =
                    catchThrowableOfType(StackException.class, () -> LocalStack.start(config, Progress.silent()));
            assertThat(e.getMessage()).contains("Port " + busy.getLocalPort()).contains("SignalR emulator");
            assertThat(e.fix()).contains("./dev down");
        }
    }

    @Test
    void missingAzuriteSaysHowToInstallIt() {
        Path emptyRepo = tmp.resolve("repo");
        StackConfig config = TestStacks.config(emptyRepo, tmp.resolve("state"));
        try (AzuritePart azurite = new AzuritePart(config)) {
            StackException e = catchThrowableOfType(StackException.class, azurite::start);
            assertThat(e.getMessage()).contains("Azurite is not installed");
            assertThat(e.fix()).contains("./dev up");
        }
    }

    @Test
    void missingAppBuildSaysRunMavenInstall() throws Exception {
        Path emptyRepo = tmp.resolve("repo");
        Files.createDirectories(emptyRepo);
        StackConfig config = TestStacks.config(emptyRepo, tmp.resolve("state"));
        try (FunctionsPart functions = new FunctionsPart(config, "sb", "signalr")) {
            StackException e = catchThrowableOfType(StackException.class, functions::start);
            assertThat(e.getMessage()).contains("functions-ingress/target/azure-functions/cifpipe-ingress");
            assertThat(e.fix()).contains("mvn -B install");
        }
    }

    @Test
    void staleLockFromACrashedStackIsIgnored() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(tmp.resolve("devstack.pid"), Long.toString(gone.pid()));
        PidFile pid = new PidFile(tmp);
        assertThat(pid.running()).isEmpty();
        pid.claim();
        assertThat(Files.readString(tmp.resolve("devstack.pid")))
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        pid.release();
        assertThat(tmp.resolve("devstack.pid")).doesNotExist();
    }
}
