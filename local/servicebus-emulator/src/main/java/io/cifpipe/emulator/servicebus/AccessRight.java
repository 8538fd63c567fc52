package io.cifpipe.emulator.servicebus;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Service Bus shared-access-policy rights. Manage implies Send and Listen, as in Azure. */
public enum AccessRight {
    MANAGE,
    SEND,
    LISTEN;

    /** Parses "Manage", "Send|Listen", "send,listen"; Manage expands to all rights. */
    public static Set<AccessRight> parse(String text) {
        EnumSet<AccessRight> rights = EnumSet.noneOf(AccessRight.class);
        for (String part : text.split("[|,+ ]")) {
            if (!part.isBlank()) {
                try {
                    rights.add(valueOf(part.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown right '" + part + "' (use Manage, Send, Listen)");
                }
            }
        }
        if (rights.isEmpty()) {
            throw new IllegalArgumentException("no rights given");
        }
        return normalise(rights);
    }

    static Set<AccessRight> normalise(Set<AccessRight> rights) {
        EnumSet<AccessRight> result = EnumSet.copyOf(rights);
        if (result.contains(MANAGE)) {
            result.addAll(EnumSet.allOf(AccessRight.class));
        }
        return Set.copyOf(result);
    }
}
