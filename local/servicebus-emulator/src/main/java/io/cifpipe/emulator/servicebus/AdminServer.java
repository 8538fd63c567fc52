package io.cifpipe.emulator.servicebus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Small read-only HTTP API for dashboards: {@code GET /queues}, {@code GET /queues/{name}}, {@code GET /topics},
 * {@code GET /topics/{name}}, {@code GET /topics/{name}/subscriptions/{sub}}, {@code GET /health}.
 */
final class AdminServer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vertx vertx;
    private final Supplier<List<QueueStats>> stats;
    private final Supplier<List<TopicStats>> topics;
    private HttpServer server;

    AdminServer(Vertx vertx, Supplier<List<QueueStats>> stats, Supplier<List<TopicStats>> topics) {
        this.vertx = vertx;
        this.stats = stats;
        this.topics = topics;
    }

    Future<HttpServer> listen(String host, int port) {
        Router router = Router.router(vertx);
        router.get("/queues").handler(ctx -> json(ctx, 200, stats.get()));
        router.get("/queues/:name").handler(ctx -> {
            String name = ctx.pathParam("name");
            stats.get().stream()
                    .filter(s -> s.name().equalsIgnoreCase(name))
                    .findFirst()
                    .ifPresentOrElse(
                            s -> json(ctx, 200, s),
                            () -> problem(ctx, 404, "Queue not found", "No queue named '" + name + "' is configured."));
        });
        router.get("/topics").handler(ctx -> json(ctx, 200, topics.get()));
        router.get("/topics/:name").handler(ctx -> {
            String name = ctx.pathParam("name");
            topics.get().stream()
                    .filter(t -> t.name().equalsIgnoreCase(name))
                    .findFirst()
                    .ifPresentOrElse(
                            t -> json(ctx, 200, t),
                            () -> problem(ctx, 404, "Topic not found", "No topic named '" + name + "' is configured."));
        });
        router.get("/topics/:name/subscriptions/:sub").handler(ctx -> {
            String name = ctx.pathParam("name");
            String sub = ctx.pathParam("sub");
            topics.get().stream()
                    .filter(t -> t.name().equalsIgnoreCase(name))
                    .flatMap(t -> t.subscriptions().stream())
                    .filter(s -> s.name().equalsIgnoreCase(sub))
                    .findFirst()
                    .ifPresentOrElse(
                            s -> json(ctx, 200, s),
                            () -> problem(
                                    ctx,
                                    404,
                                    "Subscription not found",
                                    "No subscription '" + name + "/subscriptions/" + sub + "' is configured."));
        });
        router.get("/health").handler(ctx -> json(ctx, 200, Map.of("status", "up")));
        router.route().handler(ctx -> problem(ctx, 404, "Not found", "Try GET /queues or GET /topics."));
        router.route()
                .failureHandler(ctx -> problem(
                        ctx,
                        ctx.statusCode() > 0 ? ctx.statusCode() : 500,
                        "Request failed",
                        "The admin endpoint could not answer this request."));
        server = vertx.createHttpServer();
        return server.requestHandler(router).listen(port, host);
    }

    int port() {
        return server.actualPort();
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("content-type", "application/json")
                    .end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private static void problem(RoutingContext ctx, int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        try {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("content-type", "application/problem+json")
                    .end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}
