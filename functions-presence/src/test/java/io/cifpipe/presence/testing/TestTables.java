package io.cifpipe.presence.testing;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.cifpipe.testsupport.Azurite;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Azurite per test JVM (started on first use, stopped at exit); every test gets fresh, uniquely named tables.
 * Fails (never skips) when Azurite cannot start.
 */
public final class TestTables {
    private static Azurite azurite;
    private static TableServiceClient service;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestTables() {}

    public static synchronized TableServiceClient service() {
        if (service == null) {
            azurite = Azurite.start();
            Runtime.getRuntime().addShutdownHook(new Thread(azurite::close, "azurite-stop"));
            service = new TableServiceClientBuilder()
                    .connectionString(azurite.connectionString())
                    .buildClient();
        }
        return service;
    }

    /** A new empty table named {@code prefix<n><pid>}. */
    public static TableClient fresh(String prefix) {
        String name = prefix + COUNTER.incrementAndGet() + "p"
                + ProcessHandle.current().pid();
        service().createTableIfNotExists(name);
        return service().getTableClient(name);
    }
}
