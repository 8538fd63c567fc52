package io.cifpipe.emulator.signalr;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Connections, users and groups of one hub. Only touched from the emulator's event loop, so no locking.
 * Group membership is held per connection (join by connection id) and per user (join by user id, optionally with a
 * TTL, which also covers the user's future connections, as in Azure).
 */
final class Hub {
    final String name;
    private final Map<String, ClientConnection> connections = new HashMap<>();
    private final Map<String, Set<ClientConnection>> users = new HashMap<>();
    private final Map<String, Set<ClientConnection>> connectionGroups = new HashMap<>();
    /** group -> user -> expiry epoch millis (Long.MAX_VALUE for none). */
    private final Map<String, Map<String, Long>> userGroups = new HashMap<>();

    Hub(String name) {
        this.name = name;
    }

    void add(ClientConnection c) {
        connections.put(c.id(), c);
        if (c.userId() != null) {
            users.computeIfAbsent(c.userId(), k -> new LinkedHashSet<>()).add(c);
        }
    }

    void remove(ClientConnection c) {
        if (connections.remove(c.id()) == null) {
            return;
        }
        if (c.userId() != null) {
            Set<ClientConnection> set = users.get(c.userId());
            if (set != null && set.remove(c) && set.isEmpty()) {
                users.remove(c.userId());
            }
        }
        for (String group : new ArrayList<>(c.groups())) {
            removeFromGroup(group, c);
        }
    }

    boolean isEmpty() {
        return connections.isEmpty() && userGroups.isEmpty();
    }

    ClientConnection connection(String id) {
        return connections.get(id);
    }

    Collection<ClientConnection> connections() {
        return connections.values();
    }

    Set<ClientConnection> userConnections(String userId) {
        return users.getOrDefault(userId, Set.of());
    }

    Map<String, Set<ClientConnection>> usersView() {
        return users;
    }

    boolean addToGroup(String group, ClientConnection c) {
        c.groups().add(group);
        return connectionGroups
                .computeIfAbsent(group, k -> new LinkedHashSet<>())
                .add(c);
    }

    boolean removeFromGroup(String group, ClientConnection c) {
        c.groups().remove(group);
        Set<ClientConnection> set = connectionGroups.get(group);
        if (set == null || !set.remove(c)) {
            return false;
        }
        if (set.isEmpty()) {
            connectionGroups.remove(group);
        }
        return true;
    }

    void removeFromAllGroups(ClientConnection c) {
        for (String group : new ArrayList<>(c.groups())) {
            removeFromGroup(group, c);
        }
    }

    void addUserToGroup(String group, String userId, long expiresAtMillis) {
        userGroups.computeIfAbsent(group, k -> new HashMap<>()).put(userId, expiresAtMillis);
    }

    /** Removes the user's group membership and that of the user's current connections; true if anything changed. */
    boolean removeUserFromGroup(String group, String userId) {
        boolean changed = false;
        Map<String, Long> members = userGroups.get(group);
        if (members != null && members.remove(userId) != null) {
            changed = true;
            if (members.isEmpty()) {
                userGroups.remove(group);
            }
        }
        for (ClientConnection c : List.copyOf(userConnections(userId))) {
            changed |= removeFromGroup(group, c);
        }
        return changed;
    }

    void removeUserFromAllGroups(String userId) {
        for (String group : new ArrayList<>(userGroups.keySet())) {
            removeUserFromGroup(group, userId);
        }
        for (ClientConnection c : List.copyOf(userConnections(userId))) {
            removeFromAllGroups(c);
        }
    }

    boolean isUserInGroup(String group, String userId, long now) {
        Long expiry = userGroups.getOrDefault(group, Map.of()).get(userId);
        if (expiry != null && expiry > now) {
            return true;
        }
        Set<ClientConnection> set = connectionGroups.get(group);
        return set != null && userConnections(userId).stream().anyMatch(set::contains);
    }

    /** Every connection that receives a message sent to the group. */
    Set<ClientConnection> groupConnections(String group, long now) {
        Set<ClientConnection> result = new LinkedHashSet<>(connectionGroups.getOrDefault(group, Set.of()));
        Map<String, Long> members = userGroups.get(group);
        if (members != null) {
            members.values().removeIf(expiry -> expiry <= now);
            if (members.isEmpty()) {
                userGroups.remove(group);
            } else {
                members.keySet().forEach(user -> result.addAll(userConnections(user)));
            }
        }
        return result;
    }

    Set<String> groupNames(long now) {
        Set<String> names = new HashSet<>(connectionGroups.keySet());
        for (var e : userGroups.entrySet()) {
            if (e.getValue().values().stream().anyMatch(expiry -> expiry > now)) {
                names.add(e.getKey());
            }
        }
        return names;
    }
}
