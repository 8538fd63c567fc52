package io.cifpipe.presence.functions;

import io.cifpipe.model.Setting;
import io.cifpipe.presence.http.CorsPolicy;
import io.cifpipe.presence.negotiate.NegotiateService;
import io.cifpipe.presence.sweep.StaleConnectionSweeper;
import io.cifpipe.presence.upstream.ConnectionService;
import io.cifpipe.presence.upstream.DecisionService;
import io.cifpipe.presence.upstream.PendingNotificationRedelivery;
import io.cifpipe.presence.userclient.SignalROwnershipProbe;
import io.cifpipe.presence.userclient.UserClientService;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.auth.JwtValidator;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The presence app's services, built once per process from app settings and shared by all invocations
 * (clients, JWKS cache and token caches live inside). Each service is built on first use, so a function
 * that does not need e.g. Service Bus never touches its settings.
 */
final class PresenceRuntime {
    private static final PresenceRuntime INSTANCE = new PresenceRuntime(RuntimeClients.shared());

    private final RuntimeClients clients;
    private final Memo<JwtValidator> validator;
    private final Memo<CorsPolicy> cors;
    private final Memo<NegotiateService> negotiate;
    private final Memo<UserClientService> userClient;
    private final Memo<ConnectionService> connections;
    private final Memo<DecisionService> decisions;
    private final Memo<StaleConnectionSweeper> sweeper;

    PresenceRuntime(RuntimeClients clients) {
        this.clients = clients;
        this.validator = new Memo<>(() -> JwtValidator.fromSettings(clients.settings()));
        this.cors = new Memo<>(() -> CorsPolicy.fromSettings(clients.settings()));
        this.negotiate = new Memo<>(() -> new NegotiateService(validator.get(), clients.setting(Setting.API_SCOPE),
                (user, lifetime) -> clients.signalR().clientNegotiation(user, lifetime),
                Duration.ofMinutes(clients.intSetting(Setting.CLIENT_TOKEN_MINUTES)), cors.get()));
        this.userClient = new Memo<>(() -> new UserClientService(validator.get(), clients.setting(Setting.API_SCOPE),
                clients.connections(),
                new SignalROwnershipProbe(clients.setting(Setting.SIGNALR_CONNECTION), clients.setting(Setting.HUB_NAME),
                        clients.clock()),
                clients.setting(Setting.HUB_NAME), cors.get(), clients.clock()));
        this.connections = new Memo<>(() -> new ConnectionService(clients.connections(),
                new PendingNotificationRedelivery(clients.ledger(), clients.signalR(), clients.outcomes(), clients.clock()),
                clients.clock()));
        this.decisions = new Memo<>(() -> new DecisionService(clients.ledger(), clients.connections(), clients.signalR(),
                clients.outcomes(), clients.clock()));
        this.sweeper = new Memo<>(() -> new StaleConnectionSweeper(clients.connections(),
                id -> clients.signalR().connectionExists(id),
                Duration.ofMinutes(clients.intSetting(Setting.STALE_CONNECTION_MINUTES)), clients.clock()));
    }

    static PresenceRuntime get() {
        return INSTANCE;
    }

    NegotiateService negotiate() { return negotiate.get(); }

    UserClientService userClient() { return userClient.get(); }

    ConnectionService connections() { return connections.get(); }

    DecisionService decisions() { return decisions.get(); }

    StaleConnectionSweeper sweeper() { return sweeper.get(); }

    /** Built on first use, once; a failed build (missing setting) is retried on the next call. */
    private static final class Memo<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Memo(Supplier<T> factory) {
            this.factory = factory;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = factory.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
