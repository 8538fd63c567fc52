package io.cifpipe.emulator.signalr;

import java.time.Duration;

/**
 * Protocol timing and abuse limits for client connections. Defaults follow the service: keep-alive ping after 15 s
 * without sending, drop a client silent for 30 s, 15 s to complete the handshake.
 */
record Limits(
        Duration keepAliveInterval,
        Duration clientTimeout,
        Duration handshakeTimeout,
        int maxMessageChars,
        int maxMessagesPerSecond,
        int maxPendingInvocations) {

    static Limits defaults() {
        return new Limits(
                Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(15), 1024 * 1024, 1000, 128);
    }
}
