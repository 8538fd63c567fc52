package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * All hubs, the negotiated-but-not-yet-connected connections and every live socket. Event-loop confined.
 */
final class HubRegistry {
    /** A negotiate that is waiting for its WebSocket (keyed by connection token). */
    record Pending(ConnectionInfo info, long expiresAt) {}

    private final Clock clock;
    private final Duration pendingLifetime;
    private final Map<String, Hub> hubs = new TreeMap<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private final Set<ClientConnection> sockets = new LinkedHashSet<>();

    HubRegistry(Clock clock, Duration pendingLifetime) {
        this.clock = clock;
        this.pendingLifetime = pendingLifetime;
    }

    long now() {
        return clock.millis();
    }

    void negotiated(String connectionToken, ConnectionInfo info) {
        pending.put(connectionToken, new Pending(info, now() + pendingLifetime.toMillis()));
    }

    /** Takes the pending negotiate for the token (one WebSocket per negotiate), or null. */
    Pending claim(String connectionToken) {
        Pending p = pending.remove(connectionToken);
        return p == null || p.expiresAt() < now() ? null : p;
    }

    void socketAccepted(ClientConnection c) {
        sockets.add(c);
    }

    void opened(ClientConnection c) {
        hubs.computeIfAbsent(c.info().hub(), Hub::new).add(c);
    }

    void closed(ClientConnection c, boolean wasOpen) {
        sockets.remove(c);
        if (wasOpen) {
            Hub hub = hubs.get(c.info().hub());
            if (hub != null) {
                hub.remove(c);
            }
        }
    }

    Hub hub(String name) {
        return hubs.get(name);
    }

    Hub hubOrCreate(String name) {
        return hubs.computeIfAbsent(name, Hub::new);
    }

    /** Periodic housekeeping: per-socket timers and expired negotiates. */
    void sweep() {
        long now = now();
        for (ClientConnection c : List.copyOf(sockets)) {
            c.tick(now);
        }
        pending.values().removeIf(p -> p.expiresAt() < now);
        hubs.values().removeIf(Hub::isEmpty);
    }

    List<ClientConnection> allSockets() {
        return new ArrayList<>(sockets);
    }

    ObjectNode status() {
        long now = now();
        ObjectNode root = Json.object();
        ArrayNode hubArray = root.putArray("hubs");
        int total = 0;
        for (Hub hub : hubs.values()) {
            ObjectNode h = hubArray.addObject();
            h.put("name", hub.name);
            h.put("connections", hub.connections().size());
            total += hub.connections().size();
            long anonymous =
                    hub.connections().stream().filter(c -> c.userId() == null).count();
            h.put("anonymousConnections", anonymous);
            ArrayNode users = h.putArray("users");
            new TreeMap<>(hub.usersView())
                    .forEach((user, conns) ->
                            users.addObject().put("userId", user).put("connections", conns.size()));
            ArrayNode groups = h.putArray("groups");
            hub.groupNames(now).stream().sorted().forEach(g -> groups.addObject()
                    .put("name", g)
                    .put("connections", hub.groupConnections(g, now).size()));
        }
        root.put("connections", total);
        root.put("pendingNegotiations", pending.size());
        return root;
    }
}
