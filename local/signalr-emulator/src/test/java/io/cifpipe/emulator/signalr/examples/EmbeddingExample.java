package io.cifpipe.emulator.signalr.examples;

import io.cifpipe.emulator.signalr.SignalREmulator;
import java.time.Duration;

/** The embedding example of this module's README (compiled here; shared-runtime's ReadmeSnippetsTest compares). */
final class EmbeddingExample {
    private EmbeddingExample() {}

    static void embed(String key) throws Exception {
        // snippet:start SignalREmulatorEmbedding
        try (SignalREmulator emulator = SignalREmulator.builder()
                .port(0)                                        // default 8888
                .accessKey(key)                                 // default SignalREmulator.DEFAULT_ACCESS_KEY
                .upstreamTemplate("http://localhost:7073/api/signalr/{hub}/{category}/{event}")
                .allowOrigin("http://localhost:8080")           // default: the local stack's two origins
                .build().start()) {                             // start() blocks until listening
            emulator.connectionString();   // Endpoint=http://127.0.0.1:<port>;Port=<port>;AccessKey=<key>;Version=1.0;
            emulator.port(); emulator.endpoint(); emulator.clientUrl("cifhub");
            emulator.accessTokens().mintClientToken(emulator.endpoint(), "cifhub", "user-1", Duration.ofHours(1));
        }
        // snippet:end
    }
}
