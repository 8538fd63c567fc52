package io.cifpipe.devstack.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem+json answers for the devstack's own API. */
final class Problem {
    private Problem() {}

    static void send(RoutingContext ctx, int status, String title, String detail) {
        JsonObject body = new JsonObject()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail)
                .put("instance", ctx.request().path());
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/problem+json")
                .end(body.encode());
    }
}
