package io.cifpipe.harness.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/** The pass-through both test proxies use: one request to {@code 127.0.0.1:targetPort}, its answer relayed as is. */
public final class HttpForwarding {
    private HttpForwarding() {}

    /**
     * Forwards {@code req} (whose body was read) and relays status, headers and body. Hop-by-hop headers are left to
     * Vert.x; an unreachable target is answered 502, as a gateway would.
     */
    public static void forward(HttpClient client, int targetPort, HttpServerRequest req, Buffer body) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
        headers.remove(HttpHeaders.HOST)
                .remove(HttpHeaders.CONTENT_LENGTH)
                .remove(HttpHeaders.CONNECTION)
                .remove(HttpHeaders.TRANSFER_ENCODING);
        client.request(new RequestOptions()
                        .setMethod(req.method())
                        .setHost("127.0.0.1")
                        .setPort(targetPort)
                        .setURI(req.uri())
                        .setHeaders(headers))
                .compose(r -> r.send(body))
                .compose(resp -> resp.body().map(b -> {
                    req.response().setStatusCode(resp.statusCode());
                    resp.headers().forEach((k, v) -> {
                        if (!k.equalsIgnoreCase("content-length")
                                && !k.equalsIgnoreCase("transfer-encoding")
                                && !k.equalsIgnoreCase("connection")) {
                            req.response().headers().add(k, v);
                        }
                    });
                    return b;
                }))
                .onSuccess(b -> req.response().end(b))
                .onFailure(e -> {
                    if (!req.response().ended())
                        req.response().setStatusCode(502).end();
                });
    }
}
