package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import io.cifpipe.emulator.signalr.SignalREmulator;
import java.util.List;

/**
 * The SignalR Service (serverless) emulator. Upstream → presence's SignalR trigger endpoint with the
 * {@code signalr_extension} system key; CORS allows only the devstack pages' origin. Hubs need no creation
 * in serverless mode: {@code cifhub} exists as soon as a client negotiates.
 */
public final class SignalRPart implements StackPart {
    private final StackConfig config;
    private SignalREmulator emulator;

    public SignalRPart(StackConfig config) { this.config = config; }

    @Override public String name() { return "SignalR emulator"; }

    @Override
    public void start() throws Exception {
        emulator = SignalREmulator.builder()
                .host("127.0.0.1")
                .port(config.ports().signalR())
                .accessKey(config.keys().signalRAccessKey())
                .upstreamTemplate(config.signalRUpstreamUrl())
                .allowOrigin(config.webOrigin())
                .build();
        emulator.start();
    }

    public String connectionString() { return emulator.connectionString(); }

    public String statusUrl() { return "http://localhost:" + config.ports().signalR() + "/_emulator/status"; }

    @Override
    public boolean answers() { return emulator != null && Readiness.httpStatus(statusUrl()) == 200; }

    @Override
    public List<Row> rows() {
        return List.of(new Row("SignalR endpoint", "http://localhost:" + config.ports().signalR() + "  (hub cifhub)"),
                new Row("SignalR upstream", "http://localhost:" + config.ports().presence()
                        + "/runtime/webhooks/signalr?code=<signalr_extension key>"));
    }

    @Override
    public void close() {
        if (emulator != null) {
            try {
                emulator.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            emulator = null;
        }
    }
}
