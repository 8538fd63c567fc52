package io.cifpipe.runtime.examples;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.settings.AppSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Typed setting reads shown in shared-runtime/README.md; {@code ReadmeSnippetsTest} keeps the README in step. */
final class SettingsExample {
    static String read() {
        // snippet:start SettingsExample
        AppSettings settings = AppSettings.of(System::getenv);       // or clients.appSettings() in an XxxRuntime
        int ringSeconds = settings.positiveInteger(Setting.DEFAULT_RING_SECONDS);  // "30" by default
        Duration retry = settings.seconds(Setting.OFFLINE_RETRY_SECONDS);          // positive whole seconds
        boolean appToken = settings.bool(Setting.INGRESS_REQUIRE_APP_TOKEN);        // true/false, anything else fails
        Optional<URI> authority = settings.optionalUri(Setting.AUTHORITY);          // absolute URI when set
        // A bad value fails: "App setting 'OfflineRetrySeconds' must be a positive integer (was '0')"
        // snippet:end
        return ringSeconds + " " + retry + " " + appToken + " " + authority;
    }
}
