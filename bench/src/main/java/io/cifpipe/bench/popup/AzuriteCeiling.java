package io.cifpipe.bench.popup;

import com.azure.data.tables.TableAsyncClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.TableEntity;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Table stand-in's own ceiling on this machine: as many small point operations (upserts and point reads of
 * existing rows, alternating, distinct partitions) as Azurite completes with {@code inFlight} outstanding, through the same
 * azure-data-tables SDK the apps use, for a fixed time. The pipeline's Table operations per second divided by this is
 * its share of the stand-in's capacity.
 */
final class AzuriteCeiling {
    record Result(double opsPerSecond, long ops, long errors) {}

    private static final int READ_ROWS = 256;

    private AzuriteCeiling() {}

    static Result measure(String connectionString, Duration duration, int inFlight) throws InterruptedException {
        TableAsyncClient table = new TableClientBuilder()
                .connectionString(connectionString)
                .tableName("BenchCeiling")
                .buildAsyncClient();
        table.createTable()
                .onErrorResume(e -> reactor.core.publisher.Mono.empty())
                .block(Duration.ofSeconds(30));
        // Rows the timed reads find (a read of a missing row would be a 404, not the point read the pipeline makes).
        reactor.core.publisher.Flux.range(0, READ_ROWS)
                .flatMap(
                        n -> table.upsertEntity(new TableEntity("p" + n, "r").addProperty("State", "Offered")),
                        inFlight)
                .blockLast(Duration.ofSeconds(60));
        Semaphore window = new Semaphore(inFlight);
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long i = 0;
        while (System.nanoTime() < end) {
            if (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                continue;
            }
            reactor.core.publisher.Mono<?> op = i % 2 == 0
                    ? table.upsertEntity(new TableEntity("w" + (i / 2 % 10_000), "r")
                            .addProperty("State", "Delivered")
                            .addProperty("N", i))
                    : table.getEntity("p" + (i / 2 % READ_ROWS), "r");
            i++;
            op.subscribe(
                    v -> {},
                    e -> {
                        errors.incrementAndGet();
                        window.release();
                    },
                    () -> {
                        ops.incrementAndGet();
                        window.release();
                    });
        }
        window.tryAcquire(inFlight, 30, TimeUnit.SECONDS); // drain: every started operation counts
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(ops.get() / seconds, ops.get(), errors.get());
    }
}
