package io.cifpipe.ingress;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.AppRuntime;
import io.cifpipe.runtime.Lazy;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.auth.JwtValidator;

/** The ingress app's services, wired from app settings once per process ({@link AppRuntime}). */
final class IngressRuntime {
    private static final AppRuntime<IngressRuntime> APP = AppRuntime.of(IngressRuntime::new);

    private final Lazy<IngressService> service;

    IngressRuntime(RuntimeClients clients) {
        this.service = Lazy.of(() -> {
            boolean requireToken = clients.appSettings().bool(Setting.INGRESS_REQUIRE_APP_TOKEN);
            AppTokenCheck check = requireToken
                    ? new AppTokenCheck(
                            JwtValidator.fromSettings(clients.settings()), clients.setting(Setting.CALLS_SEND_ROLE))
                    : null;
            return new IngressService(clients.codec(), clients.callEvents(), clients::ledger, check);
        });
    }

    static IngressRuntime get() {
        return APP.get();
    }

    IngressService service() {
        return service.get();
    }
}
