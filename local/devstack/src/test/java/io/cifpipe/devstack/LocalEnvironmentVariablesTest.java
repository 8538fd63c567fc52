package io.cifpipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.solution.EnvironmentVariable;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class LocalEnvironmentVariablesTest {
    @Test
    void everyVariableOfTheSolutionHasALocalValue() {
        JsonObject v = LocalEnvironmentVariables.values(
                "http://localhost:7073", "http://localhost:8091/entra", "panel", "api://local/user_impersonation");
        for (EnvironmentVariable e : EnvironmentVariable.values()) {
            assertThat(v.getString(e.schemaName())).as(e.schemaName()).isNotBlank();
        }
        assertThat(v.size()).isEqualTo(EnvironmentVariable.values().length);
        assertThat(v.getString("cifpipe_PresenceBaseUrl")).isEqualTo("http://localhost:7073");
        assertThat(v.getString("cifpipe_ApiScope")).isEqualTo("api://local/user_impersonation");
        assertThat(v.getString("cifpipe_HubName")).isEqualTo("cifhub");
    }
}
