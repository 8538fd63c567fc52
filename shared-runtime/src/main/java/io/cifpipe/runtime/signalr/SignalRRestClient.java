package io.cifpipe.runtime.signalr;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Client for the SignalR Service data-plane REST API (2022-06-01) of one hub, serverless mode.
 *
 * <p>Written on the JDK HttpClient rather than the .NET-only Management SDK (there is no Java one). One instance
 * per process: it holds the HTTP connection pool and the server-token cache. Thread-safe.
 */
public final class SignalRRestClient {
    static final String API_VERSION = "2022-06-01";
    private static final Pattern HUB = Pattern.compile("^[A-Za-z][A-Za-z0-9_`,.\\[\\]]{0,127}$");

    /** Threads for the async sends, shared by every client of the process; idle ones end after a minute. */
    private static final ExecutorService ASYNC_SENDS = asyncSendPool();

    private final SignalRConnectionString connection;
    private final String hub;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final SignalRAuth auth;
    private final Duration requestTimeout;

    private SignalRRestClient(Builder b) {
        this.connection = Objects.requireNonNull(b.connection, "connectionString");
        Objects.requireNonNull(b.hub, "hub");
        if (!HUB.matcher(b.hub).matches()) {
            throw new IllegalArgumentException("Invalid SignalR hub name '" + b.hub + "'");
        }
        this.hub = b.hub.toLowerCase(Locale.ROOT);
        this.requestTimeout = b.requestTimeout;
        this.http = b.http != null
                ? b.http
                : HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        this.mapper = b.mapper != null ? b.mapper : defaultMapper();
        this.auth = b.auth != null
                ? b.auth
                : connection.isKeyless()
                        ? new EntraAuth(
                                b.credential != null ? b.credential : defaultCredential(connection),
                                connection.serverEndpoint(),
                                hub,
                                http,
                                mapper,
                                requestTimeout,
                                b.clock)
                        : new AccessKeyAuth(connection.accessKey(), b.clock);
    }

    /** {@code DefaultAzureCredential}; with {@code ClientId=} in the connection string, that user-assigned identity. */
    private static TokenCredential defaultCredential(SignalRConnectionString connection) {
        DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder();
        if (connection.clientId() != null && !connection.clientId().isBlank()) {
            b.managedIdentityClientId(connection.clientId());
        }
        return b.build();
    }

    /** How this client authenticates (shared with other data-plane callers of the same app). */
    public SignalRAuth auth() {
        return auth;
    }

