package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The SignalR Service (serverless) emulator: the harness part ({@link io.cifpipe.harness.parts.SignalRPart}) on
 * devstack's fixed port. Upstream → presence's HTTP route
 * {@code /api/signalr/{hub}/{category}/{event}} (signed with the access key, as Azure signs); CORS allows only the devstack pages' origin. Hubs need no creation
 * in serverless mode: {@code cifhub} exists as soon as a client negotiates.
 */
public final class SignalRPart implements StackPart {
    private final StackConfig config;
    private final io.cifpipe.harness.parts.SignalRPart emulator;
    /** Set by close: an outage still running then must not bring the emulator back. */
    private volatile boolean closed;

    public SignalRPart(StackConfig config) {
        this.config = config;
        this.emulator = new io.cifpipe.harness.parts.SignalRPart(
                config.ports().signalR(),
                config.keys().signalRAccessKey(),
                config.signalRUpstreamUrl(),
                config.webOrigin());
    }

    @Override
    public String name() {
        return "SignalR emulator";
    }

    @Override
    public void start() {
        emulator.start();
    }

    /**
     * Dev hook for reconnect tests: stops the emulator now (clients see the connection drop) and starts it again
     * on the same port with the same key after {@code down}. Returns once it is down.
     */
    public void restart(Duration down) {
        emulator.stop();
        Thread t = new Thread(
                () -> {
                    try {
                        Thread.sleep(down.toMillis()); // the outage itself, not synchronisation
                        if (!closed) emulator.start();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        LoggerFactory.getLogger(SignalRPart.class)
                                .warn("SignalR emulator restart failed: {}", e.toString());
                    }
                },
                "signalr-restart");
        t.setDaemon(true);
        t.start();
    }

    /** Same value across restarts (fixed port and key), so the apps' settings stay valid. */
    public String connectionString() {
        return emulator.emulator().connectionString();
    }

    public String statusUrl() {
        return "http://localhost:" + config.ports().signalR() + "/_emulator/status";
    }

    @Override
    public boolean answers() {
        return emulator.answers() && Readiness.httpStatus(statusUrl()) == 200;
    }

    @Override
    public List<Row> rows() {
        return List.of(
                new Row("SignalR endpoint", "http://localhost:" + config.ports().signalR() + "  (hub cifhub)"),
                new Row("SignalR upstream", config.signalRUpstreamUrl()));
    }

    @Override
    public void close() {
        closed = true;
        emulator.stop();
    }
}
