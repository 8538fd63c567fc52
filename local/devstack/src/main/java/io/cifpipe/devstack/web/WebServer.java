package io.cifpipe.devstack.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devstack pages (agent panel, telephony simulator, ops dashboard) and the same-origin JSON they need.
 * The telephony proxy adds the ingress function key server-side so the key never sits in page source.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    /** A queue, or a topic subscription as {@code <topic>/subscriptions/<name>}. */
    private static final Pattern QUEUE_NAME =
            Pattern.compile("[A-Za-z0-9._-]{1,260}(/subscriptions/[A-Za-z0-9._-]{1,50})?");

    private static final Pattern CALL_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    /** What the server needs from the running stack. */
    public record Wiring(
            int port,
            Path clientDist,
            Supplier<JsonObject> pageConfig,
            Supplier<JsonObject> health,
            String serviceBusAdminUrl,
            String ingressBaseUrl,
            String ingressKey,
            StateReader state,
            DeadLetters deadLetters,
            OutcomeFeed outcomes,
            java.util.function.Consumer<java.time.Duration> restartSignalR,
            OutcomeFeed operationsOutcomes) {}

    private final Wiring w;
    private final Vertx vertx;
    private final WebClient http;
    private HttpServer server;
    /** Set once the port is known (ephemeral in tests); requests arrive only after listen() completed. */
    private volatile RequestGuard guard;

    private ReplayJobs replayJobs;
    private TelemetryView telemetry;

    public WebServer(Wiring wiring) {
        this.w = wiring;
        this.vertx = Vertx.vertx();
        this.http = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setConnectTimeout(3000)
                        .setIdleTimeout(30)
                        .setIdleTimeoutUnit(TimeUnit.SECONDS));
    }

    /** Serves {@code GET /api/state/metrics} from these files; call before {@link #start()}. */
    public WebServer telemetry(TelemetryView view) {
        this.telemetry = view;
        return this;
    }

    public void start() throws Exception {
        replayJobs = new ReplayJobs(
                (queue, callId, force, progress) -> w.deadLetters().replay(queue, callId, false, force, progress),
                java.time.Clock.systemUTC());
        Router r = Router.router(vertx);
        r.route().handler(ctx -> {
            ctx.response()
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Referrer-Policy", "no-referrer");
            PageSecurity.apply(ctx.request().path(), ctx.response().headers());
            // Every route (pages too) answers only to a loopback Host name: no DNS rebinding onto the state API.
            Optional<RequestGuard.Refusal> host = guard.checkHost(authority(ctx.request()));
            if (host.isPresent()) {
                Problem.send(
                        ctx, host.get().status(), host.get().title(), host.get().detail());
                return;
            }
            ctx.next();
        });
        // State-changing requests: same-origin JSON only, checked before any body is read or parsed.
        r.route("/api/*").method(io.vertx.core.http.HttpMethod.POST).handler(this::refuseCrossSite);
        r.route("/api/*").method(io.vertx.core.http.HttpMethod.PUT).handler(this::refuseCrossSite);
        r.route("/api/*").method(io.vertx.core.http.HttpMethod.DELETE).handler(this::refuseCrossSite);
        r.route("/api/*").method(io.vertx.core.http.HttpMethod.PATCH).handler(this::refuseCrossSite);
        r.route("/api/*").handler(BodyHandler.create().setBodyLimit(1024 * 1024));
        r.get("/api/health").handler(ctx -> blocking(ctx, () -> w.health().get()));
        r.get("/api/config").handler(ctx -> json(ctx, 200, w.pageConfig().get()));
        r.get("/api/state/queues").handler(this::queues);
        r.get("/api/state/connections")
                .handler(ctx -> blocking(ctx, () -> w.state().connectionsByAgent()));
        r.get("/api/state/ledger").handler(ctx -> {
            int limit = intParam(ctx, "limit", 50, 1, 500);
            blocking(ctx, () -> w.state().ledger(limit));
        });
        r.get("/api/state/dlq").handler(this::deadLetters);
        r.get("/api/state/supervisor")
                .handler(ctx -> blocking(ctx, () -> w.state().supervisor(agentNames(), java.time.Instant.now())));
        r.post("/api/state/dlq/replay").handler(this::replay);
        r.get("/api/state/dlq/replay/:job").handler(this::replayJob);
        if (telemetry != null) {
            r.get("/api/state/metrics")
                    .handler(ctx ->
                            blocking(ctx, () -> new JsonObject(telemetry.read().toString())));
        }
        r.post("/api/telephony/calls").handler(this::postCall);
        r.get("/api/telephony/calls/:callId").handler(this::getCall);
        r.get("/api/telephony/outcomes")
                .handler(ctx -> json(ctx, 200, w.outcomes().recent()));
        r.get("/api/ops/outcomes")
                .handler(ctx -> json(ctx, 200, w.operationsOutcomes().recent()));
        r.get("/api/telephony/outcomes/stream").handler(this::outcomeStream);
        r.post("/api/dev/signalr/restart").handler(this::restartSignalR);
        r.route("/api/*")
                .handler(ctx -> Problem.send(
                        ctx,
                        404,
                        "Not found",
                        "No devstack API at " + ctx.request().path()));

        if (Files.isDirectory(w.clientDist())) {
            r.route("/client/*")
                    .handler(StaticHandler.create(
                                    FileSystemAccess.ROOT,
                                    w.clientDist().toAbsolutePath().toString())
                            .setCachingEnabled(false));
        } else {
            r.route("/client/*")
                    .handler(ctx -> Problem.send(
                            ctx,
                            404,
                            "Client script not built",
                            "client/dist does not exist: run './dev up' (it runs 'npm run build' in client/)."));
        }
        // The panel as Dynamics serves it: Microsoft's CIF library at /WebResources/Widget/msdyn_ciLibrary.js (our
        // stand-in), then the Dataverse solution's web resources out of the built zip, Dynamics' paths; without a
        // built zip, /WebResources/cifpipe_/ falls through to client/webresource and the built client/dist.
        r.get("/WebResources/Widget/msdyn_ciLibrary.js").handler(ctx -> ctx.reroute("/cif-library.js"));
        r.get(SolutionWebResources.PREFIX + "*").blockingHandler(SolutionWebResources.forClientDist(w.clientDist()));
        for (Path dir : new Path[] {w.clientDist().resolveSibling("webresource"), w.clientDist()}) {
            if (Files.isDirectory(dir)) {
                r.route("/WebResources/cifpipe_/*")
                        .handler(StaticHandler.create(
                                        FileSystemAccess.ROOT,
                                        dir.toAbsolutePath().toString())
                                .setCachingEnabled(false)
                                .setDefaultContentEncoding("UTF-8"));
            }
        }
        r.get("/").handler(ctx -> ctx.redirect("/index.html"));
        r.route("/*")
                .handler(StaticHandler.create("web").setCachingEnabled(false).setDefaultContentEncoding("UTF-8"));

        guard = new RequestGuard(w.port()); // replaced below when the port was ephemeral
        server = vertx.createHttpServer()
                .requestHandler(r)
                .listen(w.port(), "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        guard = new RequestGuard(server.actualPort());
    }

    /** Host of HTTP/1.1 or {@code :authority} of HTTP/2 (Java's HttpClient upgrades to h2c: no Host header then). */
    static String authority(io.vertx.core.http.HttpServerRequest req) {
        io.vertx.core.net.HostAndPort a = req.authority();
        if (a == null) return req.getHeader("host");
        String host = a.host();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) host = "[" + host + "]";
        return a.port() >= 0 ? host + ":" + a.port() : host;
    }

    private void refuseCrossSite(RoutingContext ctx) {
        var req = ctx.request();
        Optional<RequestGuard.Refusal> refusal = guard.checkStateChange(
                authority(req),
                req.getHeader("origin"),
                req.getHeader("sec-fetch-site"),
                req.getHeader("content-type"));
        if (refusal.isPresent()) {
            LOG.warn(
                    "refused {} {}: {}", req.method(), req.path(), refusal.get().title());
            Problem.send(
                    ctx,
                    refusal.get().status(),
                    refusal.get().title(),
                    refusal.get().detail());
            return;
        }
        ctx.next();
    }

    public int port() {
        return server.actualPort();
    }

    /** Queue depths and, as rows named {@code <topic>/subscriptions/<name>}, the depths of each topic subscription. */
    private void queues(RoutingContext ctx) {
        http.getAbs(w.serviceBusAdminUrl() + "/queues")
                .timeout(5000)
                .send()
                .compose(queues -> http.getAbs(w.serviceBusAdminUrl() + "/topics")
                        .timeout(5000)
                        .send()
                        .map(topics -> {
                            if (queues.statusCode() != 200 || topics.statusCode() != 200) {
                                throw new IllegalStateException(
                                        "admin endpoint answered " + queues.statusCode() + "/" + topics.statusCode());
                            }
                            io.vertx.core.json.JsonArray rows =
                                    queues.bodyAsJsonArray().copy();
                            for (Object t : topics.bodyAsJsonArray()) {
                                JsonObject topic = (JsonObject) t;
                                for (Object sub : topic.getJsonArray("subscriptions")) {
                                    JsonObject row = ((JsonObject) sub).copy();
                                    row.put(
                                            "name",
                                            topic.getString("name") + "/subscriptions/" + row.getString("name"));
                                    row.put("scheduled", 0);
                                    rows.add(row);
                                }
                            }
                            return rows;
                        }))
                .onSuccess(rows -> ctx.response()
                        .putHeader("content-type", "application/json")
                        .end(rows.encode()))
                .onFailure(e -> Problem.send(ctx, 502, "Service Bus emulator not answering", e.getMessage()));
    }

    /** Demo agents' display names (oid → name) from the page config. */
    private Map<String, String> agentNames() {
        Map<String, String> names = new java.util.TreeMap<>();
        Object agents = w.pageConfig().get().getValue("agents");
        if (agents instanceof io.vertx.core.json.JsonArray a) {
            for (Object o : a) {
                if (o instanceof JsonObject j && j.getString("oid") != null)
                    names.put(j.getString("oid"), j.getString("name", j.getString("oid")));
            }
        }
        return names;
    }

    private void deadLetters(RoutingContext ctx) {
        String queue = ctx.queryParam("queue").stream().findFirst().orElse("call-events");
        if (!QUEUE_NAME.matcher(queue).matches()) {
            Problem.send(ctx, 400, "Invalid queue name", "queue must match " + QUEUE_NAME.pattern());
            return;
        }
        int max = intParam(ctx, "max", 50, 1, 250);
        blocking(ctx, () -> Map.of("queue", queue, "messages", w.deadLetters().list(queue, max)));
    }

    /**
     * Body {"queue": "call-events", "callId": "c-1", "dryRun": false, "force": false}: without callId, every dead
     * letter of the queue. A dry run answers 200 with the counts (the page's confirmation: "Replay 12?"); a replay
     * answers 202 with a job to poll at {@code Location} for progress. Messages that would fail validation again are
     * skipped unless force.
     */
    private void replay(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        String example =
                "expected {\"queue\": \"call-events\", \"callId\": \"c-1\", \"dryRun\": false, \"force\": false} "
                        + "(callId optional: all)";
        if (body == null) {
            Problem.send(ctx, 400, "Malformed JSON", example);
            return;
        }
        String queue = body.getValue("queue") instanceof String q ? q : "";
        Object callId = body.getValue("callId");
        Object dryRun = body.getValue("dryRun", false);
        Object force = body.getValue("force", false);
        Object expected = body.getValue("expected", 0);
        if (!QUEUE_NAME.matcher(queue).matches()
                || (callId != null
                        && !(callId instanceof String c && CALL_ID.matcher(c).matches()))
                || !(dryRun instanceof Boolean)
                || !(force instanceof Boolean)
                || !(expected instanceof Integer)) {
            Problem.send(ctx, 422, "Invalid replay request", example);
            return;
        }
        if (io.cifpipe.ops.DeadLetterOperations.isSubscription(queue)) {
            Problem.send(
                    ctx,
                    409,
                    "Subscription dead letters cannot be replayed",
                    "Service Bus cannot send to one subscription; re-sending to the topic would reach every subscription. "
                            + "Use './dev ops dlq list|purge --subscription TOPIC/NAME'.");
            return;
        }
        if ((Boolean) dryRun) {
            blocking(ctx, () -> w.deadLetters().replay(queue, (String) callId, true, (Boolean) force, item -> {}));
            return;
        }
        ReplayJobs.Job job = replayJobs.start(queue, (String) callId, (Boolean) force, (Integer) expected);
        ctx.response().putHeader("location", "/api/state/dlq/replay/" + job.id);
        json(ctx, 202, job.view());
    }

    private void replayJob(RoutingContext ctx) {
        replayJobs
                .get(ctx.pathParam("job"))
                .ifPresentOrElse(
                        j -> json(ctx, 200, j.view()),
                        () -> Problem.send(
                                ctx, 404, "No such replay job", "Replay jobs are kept in memory (the last 20)."));
    }

    /** Dev hook for reconnect tests: {"downSeconds": n} takes the SignalR emulator down for n seconds (0–120). */
    private void restartSignalR(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        Object down = body == null ? null : body.getValue("downSeconds");
        if (!(down instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 120) {
            Problem.send(ctx, 422, "Invalid restart request", "expected {\"downSeconds\": 0..120}");
            return;
        }
        java.time.Duration d = java.time.Duration.ofMillis((long) (n.doubleValue() * 1000));
        vertx.executeBlocking(
                        () -> {
                            w.restartSignalR().accept(d);
                            return null;
                        },
                        false)
                .onSuccess(v -> json(ctx, 202, Map.of("downSeconds", n, "status", "down; restarting on the same port")))
                .onFailure(e -> Problem.send(ctx, 500, "Restart failed", String.valueOf(e.getMessage())));
    }

    private void postCall(RoutingContext ctx) {
        String contentType =
                Optional.ofNullable(ctx.request().getHeader("content-type")).orElse("application/cloudevents+json");
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            Problem.send(ctx, 400, "Empty body", "POST a CloudEvent (application/cloudevents+json) or a batch.");
            return;
        }
        http.postAbs(w.ingressBaseUrl() + "/api/calls")
                .timeout(60000)
                .putHeader("content-type", contentType)
                .putHeader("x-functions-key", w.ingressKey())
                .sendBuffer(body)
                .onSuccess(resp -> passThrough(ctx, resp))
                .onFailure(e -> Problem.send(ctx, 502, "functions-ingress not answering", e.getMessage()));
    }

    private void getCall(RoutingContext ctx) {
        String callId = ctx.pathParam("callId");
        if (!CALL_ID.matcher(callId).matches()) {
            Problem.send(ctx, 400, "Invalid call id", "callId must match " + CALL_ID.pattern());
            return;
        }
        http.getAbs(w.ingressBaseUrl() + "/api/calls/" + callId)
                .timeout(30000)
                .putHeader("x-functions-key", w.ingressKey())
                .send()
                .onSuccess(resp -> passThrough(ctx, resp))
                .onFailure(e -> Problem.send(ctx, 502, "functions-ingress not answering", e.getMessage()));
    }

    /** Server-sent events: every outcome read from call-outcomes, plus a comment heartbeat so proxies keep it open. */
    private void outcomeStream(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("connection", "keep-alive");
        res.write(": connected\n\n");
        var ctxVertx = vertx.getOrCreateContext();
        Runnable unsubscribe = w.outcomes()
                .subscribe(o -> ctxVertx.runOnContext(v -> {
                    if (!res.closed()) {
                        res.write("event: outcome\ndata: " + Json.encode(o) + "\n\n");
                    }
                }));
        long timer = vertx.setPeriodic(15000, id -> {
            if (!res.closed()) {
                res.write(": keep-alive\n\n");
            }
        });
        res.closeHandler(v -> {
            unsubscribe.run();
            vertx.cancelTimer(timer);
        });
    }

    private void passThrough(RoutingContext ctx, HttpResponse<Buffer> resp) {
        HttpServerResponse out = ctx.response().setStatusCode(resp.statusCode());
        String ct = resp.getHeader("content-type");
        if (ct != null) {
            out.putHeader("content-type", ct);
        }
        String location = resp.getHeader("location");
        if (location != null) {
            out.putHeader("location", location);
        }
        Buffer b = resp.body();
        out.end(b == null ? Buffer.buffer() : b);
    }

    private <T> void blocking(RoutingContext ctx, Callable<T> work) {
        vertx.executeBlocking(work, false).onSuccess(v -> json(ctx, 200, v)).onFailure(e -> {
            LOG.warn("request failed on {}", ctx.request().path(), e);
            if (isBackendFailure(e)) {
                Problem.send(ctx, 502, "Backing service not answering", String.valueOf(e.getMessage()));
            } else {
                Problem.send(
                        ctx,
                        500,
                        "Request failed in the devstack",
                        e.getClass().getSimpleName() + ": " + e.getMessage() + " (details in .devstack/devstack.log)");
            }
        });
    }

    /** Azure SDK / network failures mean Azurite or the emulator did not answer; anything else is our bug. */
    private static boolean isBackendFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.azure.core.exception.AzureException
                    || t instanceof java.io.IOException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static void json(RoutingContext ctx, int status, Object value) {
        String body = value instanceof JsonObject j ? j.encode() : Json.encode(value);
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(body);
    }

    private static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
        try {
            int v = ctx.queryParam(name).stream()
                    .findFirst()
                    .map(Integer::parseInt)
                    .orElse(dflt);
            return Math.max(min, Math.min(max, v));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    @Override
    public void close() {
        if (replayJobs != null) replayJobs.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("vertx close: {}", e.toString());
        }
    }
}
