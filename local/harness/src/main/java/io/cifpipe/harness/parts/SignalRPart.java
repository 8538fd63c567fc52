package io.cifpipe.harness.parts;

import io.cifpipe.emulator.signalr.SignalREmulator;

/** The SignalR emulator (serverless) in this JVM on a fixed port, its upstream pointing at presence's webhook. */
public final class SignalRPart extends InProcessPart<SignalREmulator> {
    private final int port;
    private final String accessKey;
    private final String upstreamTemplate;
    private final String allowedOrigin;

    public SignalRPart(int port, String accessKey, String upstreamTemplate, String allowedOrigin) {
        this.port = port;
        this.accessKey = accessKey;
        this.upstreamTemplate = upstreamTemplate;
        this.allowedOrigin = allowedOrigin;
    }

    @Override
    public String name() {
        return "SignalR emulator";
    }

    @Override
    protected SignalREmulator startServer() {
        return SignalREmulator.builder()
                .host("127.0.0.1")
                .port(port)
                .accessKey(accessKey)
                .upstreamTemplate(upstreamTemplate)
                .allowOrigin(allowedOrigin)
                .build()
                .start();
    }

    /** The emulator (the last one started; closed while stopped). */
    public SignalREmulator emulator() {
        return server();
    }

    public int port() {
        return port;
    }
}
