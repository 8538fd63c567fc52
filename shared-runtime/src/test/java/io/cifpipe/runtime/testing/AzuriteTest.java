package io.cifpipe.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import org.junit.jupiter.api.Test;

class AzuriteTest {
    @Test
    void startsOnAnEphemeralPortAndServesTables() {
        try (Azurite azurite = Azurite.start()) {
            var service = new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
            var table = service.createTableIfNotExists("Smoke");
            table.createEntity(new TableEntity("p", "r").addProperty("v", 1));
            assertThat(table.getEntity("p", "r").getProperty("v")).isEqualTo(1);
        }
    }
}
