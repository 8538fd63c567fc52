package io.cifpipe.devstack;

import io.cifpipe.devstack.DemoIdentities.Agent;
import io.cifpipe.devstack.parts.AzuritePart;
import io.cifpipe.devstack.parts.EntraPart;
import io.cifpipe.devstack.parts.FunctionsPart;
import io.cifpipe.devstack.parts.ServiceBusPart;
import io.cifpipe.devstack.parts.SignalRPart;
import io.cifpipe.devstack.parts.StackPart;
import io.cifpipe.devstack.parts.WebPart;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The whole local stack in one process: starts the parts in dependency order (each must answer before the next),
 * stops them in reverse. If any part fails, what already started is stopped before the error propagates.
 */
public final class LocalStack implements AutoCloseable {
    private final StackConfig config;
    private final List<StackPart> started = Collections.synchronizedList(new ArrayList<>());
    private EntraPart entra;
    private ServiceBusPart serviceBus;
    private SignalRPart signalR;
    private FunctionsPart functions;
    private WebPart web;
    private boolean closed;

    private LocalStack(StackConfig config) {
        this.config = config;
    }

    public static LocalStack start(StackConfig config, Progress progress) {
        PortCheck.ensureFree(config.ports());
        LocalStack stack = new LocalStack(config);
        try {
            stack.entra = stack.run(new EntraPart(config), progress, config.entraIssuer());
            stack.run(new AzuritePart(config), progress, "tables Connections, Notifications");
            stack.serviceBus = stack.run(new ServiceBusPart(config), progress, "queues call-events, call-outcomes");
            stack.signalR = stack.run(new SignalRPart(config), progress, "hub cifhub, upstream → presence");
            stack.functions = stack.run(
                    new FunctionsPart(config, stack.serviceBus.connectionString(), stack.signalR.connectionString()),
                    progress,
                    f -> f.problems().isEmpty()
                            ? "ingress :" + config.ports().ingress() + ", dispatch :"
                                    + config.ports().dispatch() + ", presence :"
                                    + config.ports().presence()
                            : "function errors: " + f.problems());

            stack.web = stack.run(
                    new WebPart(
                            config,
                            stack.serviceBus.connectionString(),
                            stack.serviceBus.adminUrl(),
                            stack::pageConfig,
                            stack::health,
                            d -> stack.signalR.restart(d)),
                    progress,
                    config.webOrigin());
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private <P extends StackPart> P run(P part, Progress progress, String detail) {
        return run(part, progress, p -> detail);
    }

    private <P extends StackPart> P run(P part, Progress progress, java.util.function.Function<P, String> detail) {
        long t0 = System.nanoTime();
        progress.starting(part.name());
        try {
            started.add(part);
            part.start();
        } catch (StackException e) {
            // The message and its fix are printed once, by the launcher.
            progress.failed(part.name(), Duration.ofNanos(System.nanoTime() - t0), "failed");
            throw e;
        } catch (Exception e) {
            progress.failed(part.name(), Duration.ofNanos(System.nanoTime() - t0), e.toString());
            throw new StackException(
                    part.name() + " failed to start: " + rootMessage(e),
                    "See .devstack/devstack.log for details; if a port is busy, stop the other process.",
                    e);
        }
        progress.started(part.name(), Duration.ofNanos(System.nanoTime() - t0), detail.apply(part));
        return part;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** What the pages need to know (no secrets: the ingress key stays server-side behind the telephony proxy). */
    public JsonObject pageConfig() {
        JsonArray agents = new JsonArray();
        for (Agent a : DemoIdentities.AGENTS) {
            agents.add(new JsonObject()
                    .put("key", a.key())
                    .put("oid", a.oid())
                    .put("name", a.name())
                    .put("preferredUsername", a.preferredUsername()));
        }
        String presence = config.functionsBaseUrl(config.ports().presence());
        return new JsonObject()
                .put("authority", config.entraIssuer())
                .put("issuer", config.entraIssuer())
                .put("tenantId", DemoIdentities.TENANT_ID)
                .put("clientId", DemoIdentities.PANEL_CLIENT_ID)
                .put("apiClientId", DemoIdentities.API_CLIENT_ID)
                .put("scopes", new JsonArray().add(DemoIdentities.API_AUDIENCE + "/" + DemoIdentities.AGENT_SCOPE))
                .put("functionUrl", presence)
                .put("presenceBaseUrl", presence + "/api")
                .put("negotiateUrl", presence + "/api/negotiate")
                .put("hub", Setting.HUB_NAME.defaultValue().orElseThrow())
                // the panel's relay page (client/webresource/redirect.html), as registered in Entra for Dynamics
                .put("redirectUri", config.webOrigin() + "/WebResources/cifpipe_/redirect.html")
                .put(
                        "environmentVariables",
                        LocalEnvironmentVariables.values(
                                presence,
                                config.entraIssuer(),
                                DemoIdentities.PANEL_CLIENT_ID,
                                DemoIdentities.API_AUDIENCE + "/" + DemoIdentities.AGENT_SCOPE))
                .put("agents", agents)
                .put(
                        "queues",
                        new JsonArray()
                                .add("call-events")
                                .add(OutcomeSubscriptions.path("call-outcomes", OutcomeSubscriptions.TELEPHONY))
                                .add(OutcomeSubscriptions.path("call-outcomes", OutcomeSubscriptions.OPERATIONS)))
                // the local CIF host's templates, presence list and demo records (web/cif-host-config.json)
                .mergeIn(CifHostConfig.load());
    }

    /** Per-part readiness; {@code ready} is true only when every part answers. */
    public JsonObject health() {
        JsonObject parts = new JsonObject();
        boolean all = true;
        List<StackPart> snapshot;
        synchronized (started) {
            snapshot = List.copyOf(started);
        }
        for (StackPart p : snapshot) {
            boolean ok = p.answers();
            all &= ok;
            parts.put(p.name(), ok);
        }
        return new JsonObject().put("ready", all && snapshot.size() == 6).put("parts", parts);
    }

    public boolean ready() {
        return health().getBoolean("ready");
    }

    public String summary() {
        SummaryTable t = new SummaryTable();
        t.section("Pages");
        t.rows(web.rows());
        t.section("Functions apps  (send the key as x-functions-key header or ?code=)");
        for (FunctionsPart.AppSpec a : functions.apps()) {
            t.row(a.appName(), config.functionsBaseUrl(a.port()) + "/api    key " + a.functionKey());
        }

        t.row("master key (admin)", config.keys().masterKey());
        t.section("Services");
        synchronized (started) {
            for (StackPart p : started) {
                if (p != web && p != functions) {
                    t.rows(p.rows());
                }
            }
        }
        t.row("Service Bus connection", serviceBus.connectionString());
        t.row("SignalR connection", signalR.connectionString());
        t.row("Tables connection", config.tablesConnectionString());
        t.row(
                "Settings samples",
                config.stateDir()
                        .resolve("local.settings.{ingress,dispatch,presence}.json")
                        .toString());
        t.section("Demo identities  (sign in on the agent panel; Entra issuer " + config.entraIssuer() + ")");
        for (Agent a : DemoIdentities.AGENTS) {
            t.row(a.key(), a.name() + " <" + a.preferredUsername() + ">  oid " + a.oid());
        }
        t.row(
                "telephony app",
                "client_id " + DemoIdentities.TELEPHONY.clientId() + " / secret "
                        + DemoIdentities.TELEPHONY.clientSecret() + "  roles " + DemoIdentities.TELEPHONY.roles());
        t.row("API audience", DemoIdentities.API_AUDIENCE + "  scope " + DemoIdentities.AGENT_SCOPE);
        t.row("Data", config.dataDir().map(d -> "on disk in " + d).orElse("in memory (use --data DIR to keep it)"));
        return t.render();
    }

    /** The same facts as {@link #summary()}, as JSON for scripts ({@code status.json} → {@code stack}). */
    public java.util.Map<String, Object> document() {
        return StackDocument.build(config, functions.apps(), serviceBus.connectionString(), signalR.connectionString());
    }

    public StackConfig config() {
        return config;
    }

    public String serviceBusConnectionString() {
        return serviceBus.connectionString();
    }

    public EntraPart entra() {
        return entra;
    }

    public WebPart web() {
        return web;
    }

    /** Stops everything that started, newest first. Idempotent; safe from a shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<StackPart> reverse;
        synchronized (started) {
            reverse = new ArrayList<>(started);
        }
        Collections.reverse(reverse);
        for (StackPart p : reverse) {
            try {
                p.close();
            } catch (RuntimeException e) {
                // keep stopping the rest; the part's own close logs what matters
            }
        }
    }
}
