package io.cifpipe.solution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `azd up` prints every deployment-specific variable under its schema name (infra/main.bicep outputs). */
class InfraOutputsTest {
    @Test
    void everyRequiredVariableAndTheHubAreAzdOutputs() throws IOException {
        String main = Files.readString(Path.of(System.getProperty("solution.repoRoot", ".."), "infra/main.bicep"));
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            if (v.required() || v == EnvironmentVariable.HUB_NAME) {
                assertThat(main).as(v.schemaName()).containsPattern("(?m)^output " + v.schemaName() + " string = \\S");
            }
        }
    }
}
