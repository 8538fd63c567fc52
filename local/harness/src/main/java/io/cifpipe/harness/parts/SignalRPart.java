package io.cifpipe.harness.parts;

import io.cifpipe.emulator.signalr.SignalREmulator;

/**
 * The SignalR emulator (serverless) in this JVM on a fixed port, its upstream pointing at presence's webhook (or none,
 * {@link #withoutUpstream}).
 */
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

    /** For a test without presence: the emulator's default key and origins, no upstream (nothing is told of connects). */
    public static SignalRPart withoutUpstream(int port) {
        return new SignalRPart(port, SignalREmulator.DEFAULT_ACCESS_KEY, null, null);
    }

    @Override
    public String name() {
        return "SignalR emulator";
    }

    @Override
    protected SignalREmulator startServer() {
        SignalREmulator.Builder b =
                SignalREmulator.builder().host("127.0.0.1").port(port).accessKey(accessKey);
        if (upstreamTemplate != null) b.upstreamTemplate(upstreamTemplate);
        if (allowedOrigin != null) b.allowOrigin(allowedOrigin);
        return b.build().start();
    }

    /** The emulator (the last one started; closed while stopped). */
    public SignalREmulator emulator() {
        return server();
    }

    public int port() {
        return port;
    }
}
