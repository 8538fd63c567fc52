package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import io.cifpipe.emulator.signalr.SignalREmulator;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The SignalR Service (serverless) emulator. Upstream → presence's HTTP route
 * {@code /api/signalr/{hub}/{category}/{event}} (signed with the access key, as Azure signs); CORS allows only the devstack pages' origin. Hubs need no creation
 * in serverless mode: {@code cifhub} exists as soon as a client negotiates.
 */
public final class SignalRPart implements StackPart {
    private final StackConfig config;
    private SignalREmulator emulator;

    public SignalRPart(StackConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "SignalR emulator";
    }

    @Override
    public void start() throws Exception {
        emulator = newEmulator();
        emulator.start();
    }

    /**
     * Dev hook for reconnect tests: stops the emulator now (clients see the connection drop) and starts a fresh
     * one on the same port with the same key after {@code down}. Returns once it is down.
     */
    public synchronized void restart(Duration down) {
        close();
        Thread t = new Thread(
                () -> {
                    try {
                        Thread.sleep(down.toMillis()); // the outage itself, not synchronisation
                        synchronized (this) {
                            if (emulator == null) {
                                emulator = newEmulator();
                                emulator.start();
                            }
                        }
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

    private SignalREmulator newEmulator() {
        return SignalREmulator.builder()
                .host("127.0.0.1")
                .port(config.ports().signalR())
                .accessKey(config.keys().signalRAccessKey())
                .upstreamTemplate(config.signalRUpstreamUrl())
                .allowOrigin(config.webOrigin())
                .build();
    }

    /** Same value across restarts (fixed port and key), so the apps' settings stay valid. */
    public String connectionString() {
        return emulator.connectionString();
    }

    public String statusUrl() {
        return "http://localhost:" + config.ports().signalR() + "/_emulator/status";
    }

    @Override
    public boolean answers() {
        return emulator != null && Readiness.httpStatus(statusUrl()) == 200;
    }

    @Override
    public List<Row> rows() {
        return List.of(
                new Row("SignalR endpoint", "http://localhost:" + config.ports().signalR() + "  (hub cifhub)"),
                new Row("SignalR upstream", config.signalRUpstreamUrl()));
    }

    @Override
    public synchronized void close() {
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
