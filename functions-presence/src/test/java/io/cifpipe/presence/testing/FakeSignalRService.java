package io.cifpipe.presence.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SignalR Service data-plane REST API at the HTTP boundary (the real {@link SignalRRestClient} talks to it):
 * HEAD /connections/{id} and POST /connections/{id}/:send answer 200/202 for live connections, 404 otherwise,
 * 500 for connections marked broken. Sends are recorded.
 */
public final class FakeSignalRService implements AutoCloseable {
    public static final String ACCESS_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
    private static final Pattern CONNECTION = Pattern.compile("^/api/hubs/([^/]+)/connections/([^/]+)(/:send)?$");
    private static final Pattern GROUP_CONNECTION =
            Pattern.compile("^/api/hubs/([^/]+)/groups/([^/]+)/connections/([^/]+)$");
    private static final Pattern USER_SEND = Pattern.compile("^/api/hubs/([^/]+)/users/([^/]+)/:send$");
    private static final Pattern USER_IN_GROUP = Pattern.compile("^/api/hubs/([^/]+)/users/([^/]+)/groups/([^/]+)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded send to a connection. */
    public record Sent(String connectionId, String target, JsonNode arguments) {}

    public final Set<String> live = ConcurrentHashMap.newKeySet();
    public final Set<String> broken = ConcurrentHashMap.newKeySet();
    public final List<Sent> sent = new CopyOnWriteArrayList<>();
    public final List<String> heads = new CopyOnWriteArrayList<>();
    /** connection id → the user id it was opened with (for group/user membership answers). */
    public final Map<String, String> owners = new ConcurrentHashMap<>();
    /** group → member connection ids. */
    public final Map<String, Set<String>> groups = new ConcurrentHashMap<>();

    private final HttpServer server;

    public FakeSignalRService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    public String connectionString() {
        return "Endpoint=http://127.0.0.1;Port=" + server.getAddress().getPort() + ";AccessKey=" + ACCESS_KEY
                + ";Version=1.0;";
    }

    public SignalRRestClient client() {
        return SignalRRestClient.builder()
                .connectionString(connectionString())
                .hub("cifhub")
                .build();
    }

    /** What was sent to a user (every connection of hers): recorded as connection id {@code user:<userId>}. */
    public List<Sent> sentToUser(String userId) {
        return sentTo("user:" + userId);
    }

    public List<Sent> sentTo(String connectionId) {
        return sent.stream().filter(s -> s.connectionId().equals(connectionId)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            Matcher gc = GROUP_CONNECTION.matcher(path);
            Matcher ug = USER_IN_GROUP.matcher(path);
            if (gc.matches()) {
                String group = URLDecoder.decode(gc.group(2), StandardCharsets.UTF_8);
                String id = URLDecoder.decode(gc.group(3), StandardCharsets.UTF_8);
                if (broken.contains(id)) {
                    ex.sendResponseHeaders(500, -1);
                } else if ("PUT".equals(ex.getRequestMethod())) {
                    if (!live.contains(id)) {
                        ex.getResponseHeaders().add("x-ms-error-code", "Error.Connection.NotExisted");
                        ex.sendResponseHeaders(404, -1);
                        return;
                    }
                    groups.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet())
                            .add(id);
                    ex.sendResponseHeaders(200, -1);
                } else if ("DELETE".equals(ex.getRequestMethod())) {
                    Set<String> members = groups.get(group);
                    boolean removed = members != null && members.remove(id);
                    if (members != null && members.isEmpty()) {
                        groups.remove(group);
                    }
                    ex.sendResponseHeaders(removed ? 200 : 404, -1);
                } else {
                    ex.sendResponseHeaders(405, -1);
                }
                return;
            }
            if (ug.matches() && "HEAD".equals(ex.getRequestMethod())) {
                String user = URLDecoder.decode(ug.group(2), StandardCharsets.UTF_8);
                String group = URLDecoder.decode(ug.group(3), StandardCharsets.UTF_8);
                boolean member =
                        groups.getOrDefault(group, Set.of()).stream().anyMatch(c -> user.equals(owners.get(c)));
                ex.sendResponseHeaders(member ? 200 : 404, -1);
                return;
            }
            Matcher us = USER_SEND.matcher(path);
            if (us.matches() && "POST".equals(ex.getRequestMethod())) {
                JsonNode payload = JSON.readTree(body);
                sent.add(new Sent(
                        "user:" + URLDecoder.decode(us.group(2), StandardCharsets.UTF_8),
                        payload.path("target").asText(),
                        payload.path("arguments")));
                ex.sendResponseHeaders(202, -1); // SignalR accepts a user send whether or not she is connected
                return;
            }
            Matcher m = CONNECTION.matcher(path);
            if (!m.matches()) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String id = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            boolean send = m.group(3) != null;
            if ("HEAD".equals(ex.getRequestMethod())) {
                heads.add(id);
            }
            if (broken.contains(id)) {
                ex.sendResponseHeaders(500, -1);
                return;
            }
            boolean exists = live.contains(id);
            if (send && "POST".equals(ex.getRequestMethod())) {
                if (exists) {
                    JsonNode payload = JSON.readTree(body);
                    sent.add(new Sent(id, payload.path("target").asText(), payload.path("arguments")));
                }
                if (!exists) {
                    ex.getResponseHeaders().add("x-ms-error-code", "Warning.Connection.NotExisted");
                }
                ex.sendResponseHeaders(exists ? 202 : 404, -1);
            } else if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(exists ? 200 : 404, -1);
            } else {
                ex.sendResponseHeaders(405, -1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
