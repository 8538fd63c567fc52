package io.cifpipe.devstack.parts;

import io.cifpipe.devstack.StackConfig;
import io.cifpipe.devstack.web.DeadLetters;
import io.cifpipe.devstack.web.OutcomeFeed;
import io.cifpipe.devstack.web.OutcomeSubscriber;
import io.cifpipe.devstack.web.StateReader;
import io.cifpipe.devstack.web.TelemetryView;
import io.cifpipe.devstack.web.WebServer;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * The devstack pages and their state APIs, plus two call-outcomes subscribers: telephony-simulator (every outcome,
 * feeding the telephony page; local only) and operations (terminal outcomes, feeding the ops dashboard).
 */
public final class WebPart implements StackPart {
    private final StackConfig config;
    private final String serviceBusConnection;
    private final String serviceBusAdminUrl;
    private final Supplier<JsonObject> pageConfig;
    private final Supplier<JsonObject> health;
    private final java.util.function.Consumer<java.time.Duration> restartSignalR;
    private final OutcomeFeed outcomes = new OutcomeFeed(500);
    /** Terminal outcomes for the ops dashboard, from the operations subscription (its own copy of each). */
    private final OutcomeFeed operationsOutcomes = new OutcomeFeed(200);

    private OutcomeSubscriber subscriber;
    private OutcomeSubscriber operationsSubscriber;
    private WebServer server;

    public WebPart(
            StackConfig config,
            String serviceBusConnection,
            String serviceBusAdminUrl,
            Supplier<JsonObject> pageConfig,
            Supplier<JsonObject> health,
            java.util.function.Consumer<java.time.Duration> restartSignalR) {
        this.config = config;
        this.serviceBusConnection = serviceBusConnection;
        this.serviceBusAdminUrl = serviceBusAdminUrl;
        this.pageConfig = pageConfig;
        this.health = health;
        this.restartSignalR = restartSignalR;
    }

    @Override
    public String name() {
        return "Pages + state API";
    }

    @Override
    public void start() throws Exception {
        String topic = Setting.CALL_OUTCOMES_TOPIC.defaultValue().orElseThrow();
        // Its own subscription: integrators read 'telephony' without competing with the simulator page.
        subscriber =
                new OutcomeSubscriber(serviceBusConnection, topic, ServiceBusPart.SIMULATOR_SUBSCRIPTION, outcomes);
        subscriber.start();
        operationsSubscriber =
                new OutcomeSubscriber(serviceBusConnection, topic, OutcomeSubscriptions.OPERATIONS, operationsOutcomes);
        operationsSubscriber.start();
        server = new WebServer(new WebServer.Wiring(
                        config.ports().web(),
                        config.clientDist(),
                        pageConfig,
                        health,
                        serviceBusAdminUrl,
                        config.functionsBaseUrl(config.ports().ingress()),
                        config.keys().ingressFunctionKey(),
                        new StateReader(config.tablesConnectionString()),
                        new DeadLetters(serviceBusConnection),
                        outcomes,
                        restartSignalR,
                        operationsOutcomes))
                .telemetry(new TelemetryView(config.telemetryDir()));
        server.start();
    }

    public OutcomeFeed outcomes() {
        return outcomes;
    }

    public OutcomeFeed operationsOutcomes() {
        return operationsOutcomes;
    }

    @Override
    public boolean answers() {
        return server != null && Readiness.tcpOpen(config.ports().web());
    }

    @Override
    public List<Row> rows() {
        String o = config.webOrigin();
        return List.of(
                new Row("Agent panel", o + "/agent.html"),
                new Row("Telephony simulator", o + "/telephony.html"),
                new Row("Ops dashboard", o + "/ops.html"));
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (subscriber != null) {
            subscriber.close();
            subscriber = null;
        }
        if (operationsSubscriber != null) {
            operationsSubscriber.close();
            operationsSubscriber = null;
        }
    }
}
