package io.cifpipe.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import com.microsoft.signalr.HubConnectionState;
import io.cifpipe.harness.Stack;
import io.cifpipe.model.Names;
import io.cifpipe.testsupport.Pause;
import io.reactivex.rxjava3.core.Single;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's panel as the CIF client behaves: negotiate through presence with an Entra token, connect with the
 * SignalR Java client, reconnect (re-negotiating) whenever the connection drops, show each notification once
 * (duplicate-safe by notification id) and accept it. Counts pushes per (connection, notification) so a duplicate
 * push to the same connection is visible.
 */
public final class AgentClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Stack stack;
    private final String token;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> shown = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> pushesPerConnection = new ConcurrentHashMap<>();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger decideFailures = new AtomicInteger();
    private final Set<String> decideErrors = ConcurrentHashMap.newKeySet();
    private final Set<String> decided = ConcurrentHashMap.newKeySet();
    /** How long the panel keeps retrying a decision (the calls in the fault runs ring longer than this). */
    static final java.time.Duration DECIDE_FOR = java.time.Duration.ofSeconds(40);

    private volatile HubConnection connection;
    private final Thread supervisor;

    public AgentClient(Stack stack, String token) {
        this.stack = stack;
        this.token = token;
        supervisor = new Thread(this::supervise, "agent-client");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private void supervise() {
        while (running.get()) {
            HubConnection c = connection;
            if (c == null || c.getConnectionState() == HubConnectionState.DISCONNECTED) {
                try {
                    connect();
                } catch (RuntimeException e) {
                    LOG.info("agent connect failed: {}", e.toString());
                }
            }
            Pause.millis(300);
        }
    }

    private void connect() {
        HttpResponse<String> r =
                Http.post(stack.url("presence") + "/api/negotiate", new byte[0], "Authorization", "Bearer " + token);
        if (r.statusCode() != 200) throw new IllegalStateException("negotiate " + r.statusCode());
        JsonNode n;
        try {
            n = JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        HubConnection c = HubConnectionBuilder.create(n.path("url").asText())
                .withAccessTokenProvider(Single.just(n.path("accessToken").asText()))
                .build();
        c.on(Names.TARGET_NOTIFY, payload -> onNotify(c, payload), Map.class);
        c.start().blockingAwait(15, TimeUnit.SECONDS);
        connection = c;
        connects.incrementAndGet();
    }

    private void onNotify(HubConnection c, Map<?, ?> payload) {
        Object id = payload.get("notificationId");
        if (id == null) return;
        pushesPerConnection.merge(c.getConnectionId() + "|" + id, 1, Integer::sum);
        if (shown.add(id.toString())) {
            // accept off the SignalR callback thread, retrying a failed decide like the panel does (it shows the
            // error, waits for a live connection and tries again while the call rings)
            Thread t = new Thread(() -> decideWithRetries(id.toString()));
            t.setDaemon(true);
            t.start();
        }
    }

    private void decideWithRetries(String id) {
        long deadline = System.nanoTime() + DECIDE_FOR.toNanos();
        while (running.get() && System.nanoTime() < deadline) {
            HubConnection c = connection;
            if (c != null && c.getConnectionState() == HubConnectionState.CONNECTED) {
                try {
                    Object result = c.invoke(
                                    Object.class,
                                    Names.METHOD_DECIDE,
                                    Map.of("notificationId", id, "decision", "accept"))
                            .timeout(30, TimeUnit.SECONDS)
                            .blockingGet();
                    decided.add(id);
                    LOG.info("decide {} -> {}", id, result);
                    return;
                } catch (RuntimeException e) {
                    decideFailures.incrementAndGet();
                    String message = String.valueOf(e.getMessage());
                    if (decideErrors.size() < 20) decideErrors.add(message);
                    LOG.info("decide failed for {}: {}", id, message);
                }
            }
            Pause.millis(1000);
        }
        shown.remove(id); // gave up: a redelivery may show it again
    }

    public int connects() {
        return connects.get();
    }

    /** decide invocations that completed with an error (what the agent saw fail) before a retry. */
    public int decideFailures() {
        return decideFailures.get();
    }

    /** The distinct errors those failed decides completed with. */
    public Set<String> decideErrors() {
        return Set.copyOf(decideErrors);
    }

    /** Notifications this agent was shown (popups). */
    public Set<String> shown() {
        return Set.copyOf(shown);
    }

    /** Notifications whose decide succeeded. */
    public Set<String> decided() {
        return Set.copyOf(decided);
    }

    public boolean connected() {
        HubConnection c = connection;
        return c != null && c.getConnectionState() == HubConnectionState.CONNECTED;
    }

    /** Notifications pushed more than once to the same connection. */
    public long duplicatePushes() {
        return pushesPerConnection.values().stream().filter(v -> v > 1).count();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            supervisor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        HubConnection c = connection;
        if (c != null) c.stop().blockingAwait(5, TimeUnit.SECONDS);
    }
}