    /** The parsed connection string (never prints a key). */
    public SignalRConnectionString connection() {
        return connection;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The hub (lower-cased, as the service names it). */
    public String hub() {
        return hub;
    }

    /**
     * Sends {@code target(arguments…)} to one connection: SENT, GONE (prune it), otherwise a failed future.
     * The service accepts a send to a connection that no longer exists with 202 (fire and forget), so
     * whether it is gone is asked first with HEAD; a 404 on the send itself is read the same way.
     */
    public CompletableFuture<SendResult> sendToConnectionAsync(String connectionId, String target, List<?> arguments) {
        HttpRequest send = post(connectionSendUrl(connectionId), payload(target, arguments));
        return connectionExistsAsync(connectionId)
                .thenCompose(exists -> !exists
                        ? CompletableFuture.completedFuture(SendResult.GONE)
                        : call(send, "send to connection").thenApply(SignalRRestClient::sendResult));
    }

    public SendResult sendToConnection(String connectionId, String target, List<?> arguments) {
        if (!connectionExists(connectionId)) {
            return SendResult.GONE;
        }
        return sendResult(
                send(post(connectionSendUrl(connectionId), payload(target, arguments)), "send to connection"));
    }

    /** One send per connection, all in flight at once; never throws for a single connection's failure. */
    public DeliveryReport sendToConnections(Collection<String> connectionIds, String target, List<?> arguments) {
        Map<String, CompletableFuture<SendResult>> inFlight = new LinkedHashMap<>();
        for (String id : connectionIds) {
            inFlight.putIfAbsent(id, sendToConnectionAsync(id, target, arguments));
        }
        List<String> sent = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        Map<String, SignalRException> failed = new LinkedHashMap<>();
        inFlight.forEach((id, future) -> {
            try {
                (join(future) == SendResult.SENT ? sent : gone).add(id);
            } catch (SignalRException e) {
                failed.put(id, e);
            }
        });
        return new DeliveryReport(sent, gone, failed);
    }

    /** Sends to every connection of a user (202 even when the user has none). */
    public void sendToUser(String userId, String target, List<?> arguments) {
        URI url = url("/users/" + enc(userId) + "/:send", null);
        int status = send(post(url, payload(target, arguments)), "send to user");
        if (status != 202 && status != 200) {
            throw unexpected("send to user", status);
        }
    }

    /**
     * HEAD /users/{id}: whether the user has at least one connection to this hub (200 true, 404 false). With
     * {@link #sendToUser} this is the two-request delivery to every tab of an agent: the send itself answers 202
     * even for a user without connections, so only this tells "offline".
     */
    public CompletableFuture<Boolean> userExistsAsync(String userId) {
        return existsAsync("/users/" + enc(userId), "check user");
    }

    public boolean userExists(String userId) {
        return exists("/users/" + enc(userId), "check user");
    }

    /** Waits for a future of this client, unwrapping its {@link SignalRException}. */
    public static <T> T await(CompletableFuture<T> future) {
        return join(future);
    }

    /** HEAD /connections/{id}: true on 200, false on 404. */
    public boolean connectionExists(String connectionId) {
        return exists("/connections/" + enc(connectionId), "check connection");
    }

    private CompletableFuture<Boolean> connectionExistsAsync(String connectionId) {
        return existsAsync("/connections/" + enc(connectionId), "check connection");
    }

    /** HEAD on an existence route: 200 true, 404 false, anything else a {@link SignalRException}. */
    private CompletableFuture<Boolean> existsAsync(String path, String what) {
        return call(head(path), what).thenApply(status -> existence(what, status));
    }

    private boolean exists(String path, String what) {
        return existence(what, send(head(path), what));
    }

    private HttpRequest head(String path) {
        return authorized(url(path, null))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private URI connectionSendUrl(String connectionId) {
        return url("/connections/" + enc(connectionId) + "/:send", null);
    }

    /** A send to one connection: 200/202 SENT, 404 GONE (the service may also accept a send to a gone one). */
    private static SendResult sendResult(int status) {
        return switch (status) {
            case 200, 202 -> SendResult.SENT;
            case 404 -> SendResult.GONE;
            default -> throw unexpected("send to connection", status);
        };
    }

    private static boolean existence(String what, int status) {
        return switch (status) {
            case 200 -> true;
            case 404 -> false;
            default -> throw unexpected(what, status);
        };
    }

    /** DELETE /connections/{id}: closes it (the client may reconnect). A connection already gone is fine. */
    public void closeConnection(String connectionId, String reason) {
        URI url = url("/connections/" + enc(connectionId), reason == null ? null : "reason=" + enc(reason));
        int status = send(authorized(url).DELETE().build(), "close connection");
        if (status != 200 && status != 202 && status != 204 && status != 404) {
            throw unexpected("close connection", status);
        }
    }

    /** What negotiate returns: the client URL for this hub and a token binding the connection to {@code userId}. */
    public ClientNegotiation clientNegotiation(String userId, Duration lifetime) {
        URI url = URI.create(connection.clientEndpoint() + "/client/?hub=" + enc(hub));
        return new ClientNegotiation(url.toString(), auth.clientToken(url, userId, lifetime));
    }

    private URI url(String path, String extraQuery) {
        String query = "api-version=" + API_VERSION + (extraQuery == null ? "" : "&" + extraQuery);
        return URI.create(connection.serverEndpoint() + "/api/hubs/" + enc(hub) + path + "?" + query);
    }

    private HttpRequest.Builder authorized(URI url) {
        // The token's audience excludes extra query parts such as reason=, like the official SDK.
        URI audienceUrl = URI.create(url.toString().replaceFirst("&reason=.*$", ""));
        return HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + auth.serverToken(audienceUrl));
    }

    private HttpRequest post(URI url, byte[] body) {
        return authorized(url)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private byte[] payload(String target, List<?> arguments) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", Objects.requireNonNull(target, "target"));
        body.put("arguments", arguments == null ? List.of() : arguments);
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "SignalR message arguments are not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    /** The async paths: the blocking send on this client's own pool (see {@link #send}). */
    private CompletableFuture<Integer> call(HttpRequest request, String what) {
        return CompletableFuture.supplyAsync(() -> send(request, what), ASYNC_SENDS);
    }

    /**
     * Blocking paths send on the caller's thread, async ones on {@link #ASYNC_SENDS}. Not {@code sendAsync}: it
     * finishes every exchange with a hop to the JDK's default async pool, which on a machine with two or fewer cores
     * (parallelism 1, no common pool) is a new thread per task — a thread start per request under load.
     */
    private int send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new SignalRException("SignalR " + what + " failed: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalRException("SignalR " + what + " interrupted", 0, e);
        }
    }

    private static SignalRException unexpected(String what, int status) {
        return new SignalRException("SignalR " + what + " answered HTTP " + status, status, null);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SignalRException s) {
                throw s;
            }
            throw new SignalRException("SignalR call failed: " + e.getCause(), 0, e.getCause());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(Objects.requireNonNull(s), StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    private static ExecutorService asyncSendPool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(64, 64, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "signalr-rest-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ObjectMapper defaultMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public static final class Builder {
        private SignalRConnectionString connection;
        private String hub;
        private HttpClient http;
        private ObjectMapper mapper;
        private Clock clock = Clock.systemUTC();
        private Duration requestTimeout = Duration.ofSeconds(10);
        private TokenCredential credential;
        private SignalRAuth auth;

        public Builder connectionString(SignalRConnectionString connection) {
            this.connection = connection;
            return this;
        }

        public Builder connectionString(String connection) {
            return connectionString(SignalRConnectionString.parse(connection));
        }

        public Builder hub(String hub) {
            this.hub = hub;
            return this;
        }

        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = mapper;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }
        /** Keyless mode only: the credential for Entra tokens (default {@code DefaultAzureCredential}). */
        public Builder credential(TokenCredential credential) {
            this.credential = credential;
            return this;
        }
        /** Overrides the mode the connection string implies (tests). */
        public Builder auth(SignalRAuth auth) {
            this.auth = auth;
            return this;
        }

        public SignalRRestClient build() {
            return new SignalRRestClient(this);
        }
    }
}
