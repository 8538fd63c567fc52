package io.cifpipe.emulator.servicebus;

import java.util.Objects;
import java.util.Set;

/** A shared access policy: key name, key (used as written, like Azure), and its rights. */
public record SharedAccessKey(String name, String key, Set<AccessRight> rights) {

    public static final String DEFAULT_NAME = "RootManageSharedAccessKey";
    /** Well-known development key (the same value Microsoft's emulator documents); never use it outside a laptop. */
    public static final String DEFAULT_KEY = "SAS_KEY_VALUE";

    public SharedAccessKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        if (name.isBlank() || key.isBlank()) {
            throw new IllegalArgumentException("key name and key must not be blank");
        }
        rights = AccessRight.normalise(rights);
    }

    /** Parses the CLI form {@code name=value[:Send|Listen|Manage]} (rights default to Manage). */
    public static SharedAccessKey parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected name=value[:rights] for a key");
        }
        String name = spec.substring(0, eq);
        String rest = spec.substring(eq + 1);
        int colon = rest.lastIndexOf(':');
        Set<AccessRight> rights = Set.of(AccessRight.MANAGE);
        String key = rest;
        if (colon >= 0) {
            key = rest.substring(0, colon);
            rights = AccessRight.parse(rest.substring(colon + 1));
        }
        return new SharedAccessKey(name, key, rights);
    }

    @Override
    public String toString() {
        return "SharedAccessKey[name=" + name + ", rights=" + rights + "]"; // never print the key
    }
}
