package io.cifpipe.ingress;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.auth.JwtValidator;

/** Wires {@link IngressService} from app settings once per Functions app instance. */
final class IngressRuntime {
    private static volatile IngressService service;

    private IngressRuntime() {}

    static IngressService service() {
        IngressService s = service;
        if (s == null) {
            synchronized (IngressRuntime.class) {
                s = service;
                if (s == null) {
                    s = create(RuntimeClients.shared());
                    service = s;
                }
            }
        }
        return s;
    }

    static IngressService create(RuntimeClients clients) {
        boolean requireToken = Boolean.parseBoolean(clients.setting(Setting.INGRESS_REQUIRE_APP_TOKEN).trim());
        AppTokenCheck check = requireToken
                ? new AppTokenCheck(JwtValidator.fromSettings(clients.settings()), clients.setting(Setting.CALLS_SEND_ROLE))
                : null;
        return new IngressService(clients.codec(), clients.callEvents(), clients::ledger, check);
    }
}
