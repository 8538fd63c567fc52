package io.cifpipe.devstack;

import io.cifpipe.solution.EnvironmentVariable;
import io.vertx.core.json.JsonObject;

/**
 * The Dataverse solution's environment variables with the local stack's values, offered at {@code /api/config}
 * ({@code environmentVariables}) under the same schema names: the panel's settings.js reads them there when no
 * Dynamics (Xrm) is around, so the local panel is configured through the same names as a real organisation.
 */
final class LocalEnvironmentVariables {
    private LocalEnvironmentVariables() {}

    static JsonObject values(String presenceBaseUrl, String authority, String clientId, String scope) {
        JsonObject out = new JsonObject();
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            String value =
                    switch (v) {
                        case PRESENCE_BASE_URL -> presenceBaseUrl;
                        case AUTHORITY -> authority;
                        case CLIENT_ID -> clientId;
                        case API_SCOPE -> scope;
                        default ->
                            v.defaultValue()
                                    .orElseThrow(() -> new IllegalStateException(
                                            v.schemaName() + " has no default and no local value"));
                    };
            out.put(v.schemaName(), value);
        }
        return out;
    }
}
