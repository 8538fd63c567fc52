package io.cifpipe.devstack;

import java.util.List;
import java.util.Map;

/** The identities of the local Entra: two agents and the telephony system's app identity. Fixed ids so data survives restarts. */
public final class DemoIdentities {
    private DemoIdentities() {}

    /** Tenant id of the local directory (Entra tokens carry {@code tid}). */
    public static final String TENANT_ID = "00000000-0000-4000-8000-00000000c1f0";
    /** API app registration client id; agent and telephony tokens name {@link #API_AUDIENCE} as audience. */
    public static final String API_CLIENT_ID = "cifpipe-local";

    public static final String API_AUDIENCE = "api://" + API_CLIENT_ID;
    /** The agent panel's (SPA) client id. */
    public static final String PANEL_CLIENT_ID = "cifpipe-panel";

    public static final String AGENT_SCOPE = "user_impersonation";

    public record Agent(String key, String oid, String name, String preferredUsername) {
        /** The claims that name the agent in its tokens (the login page posts them; minted tokens carry them). */
        public Map<String, Object> identityClaims() {
            return Map.of("oid", oid, "name", name, "preferred_username", preferredUsername);
        }
    }

    public record App(String clientId, String clientSecret, String oid, String name, List<String> roles) {}

    public static final List<Agent> AGENTS = List.of(
            new Agent("alice", "11111111-1111-4111-8111-a11ce0000001", "Alice Agent", "alice@cifpipe.local"),
            new Agent("bob", "22222222-2222-4222-8222-b0b000000002", "Bob Agent", "bob@cifpipe.local"));

    /** The telephony system (client credentials) with app role {@code Calls.Send}. */
    public static final App TELEPHONY = new App(
            "cifpipe-telephony",
            "telephony-local-secret",
            "33333333-3333-4333-8333-7e1e00000003",
            "Telephony (local)",
            List.of("Calls.Send"));

    public static Agent agent(String key) {
        return AGENTS.stream()
                .filter(a -> a.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown demo agent '" + key + "'"));
    }
}
