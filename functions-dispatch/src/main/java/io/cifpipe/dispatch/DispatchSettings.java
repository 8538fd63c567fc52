package io.cifpipe.dispatch;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.settings.AppSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * @param defaultRingSeconds    ring window for offers without ringSeconds
 * @param offlineRetry          first delay before an offer to an offline agent is retried; doubles per attempt
 * @param agentCapacity         concurrent calls per agent unless her row overrides it ({@code AgentCapacity})
 * @param maxCallDuration       an accepted call stops counting toward capacity after this ({@code MaxCallDuration})
 * @param missedCallsBeforeAway consecutive missed popups that set an Available agent Away ({@code MissedCallsBeforeAway})
 */
public record DispatchSettings(
        int defaultRingSeconds,
        Duration offlineRetry,
        int agentCapacity,
        Duration maxCallDuration,
        int missedCallsBeforeAway) {
    public DispatchSettings {
        if (defaultRingSeconds < 1) throw new IllegalArgumentException("DefaultRingSeconds must be positive");
        if (offlineRetry.isNegative() || offlineRetry.isZero())
            throw new IllegalArgumentException("OfflineRetrySeconds must be positive");
        if (agentCapacity < 1) throw new IllegalArgumentException("AgentCapacity must be at least 1");
        if (maxCallDuration.isNegative() || maxCallDuration.isZero())
            throw new IllegalArgumentException("MaxCallDuration must be positive");
        if (missedCallsBeforeAway < 1) throw new IllegalArgumentException("MissedCallsBeforeAway must be at least 1");
    }

    /** The defaults of {@link Setting} for everything issue 20 added (tests and callers that set only the old ones). */
    public DispatchSettings(int defaultRingSeconds, Duration offlineRetry) {
        this(defaultRingSeconds, offlineRetry, 1, Duration.ofHours(4), 2);
    }

    public static DispatchSettings from(Function<String, String> env) {
        AppSettings settings = AppSettings.of(env);
        return new DispatchSettings(
                settings.integer(Setting.DEFAULT_RING_SECONDS),
                Duration.ofSeconds(settings.integer(Setting.OFFLINE_RETRY_SECONDS)),
                settings.positiveInteger(Setting.AGENT_CAPACITY),
                durationSetting(settings, Setting.MAX_CALL_DURATION),
                settings.positiveInteger(Setting.MISSED_CALLS_BEFORE_AWAY));
    }

    public DispatchSettings withAgentRules(int capacity, Duration maxCall, int missedBeforeAway) {
        return new DispatchSettings(defaultRingSeconds, offlineRetry, capacity, maxCall, missedBeforeAway);
    }

    private static Duration durationSetting(AppSettings settings, Setting s) {
        try {
            return Duration.parse(settings.string(s).trim());
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("App setting '" + s.key() + "' must be an ISO-8601 duration such as PT4H");
        }
    }
}
