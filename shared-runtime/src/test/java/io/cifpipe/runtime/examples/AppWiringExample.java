package io.cifpipe.runtime.examples;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.AppRuntime;
import io.cifpipe.runtime.Lazy;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.settings.AppSettings;
import java.time.Duration;

/** The app-wiring shape shown in shared-runtime/README.md; {@code ReadmeSnippetsTest} keeps the README in step. */
final class AppWiringExample {
    private AppWiringExample() {}

    record Greeter(String hub, Duration tokenLifetime) {}
}

// snippet:start AppWiringExample
final class ExampleRuntime {
    private static final AppRuntime<ExampleRuntime> APP = AppRuntime.of(ExampleRuntime::new);

    private final Lazy<AppWiringExample.Greeter> greeter;

    ExampleRuntime(RuntimeClients clients) {           // tests pass their own clients
        AppSettings settings = clients.appSettings();
        this.greeter = Lazy.of(() -> new AppWiringExample.Greeter(settings.string(Setting.HUB_NAME),
                settings.minutes(Setting.CLIENT_TOKEN_MINUTES)));
    }

    static ExampleRuntime get() { return APP.get(); }  // what function classes call

    AppWiringExample.Greeter greeter() { return greeter.get(); }
}
// snippet:end
