package io.cifpipe.bench.signalr;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The floor: the least a WebSocket push server can do on Vert.x. One event loop (like the emulator), clients
 * connect to {@code /ws?user=<id>}, the JSON hub handshake is answered with {@code {}}, and
 * {@code POST /push/<user>} with a {@code {"target":..,"arguments":[..]}} body writes one invocation frame to each
 * of the user's sockets and answers 202. No auth, no negotiate, no parsing beyond the user id.
 */
public final class BareWebSocketServer implements AutoCloseable {
    private static final char RS = '\u001e';
    private final Vertx vertx;
    private final HttpServer server;

    private BareWebSocketServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static BareWebSocketServer start(int port) throws Exception {
        Vertx vertx = Vertx.vertx();
        Map<String, List<ServerWebSocket>> users = new HashMap<>();
        HttpServer server = vertx.createHttpServer(
                new HttpServerOptions().setHost("127.0.0.1").setPort(port));
        server.webSocketHandler(ws -> {
            String query = ws.query() == null ? "" : ws.query();
            String user = query.startsWith("user=") ? query.substring(5) : query;
            ws.textMessageHandler(text -> {
                if (text.startsWith("{\"protocol\"")) {
                    ws.writeTextMessage("{}" + RS);
                }
                // pings and everything else: ignored
            });
            users.computeIfAbsent(user, k -> new ArrayList<>(1)).add(ws);
            ws.closeHandler(v -> {
                List<ServerWebSocket> list = users.get(user);
                if (list != null) {
                    list.remove(ws);
                    if (list.isEmpty()) {
                        users.remove(user);
                    }
                }
            });
        });
        server.requestHandler(req -> {
            if (!req.path().startsWith("/push/")) {
                req.response().setStatusCode(404).end();
                return;
            }
            String user = req.path().substring("/push/".length());
            req.body().onSuccess(body -> {
                // body is {"target":..,"arguments":[..]}: splice it into an invocation frame without re-encoding.
                Buffer frame = Buffer.buffer(body.length() + 16)
                        .appendString("{\"type\":1,")
                        .appendBuffer(body, 1, body.length() - 1)
                        .appendString(String.valueOf(RS));
                String text = frame.toString();
                for (ServerWebSocket ws : users.getOrDefault(user, List.of())) {
                    ws.writeTextMessage(text);
                }
                req.response().setStatusCode(202).end();
            });
        });
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new BareWebSocketServer(vertx, server);
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
