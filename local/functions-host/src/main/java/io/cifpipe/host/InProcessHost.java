package io.cifpipe.host;

import com.microsoft.azure.functions.HttpMethod;
import io.cifpipe.host.http.HttpRequestData;
import io.cifpipe.host.http.HttpResponses;
import io.cifpipe.host.http.HttpRoute;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one app in this JVM: Vert.x HTTP front (functions, admin), timers, Service Bus. */
final class InProcessHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessHost.class);
    private static final long MAX_BODY = 100L * 1024 * 1024; // Azure's HTTP request limit

    private final FunctionsHost.Config config;
    private final Settings settings;
    private Vertx vertx;
    private WorkerExecutor http;
    private ExecutorService workers;
    private ScheduledExecutorService scheduler;
    private FunctionApp app;
    private HttpServer server;

    InProcessHost(FunctionsHost.Config config, Settings settings) {
        this.config = config;
        this.settings = settings;
    }

    int start() {
        AppDirectory dir = AppDirectory.open(config.appDirectory());
        LocalTelemetry.installIfConfigured(config.appName()); // before the app's first GlobalOpenTelemetry.get()
        app = new FunctionApp(config.appName(), dir, settings);
        vertx = Vertx.vertx();
        http = vertx.createSharedWorkerExecutor("functions-" + config.appName(), 32, 10, TimeUnit.MINUTES);
        workers = Executors.newCachedThreadPool(daemon("functions-" + config.appName() + "-trigger"));
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("functions-" + config.appName() + "-timer"));

        Router router = Router.router(vertx);
        if (!config.corsOrigins().isEmpty()) {
            CorsHandler cors =
                    CorsHandler.create().addOrigins(config.corsOrigins()).allowCredentials(config.corsCredentials());
            for (io.vertx.core.http.HttpMethod m : io.vertx.core.http.HttpMethod.values()) cors.allowedMethod(m);
            router.route().handler(cors);
        }
        router.route().handler(new RawBodyHandler(MAX_BODY));
        router.get("/admin/host/status").handler(ctx -> admin(ctx, () -> json(ctx, 200, app.describe())));
        router.post("/admin/functions/:name").handler(ctx -> admin(ctx, () -> runNonHttp(ctx)));
        router.route().handler(this::httpTrigger);

        try {
            server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                            // SignalR upstream headers (claims, bearer tokens) can exceed Vert.x's 8 KB default.
                            .setMaxHeaderSize(64 * 1024)
                            .setMaxInitialLineLength(16 * 1024))
                    .requestHandler(router)
                    .listen(config.port(), config.bindHost())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new FunctionsHostException(
                    "app '" + config.appName() + "' cannot listen on " + config.bindHost() + ":" + config.port() + " ("
                            + rootMessage(e) + ")",
                    e);
        }
        app.startTriggers(scheduler, workers, Clock.systemUTC());
        LOG.info(
                "app '{}' listening on http://{}:{} with functions {}{}",
                config.appName(),
                config.bindHost(),
                server.actualPort(),
                app.functionNames(),
                app.errors().isEmpty() ? "" : ", in error: " + app.errors().keySet());
        return server.actualPort();
    }

    FunctionApp app() {
        return app;
    }

    private void httpTrigger(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String path = decodedPath(req.path());
        HttpMethod method;
        try {
            method = HttpMethod.value(req.method().name());
        } catch (IllegalArgumentException e) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        HttpRoute chosen = null;
        Map<String, String> routeValues = null;
        for (HttpRoute route : app.routes()) {
            Optional<Map<String, String>> match = route.template().match(path);
            if (match.isPresent() && route.accepts(method)) {
                chosen = route;
                routeValues = match.get();
                break;
            }
        }
        if (chosen == null) {
            if (path.equals("/")) {
                ctx.response()
                        .putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("Functions app '" + config.appName() + "' is up and running\n");
            } else {
                ctx.response().setStatusCode(404).end();
            }
            return;
        }
        if (!config.keys().allows(chosen.authLevel(), chosen.functionName(), presentedKey(req))) {
            ctx.response().setStatusCode(401).end();
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : req.headers().names())
            headers.put(
                    name.toLowerCase(Locale.ROOT),
                    String.join(", ", req.headers().getAll(name)));
        Map<String, String> query = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> {
            if (!e.getValue().isEmpty()) query.putIfAbsent(e.getKey(), e.getValue());
        });
        URI uri = requestUri(req);
        if (uri == null) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        Buffer body = ctx.body().buffer();
        HttpRequestData data = new HttpRequestData(
                method,
                uri,
                Collections.unmodifiableMap(headers),
                Collections.unmodifiableMap(query),
                body == null ? new byte[0] : body.getBytes());
        Map<String, Object> metadata = new LinkedHashMap<>(routeValues);
        FunctionInvoker invoker = app.function(chosen.functionName());
        HttpRoute route = chosen;
        http.<Object>executeBlocking(
                        () -> {
                            FunctionInvoker.Result r = invoker.invoke(
                                    new FunctionInvoker.Invocation(data, metadata, headers.get("traceparent")));
                            return route.responseBinding().equals("$return")
                                    ? r.returnValue()
                                    : r.outputs().get(route.responseBinding());
                        },
                        false)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        try {
                            HttpResponses.write(ctx.response(), ar.result(), HostJson.MAPPER);
                            return;
                        } catch (Exception e) {
                            LOG.error("function '{}': writing the response failed", route.functionName(), e);
                        }
                    } else if (ar.cause() instanceof FunctionInvoker.FunctionException fe) {
                        LOG.error(
                                "function '{}' invocation {} failed",
                                fe.functionName(),
                                fe.invocationId(),
                                fe.getCause());
                    } else {
                        LOG.error("function '{}' failed", route.functionName(), ar.cause());
                    }
                    if (!ctx.response().headWritten())
                        ctx.response().setStatusCode(500).end();
                });
    }

    /** {@code POST /admin/functions/<name>} {"input": "..."}: runs a non-HTTP function now, as in Azure (202). */
    private void runNonHttp(RoutingContext ctx) {
        String fn = ctx.pathParam("name");
        FunctionInvoker invoker = app.function(fn);
        if (invoker == null) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        if (invoker.definition().trigger().type().equalsIgnoreCase("httpTrigger")) {
            ctx.response().setStatusCode(400).end("HTTP-triggered functions are called through their route");
            return;
        }
        String input;
        try {
            io.vertx.core.json.JsonObject body = ctx.body().asJsonObject();
            input = body == null ? "" : body.getString("input", "");
        } catch (RuntimeException e) {
            ctx.response().setStatusCode(400).end("body must be JSON {\"input\": \"...\"}");
            return;
        }
        workers.execute(() -> {
            if (app.runTimerNow(fn)) return;
            try {
                invoker.invoke(new FunctionInvoker.Invocation(input, Map.of(), null));
            } catch (FunctionInvoker.FunctionException e) {
                LOG.error("function '{}' invocation {} failed", e.functionName(), e.invocationId(), e.getCause());
            }
        });
        ctx.response().setStatusCode(202).end();
    }

    private void admin(RoutingContext ctx, Runnable action) {
        if (!config.keys()
                .allows(
                        com.microsoft.azure.functions.annotation.AuthorizationLevel.ADMIN,
                        "",
                        presentedKey(ctx.request()))) {
            ctx.response().setStatusCode(401).end();
            return;
        }
        action.run();
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(Values.json(body));
    }

    /** The absolute request URI; null when the client sent one Java cannot parse (answered with 400). */
    private URI requestUri(HttpServerRequest req) {
        try {
            String absolute = req.absoluteURI();
            String text = absolute != null
                    ? absolute
                    : "http://" + config.bindHost() + ":" + req.localAddress().port() + req.uri();
            return URI.create(escapeIllegal(text));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Browsers and curl send characters like | or spaces raw; percent-encode them (not '%') so java.net.URI accepts them. */
    static String escapeIllegal(String uri) {
        StringBuilder out = new StringBuilder(uri.length());
        for (byte b : uri.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean legal = c > 0x20 && c < 0x7f && "\"<>\\^`{|}".indexOf(c) < 0;
            if (legal) out.append((char) c);
            else out.append('%').append(String.format("%02X", c));
        }
        return out.toString();
    }

    private static String presentedKey(HttpServerRequest req) {
        String header = req.getHeader("x-functions-key");
        return header != null && !header.isEmpty() ? header : req.getParam("code");
    }

    static String decodedPath(String raw) {
        try {
            String p = URI.create("http://h" + raw).getPath();
            return p == null || p.isEmpty() ? "/" : p;
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void close() {
        if (app != null) app.close();
        if (scheduler != null) scheduler.shutdownNow();
        if (workers != null) workers.shutdownNow();
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("closing Vert.x: {}", e.toString());
            }
        }
    }
}
