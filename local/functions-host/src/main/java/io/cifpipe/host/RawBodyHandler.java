package io.cifpipe.host;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Collects the request body as raw bytes, like the Azure Functions host: no form or multipart decoding, so a
 * function receives exactly what was sent and answers bad bodies itself. (Vert.x's BodyHandler decodes form
 * content types and fails undecodable ones with a bare 400 before the function runs; it has no switch to stop
 * that, hence this small handler. It uses vertx-web's RoutingContextInternal.setBody so ctx.body() works.)
 */
final class RawBodyHandler implements Handler<RoutingContext> {
    private final long limit;

    RawBodyHandler(long limit) {
        this.limit = limit;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        request.handler(chunk -> {
            if (tooLarge[0]) return;
            if (body.length() + (long) chunk.length() > limit) {
                tooLarge[0] = true;
                ctx.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(ctx::fail);
        request.endHandler(done -> {
            if (tooLarge[0] || ctx.failed()) return;
            ((RoutingContextInternal) ctx).setBody(body);
            ctx.next();
        });
        request.resume();
    }
}
