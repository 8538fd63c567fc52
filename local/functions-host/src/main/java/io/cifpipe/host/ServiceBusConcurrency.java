package io.cifpipe.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * host.json {@code extensions.serviceBus} concurrency as the Azure Functions host applies it, and the worker pool
 * the Java SDK needs to honour it.
 *
 * <p>Azure's host (Service Bus extension 5.x, in the .NET host) runs up to {@code maxConcurrentCalls} invocations per
 * trigger, default 16 × processor count (https://learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus#hostjson-settings).
 * The Java SDK's {@code ServiceBusProcessorClient} (our trigger) runs each concurrent call on a thread of Reactor's
 * global {@code Schedulers.boundedElastic()}, whose default size is 10 × cores: on 2 cores 20, so 32 configured calls
 * silently became 20. Microsoft's remedy is the {@code reactor.schedulers.defaultBoundedElasticSize} system property
 * (https://learn.microsoft.com/azure/developer/java/sdk/troubleshooting-messaging-service-bus-overview#concurrency-in-servicebusprocessorclient),
 * which must be set before Reactor starts: the host sets it on the child JVM's command line.
 */
final class ServiceBusConcurrency {
    static final String POOL_PROPERTY = "reactor.schedulers.defaultBoundedElasticSize";

    private ServiceBusConcurrency() {}

    /** maxConcurrentCalls as Azure reads it: extensions.serviceBus, then the v2-style messageHandlerOptions, then 16 × cores. */
    static int maxConcurrentCalls(JsonNode serviceBusOptions) {
        if (serviceBusOptions.has("maxConcurrentCalls"))
            return serviceBusOptions.get("maxConcurrentCalls").asInt(defaultCalls());
        return serviceBusOptions
                .path("messageHandlerOptions")
                .path("maxConcurrentCalls")
                .asInt(defaultCalls());
    }

    /** prefetchCount as Azure reads it (default 0). */
    static int prefetchCount(JsonNode serviceBusOptions) {
        return serviceBusOptions.path("prefetchCount").asInt(0);
    }

    static int defaultCalls() {
        return 16 * Runtime.getRuntime().availableProcessors();
    }

    /** Reactor's own default (10 × cores), for whatever else uses the pool. */
    static int reactorDefaultPool() {
        return 10 * Runtime.getRuntime().availableProcessors();
    }

    /**
     * The bounded-elastic pool the app needs: every Service Bus trigger's maxConcurrentCalls plus Reactor's default for
     * everything else, so no trigger is capped below what host.json asks for.
     */
    static int requiredPool(AppDirectory app) {
        return serviceBusTriggers(app.root()) * maxConcurrentCalls(app.serviceBusOptions()) + reactorDefaultPool();
    }

    /** The pool this JVM's Reactor actually got (read once by Reactor at class initialization). */
    static int effectivePool() {
        return reactor.core.scheduler.Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE;
    }

    /** Function folders whose function.json declares a serviceBusTrigger (disabled or in-error ones included: an upper bound). */
    static int serviceBusTriggers(Path root) {
        int n = 0;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Path fj = dir.resolve("function.json");
                if (!Files.isRegularFile(fj)) continue;
                try {
                    for (JsonNode b : HostJson.MAPPER.readTree(fj.toFile()).path("bindings")) {
                        if ("serviceBusTrigger".equalsIgnoreCase(b.path("type").asText())) n++;
                    }
                } catch (IOException e) {
                    // an unreadable function.json is reported when the app is indexed; not counted here
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }
}
