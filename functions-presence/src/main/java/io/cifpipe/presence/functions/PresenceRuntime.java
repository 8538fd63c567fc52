package io.cifpipe.presence.functions;

import io.cifpipe.model.Setting;
import io.cifpipe.presence.negotiate.NegotiateService;
import io.cifpipe.presence.republish.OutcomeRepublisher;
import io.cifpipe.presence.republish.UnpublishedDecisionScan;
import io.cifpipe.presence.sweep.StaleConnectionSweeper;
import io.cifpipe.presence.upstream.AgentStateService;
import io.cifpipe.presence.upstream.ConnectionService;
import io.cifpipe.presence.upstream.DecisionService;
import io.cifpipe.presence.upstream.PendingNotificationRedelivery;
import io.cifpipe.presence.upstream.UpstreamAuthenticator;
import io.cifpipe.presence.upstream.UpstreamHandler;
import io.cifpipe.presence.userclient.SignalROwnershipProbe;
import io.cifpipe.presence.userclient.UserClientService;
import io.cifpipe.runtime.AppRuntime;
import io.cifpipe.runtime.Lazy;
import io.cifpipe.runtime.RuntimeClients;
import io.cifpipe.runtime.auth.JwtValidator;
import io.cifpipe.runtime.http.CorsPolicy;
import io.cifpipe.runtime.tables.RingGroupClaim;
import io.cifpipe.runtime.telemetry.Telemetry;
import java.time.Duration;

/** The presence app's services, wired from app settings once per process ({@link AppRuntime}). */
final class PresenceRuntime {
    private static final AppRuntime<PresenceRuntime> APP = AppRuntime.of(PresenceRuntime::new);

    private final Lazy<JwtValidator> validator;
    private final Lazy<CorsPolicy> cors;
    private final Lazy<NegotiateService> negotiate;
    private final Lazy<UserClientService> userClient;
    private final Lazy<ConnectionService> connections;
    private final Lazy<DecisionService> decisions;
    private final Lazy<AgentStateService> agentStates;
    private final Lazy<StaleConnectionSweeper> sweeper;
    private final Lazy<OutcomeRepublisher> republisher;
    private final Lazy<UpstreamHandler> upstream;

    PresenceRuntime(RuntimeClients clients) {
        this.validator = Lazy.of(() -> JwtValidator.fromSettings(clients.settings()));
        this.cors = Lazy.of(() -> CorsPolicy.fromSettings(clients.settings()));
        this.negotiate = Lazy.of(() -> new NegotiateService(
                validator.get(),
                clients.setting(Setting.API_SCOPE),
                (user, lifetime) -> clients.signalR().clientNegotiation(user, lifetime),
                clients.appSettings().minutes(Setting.CLIENT_TOKEN_MINUTES),
                cors.get()));
        this.userClient = Lazy.of(() -> new UserClientService(
                validator.get(),
                clients.setting(Setting.API_SCOPE),
                clients.connections(),
                new SignalROwnershipProbe(
                        clients.signalR().connection(),
                        clients.setting(Setting.HUB_NAME),
                        clients.signalR().auth(),
                        clients.clock()),
                clients.setting(Setting.HUB_NAME),
                cors.get(),
                clients.clock()));
        this.connections = Lazy.of(() -> new ConnectionService(
                clients.connections(),
                new PendingNotificationRedelivery(
                        clients.ledger(),
                        clients.signalR(),
                        clients.outcomes(),
                        clients.clock(),
                        clients.agents(),
                        clients.intSetting(Setting.AGENT_CAPACITY)),
                clients.agents(),
                clients.clock()));
        this.decisions = Lazy.of(() -> new DecisionService(
                clients.ledger(),
                new RingGroupClaim(clients.table(Setting.NOTIFICATIONS_TABLE)),
                clients.agents(),
                clients.connections(),
                clients.signalR(),
                clients.outcomes(),
                clients.intSetting(Setting.AGENT_CAPACITY),
                clients.clock()));
        this.agentStates = Lazy.of(() -> new AgentStateService(
                clients.agents(), clients.signalR(), clients.intSetting(Setting.AGENT_CAPACITY), clients.clock()));
        this.sweeper = Lazy.of(() -> new StaleConnectionSweeper(
                clients.connections(),
                id -> clients.signalR().connectionExists(id),
                clients.appSettings().minutes(Setting.STALE_CONNECTION_MINUTES),
                clients.clock()));
        this.republisher = Lazy.of(() -> new OutcomeRepublisher(
                new UnpublishedDecisionScan(
                        clients.table(Setting.NOTIFICATIONS_TABLE), UnpublishedDecisionScan.Limits.DEFAULT),
                clients.ledger(),
                clients.outcomes(),
                clients.clock(),
                OutcomeRepublisher.Limits.DEFAULT));
        // Agents per availability for dashboards (gauge cifpipe.agents), read from the Agents table at most once a
        // minute.
        Telemetry.get().availabilityGauge(() -> clients.agents().countByAvailability(), Duration.ofMinutes(1));
        this.upstream = Lazy.of(() -> new UpstreamHandler(
                UpstreamAuthenticator.fromSettings(
                        clients.settings(), clients.signalR().connection()),
                clients.setting(Setting.HUB_NAME),
                connections::get,
                decisions::get,
                agentStates::get));
    }

    static PresenceRuntime get() {
        return APP.get();
    }

    NegotiateService negotiate() {
        return negotiate.get();
    }

    UserClientService userClient() {
        return userClient.get();
    }

    ConnectionService connections() {
        return connections.get();
    }

    DecisionService decisions() {
        return decisions.get();
    }

    StaleConnectionSweeper sweeper() {
        return sweeper.get();
    }

    OutcomeRepublisher republisher() {
        return republisher.get();
    }

    UpstreamHandler upstream() {
        return upstream.get();
    }
}
