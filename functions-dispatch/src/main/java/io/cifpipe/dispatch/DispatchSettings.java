package io.cifpipe.dispatch;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.settings.AppSettings;
import java.time.Duration;
import java.util.function.Function;

/**
 * @param defaultRingSeconds ring window for offers without ringSeconds
 * @param offlineRetry       first delay before an offer to an offline agent is retried; doubles per attempt
 */
public record DispatchSettings(int defaultRingSeconds, Duration offlineRetry) {
    public DispatchSettings {
        if (defaultRingSeconds < 1) throw new IllegalArgumentException("DefaultRingSeconds must be positive");
        if (offlineRetry.isNegative() || offlineRetry.isZero()) throw new IllegalArgumentException("OfflineRetrySeconds must be positive");
    }

    public static DispatchSettings from(Function<String, String> env) {
        AppSettings settings = AppSettings.of(env);
        return new DispatchSettings(settings.integer(Setting.DEFAULT_RING_SECONDS),
                Duration.ofSeconds(settings.integer(Setting.OFFLINE_RETRY_SECONDS)));
    }
}
