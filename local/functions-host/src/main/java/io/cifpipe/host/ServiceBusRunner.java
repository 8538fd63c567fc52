package io.cifpipe.host;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Service Bus queue trigger on the real SDK processor: peek-lock, complete after the function returns,
 * abandon when it throws (the broker dead-letters after MaxDeliveryCount), lock auto-renewal, concurrency
 * and prefetch from host.json {@code extensions.serviceBus}.
 */
final class ServiceBusRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusRunner.class);

    private final FunctionInvoker invoker;
    private final ServiceBusProcessorClient processor;
    private final boolean autoComplete;
    private final String queue;
    private final int concurrency;
    private final int prefetch;
    private final int pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong invocations = new AtomicLong();

    ServiceBusRunner(FunctionInvoker invoker, Settings settings, JsonNode options) {
        this.invoker = invoker;
        Binding trigger = invoker.definition().trigger();
        if (trigger.flag("isSessionsEnabled", false)) {
            throw new IllegalStateException("session-enabled Service Bus triggers are not supported by this host");
        }
        if ("many".equalsIgnoreCase(trigger.attr("cardinality", "one"))) {
            throw new IllegalStateException("cardinality MANY (batches) is not supported by this host");
        }
        this.queue = trigger.attr("queueName")
                .filter(q -> !q.isEmpty())
                .orElseThrow(() -> new IllegalStateException(
                        "serviceBusTrigger needs queueName (topic subscriptions are not supported)"));
        String connectionSetting = trigger.attr("connection", "AzureWebJobsServiceBus");
        String connectionString = settings.get(connectionSetting)
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalStateException(
                        "Service Bus connection setting '" + connectionSetting + "' is not set"));
        JsonNode handler = options.path("messageHandlerOptions");
        this.concurrency = ServiceBusConcurrency.maxConcurrentCalls(options);
        this.prefetch = ServiceBusConcurrency.prefetchCount(options);
        this.pool = ServiceBusConcurrency.effectivePool();
        if (pool < concurrency) {
            LOG.warn(
                    "function '{}': Reactor's bounded-elastic pool has {} threads, fewer than maxConcurrentCalls {}: at most {}"
                            + " messages run at once (an in-process host cannot resize it; the child JVM sets -D{})",
                    invoker.definition().name(),
                    pool,
                    concurrency,
                    pool,
                    ServiceBusConcurrency.POOL_PROPERTY);
        }
        Duration lockRenewal =
                TimerRunner.timeSpan(textOption(options, handler, "maxAutoLockRenewalDuration", "00:05:00"));
        this.autoComplete = boolOption(options, handler, "autoCompleteMessages", "autoComplete", true);
        this.processor = new ServiceBusClientBuilder()
                .connectionString(connectionString)
                .processor()
                .queueName(queue)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .disableAutoComplete()
                .maxConcurrentCalls(concurrency)
                .prefetchCount(prefetch)
                .maxAutoLockRenewDuration(lockRenewal)
                .processMessage(this::onMessage)
                .processError(this::onError)
                .buildProcessorClient();
    }

    void start() {
        processor.start();
        LOG.info(
                "function '{}' listening on Service Bus queue '{}'",
                invoker.definition().name(),
                queue);
    }

    /** What host.json asked for and what actually ran: for the admin status and the bench. */
    Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("function", invoker.definition().name());
        out.put("queue", queue);
        out.put("maxConcurrentCalls", concurrency);
        out.put("prefetchCount", prefetch);
        out.put("workerPool", pool);
        out.put("concurrencyLimit", Math.min(concurrency, pool));
        out.put("peakConcurrentCalls", peak.get());
        out.put("invocations", invocations.get());
        return out;
    }

    private void onMessage(ServiceBusReceivedMessageContext context) {
        int now = inFlight.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        invocations.incrementAndGet();
        try {
            handle(context);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void handle(ServiceBusReceivedMessageContext context) {
        ServiceBusReceivedMessage message = context.getMessage();
        Map<String, Object> metadata = ServiceBusMetadata.of(message);
        Object traceparent = message.getApplicationProperties()
                .getOrDefault("traceparent", message.getApplicationProperties().get("Diagnostic-Id"));
        try {
            invoker.invoke(new FunctionInvoker.Invocation(
                    message.getBody().toBytes(), metadata, traceparent == null ? null : traceparent.toString()));
            if (autoComplete) context.complete();
        } catch (FunctionInvoker.FunctionException e) {
            LOG.error(
                    "function '{}' invocation {} failed for message {} (delivery {}); abandoning",
                    e.functionName(),
                    e.invocationId(),
                    message.getMessageId(),
                    ServiceBusMetadata.deliveryCount(message),
                    e.getCause());
            if (autoComplete) abandon(context);
        } catch (RuntimeException e) {
            LOG.warn(
                    "function '{}': settling message {} failed: {}",
                    invoker.definition().name(),
                    message.getMessageId(),
                    e.toString());
        }
    }

    private void abandon(ServiceBusReceivedMessageContext context) {
        try {
            context.abandon();
        } catch (RuntimeException e) {
            LOG.warn("abandon of message {} failed: {}", context.getMessage().getMessageId(), e.toString());
        }
    }

    private void onError(ServiceBusErrorContext error) {
        LOG.warn(
                "Service Bus processor for function '{}' ({}): {}",
                invoker.definition().name(),
                error.getErrorSource(),
                error.getException().toString());
    }

    private static String textOption(JsonNode options, JsonNode legacy, String name, String fallback) {
        if (options.has(name)) return options.get(name).asText(fallback);
        return legacy.path(name).asText(fallback);
    }

    private static boolean boolOption(
            JsonNode options, JsonNode legacy, String name, String legacyName, boolean fallback) {
        if (options.has(name)) return options.get(name).asBoolean(fallback);
        return legacy.path(legacyName).asBoolean(fallback);
    }

    @Override
    public void close() {
        processor.close();
    }
}
