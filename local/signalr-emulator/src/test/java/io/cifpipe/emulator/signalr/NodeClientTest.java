package io.cifpipe.emulator.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code node --test} in src/test/node (the real {@code @microsoft/signalr} npm client) against an emulator and
 * the test Functions app. Fails, never skips, when node or node_modules is missing.
 */
class NodeClientTest {
    static final String KEY = "nodeclienttestkey-0123456789abcdefghijklmnopqrstuvwxyz";
    static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();

    @Test
    void realJavaScriptClientPassesTheNodeSuite() throws Exception {
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules/@microsoft/signalr"))) {
            fail("node_modules missing: run `npm ci` in " + NODE_DIR + " (./dev test does this)");
        }
        try (TestFunctionsApp app = new TestFunctionsApp(KEY);
                SignalREmulator emulator = SignalREmulator.builder()
                        .port(0)
                        .accessKey(KEY)
                        .upstreamTemplate(app.webhookTemplate())
                        .build()
                        .start()) {
            app.emulator = emulator;
            Path log = Files.createTempFile("signalr-node-test", ".log");
            ProcessBuilder pb = new ProcessBuilder(List.of("node", "--test", "--test-reporter=spec"))
                    .directory(NODE_DIR.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("SIGNALR_ENDPOINT", emulator.endpoint());
            pb.environment().put("SIGNALR_ACCESS_KEY", KEY);
            pb.environment().put("FUNCTIONS_URL", app.baseUrl());
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                fail("cannot run node (is Node.js 20+ on PATH?): " + e.getMessage());
                return;
            }
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("node --test did not finish within 90 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            assertThat(process.exitValue()).as("node --test output:\n" + output).isZero();
            assertThat(output).containsPattern("pass 3\\b").containsPattern("fail 0\\b");

            // the JS client's invocation reached the webhook with a verifiable signature
            TestFunctionsApp.Received echo = app.next("messages", "echo", Duration.ofSeconds(5));
            assertThat(echo.signatureValid()).isTrue();
            assertThat(echo.userId()).isEqualTo("node-agent");
        }
    }
}
