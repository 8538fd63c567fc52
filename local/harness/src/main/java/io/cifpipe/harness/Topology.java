package io.cifpipe.harness;

import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.servicebus.SubscriptionOptions;
import io.cifpipe.emulator.servicebus.TopicOptions;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's Service Bus entities, defined once for every local stand-in (devstack, reliability, bench, tests):
 * the {@code call-events} queue, the {@code call-outcomes} topic and its subscriptions with their SQL filters.
 * {@code infra/} Bicep is the truth; {@code TopologyMatchesBicepTest} fails when these values drift from it.
 *
 * <p>{@link #bicep()} is exactly what Azure gets. Fault tests may shorten the lock durations or the delivery count
 * ({@link #withCallEvents}, {@link #withSubscriptionLock}) so a lost lock is retried in seconds; names, dead-lettering,
 * TTLs, duplicate detection and filters stay as in Bicep.
 *
 * @param callEventsLock          peek-lock duration of call-events (Bicep {@code callEventsLockDuration})
 * @param callEventsMaxDeliveries deliveries before a call event is dead-lettered (Bicep {@code callEventsMaxDeliveryCount})
 * @param subscriptionLock        peek-lock duration of each call-outcomes subscription
 */
public record Topology(Duration callEventsLock, int callEventsMaxDeliveries, Duration subscriptionLock) {

    public static final String CALL_EVENTS =
            Setting.CALL_EVENTS_QUEUE.defaultValue().orElseThrow();
    public static final String CALL_OUTCOMES =
            Setting.CALL_OUTCOMES_TOPIC.defaultValue().orElseThrow();

    /** infra/modules/servicebus.bicep {@code callEventsLockDuration} default. */
    public static final Duration CALL_EVENTS_LOCK = Duration.ofMinutes(1);
    /** infra/modules/servicebus.bicep {@code callEventsMaxDeliveryCount} default. */
    public static final int CALL_EVENTS_MAX_DELIVERIES = 10;
    /** call-events {@code defaultMessageTimeToLive}. */
    public static final Duration CALL_EVENTS_TTL = Duration.ofDays(1);
    /** {@code duplicateDetectionWindow}, on the queue and the topic (MessageId = CloudEvent id). */
    public static final Duration DUPLICATE_DETECTION = Duration.ofMinutes(10);
    /** call-outcomes and its subscriptions: {@code defaultMessageTimeToLive}. */
    public static final Duration OUTCOMES_TTL = Duration.ofDays(7);
    /** Each subscription's {@code lockDuration}. */
    public static final Duration SUBSCRIPTION_LOCK = Duration.ofMinutes(1);
    /** Each subscription's {@code maxDeliveryCount}. */
    public static final int SUBSCRIPTION_MAX_DELIVERIES = 10;

    /** Subscriptions of call-outcomes: name → SQL filter of its $Default rule ("" = every outcome), as infra/resources.bicep. */
    public static final Map<String, String> SUBSCRIPTION_FILTERS;

    static {
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put(OutcomeSubscriptions.TELEPHONY, "");
        filters.put(OutcomeSubscriptions.OPERATIONS, OutcomeSubscriptions.OPERATIONS_FILTER);
        SUBSCRIPTION_FILTERS = java.util.Collections.unmodifiableMap(filters);
    }

    /** Exactly what infra deploys. */
    public static Topology bicep() {
        return new Topology(CALL_EVENTS_LOCK, CALL_EVENTS_MAX_DELIVERIES, SUBSCRIPTION_LOCK);
    }

    /** Other call-events lock duration and delivery count (fault tests; an operator changing the queue). */
    public Topology withCallEvents(Duration lock, int maxDeliveries) {
        return new Topology(lock, maxDeliveries, subscriptionLock);
    }

    public Topology withSubscriptionLock(Duration lock) {
        return new Topology(callEventsLock, callEventsMaxDeliveries, lock);
    }

    /** call-events: duplicate detection, expired offers dead-lettered, 1 day TTL. */
    public QueueOptions callEvents() {
        return QueueOptions.of(CALL_EVENTS)
                .withLockDuration(callEventsLock)
                .withMaxDeliveryCount(callEventsMaxDeliveries)
                .withDuplicateDetectionWindow(DUPLICATE_DETECTION)
                .withDeadLetterOnExpiration(true)
                .withDefaultTtl(CALL_EVENTS_TTL);
    }

    /** call-outcomes: a topic so every consumer gets every outcome its filter selects. */
    public TopicOptions callOutcomes() {
        return TopicOptions.of(CALL_OUTCOMES)
                .withDuplicateDetectionWindow(DUPLICATE_DETECTION)
                .withDefaultTtl(OUTCOMES_TTL);
    }

    /** One subscription per consumer, with the filter infra gives it. */
    public List<SubscriptionOptions> outcomeSubscriptions() {
        List<SubscriptionOptions> all = new ArrayList<>();
        SUBSCRIPTION_FILTERS.forEach((name, filter) -> {
            SubscriptionOptions s = SubscriptionOptions.of(CALL_OUTCOMES, name)
                    .withLockDuration(subscriptionLock)
                    .withMaxDeliveryCount(SUBSCRIPTION_MAX_DELIVERIES)
                    .withDeadLetterOnExpiration(true)
                    .withDefaultTtl(OUTCOMES_TTL);
            all.add(filter.isEmpty() ? s : s.withRule(SubscriptionOptions.Rule.sql(filter)));
        });
        return List.copyOf(all);
    }

    /** Declares every entity on an emulator builder. */
    public ServiceBusEmulator.Builder applyTo(ServiceBusEmulator.Builder builder) {
        return builder.queue(callEvents())
                .topic(callOutcomes())
                .subscription(outcomeSubscriptions().toArray(SubscriptionOptions[]::new));
    }
}
