package io.cifpipe.emulator.signalr;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local stand-in for Azure SignalR Service in Serverless mode: client negotiate with access-token validation, the
 * WebSocket transport with the JSON hub protocol, the data-plane REST API and upstream webhooks.
 *
 * <pre>{@code
 * try (SignalREmulator emulator = SignalREmulator.builder().port(0).accessKey(key)
 *         .upstreamTemplate("http://localhost:7073/api/signalr/{hub}/{category}/{event}").build().start()) {
 *     String connectionString = emulator.connectionString();
 * }
 * }</pre>
 */
public final class SignalREmulator implements AutoCloseable {
    /** The key the official local emulator uses; fine for local stacks, never for anything reachable. */
    public static final String DEFAULT_ACCESS_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
    /** Origins of the local stack's web pages. */
    public static final List<String> DEFAULT_ALLOWED_ORIGINS =
            List.of("http://localhost:8080", "http://127.0.0.1:8080");

    private static final Logger LOG = LoggerFactory.getLogger(SignalREmulator.class);

    private final Builder config;
    private final AccessTokens tokens;
    private Vertx vertx;
    private volatile int port = -1;

    private SignalREmulator(Builder config) {
        this.config = config;
        this.tokens = new AccessTokens(config.accessKey);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; blocks until listening. Returns this for try-with-resources chaining. */
    public synchronized SignalREmulator start() {
        if (vertx != null) {
            throw new IllegalStateException("already started");
        }
        vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        try {
            vertx.deployVerticle(new EmulatorVerticle())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException(
                    "SignalR emulator failed to start on " + config.host + ":" + config.port + ": "
                            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                    e);
        }
        LOG.info("SignalR emulator listening on {} (upstream templates: {})", endpoint(), config.upstreams.size());
        return this;
    }

    @Override
    public synchronized void close() {
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("SignalR emulator did not stop cleanly: {}", e.toString());
            }
            vertx = null;
        }
    }

    public int port() {
        if (port < 0) {
            throw new IllegalStateException("not started");
        }
        return port;
    }

    /** {@code http://<host>:<port>} (a wildcard bind address is advertised as 127.0.0.1). */
    public String endpoint() {
        return "http://" + advertisedHost() + ":" + port();
    }

    /** {@code Endpoint=http://<host>:<port>;Port=<port>;AccessKey=<key>;Version=1.0;} */
    public String connectionString() {
        return "Endpoint=" + endpoint() + ";Port=" + port() + ";AccessKey=" + config.accessKey + ";Version=1.0;";
    }

    /** The client URL a Functions negotiate returns for the hub: {@code <endpoint>/client/?hub=<hub>}. */
    public String clientUrl(String hub) {
        return endpoint() + "/client/?hub=" + hub.toLowerCase(java.util.Locale.ROOT);
    }

    /** Token minting/validation with this emulator's AccessKey (for tests and local tools). */
    public AccessTokens accessTokens() {
        return tokens;
    }

    private String advertisedHost() {
        return config.host.equals("0.0.0.0") || config.host.equals("::") ? "127.0.0.1" : config.host;
    }

    /** Everything runs on this verticle's single event loop, so hub state needs no locks. */
    private final class EmulatorVerticle extends AbstractVerticle {
        private HttpServer server;

        @Override
        public void start(Promise<Void> startPromise) {
            HubRegistry registry = new HubRegistry(Clock.systemUTC(), Duration.ofMinutes(5));
            // Vert.x's default of 5 pooled connections per host would serialise concurrent invocations.
            WebClient client = WebClient.create(
                    vertx,
                    new WebClientOptions()
                            .setUserAgent("signalr-emulator")
                            .setMaxPoolSize(64)
                            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.upstreamTimeout.toMillis())));
            Upstream upstream = new Upstream(
                    vertx,
                    client,
                    config.upstreams,
                    config.accessKey,
                    config.upstreamTokenSource,
                    config.upstreamAttempts,
                    config.upstreamBackoff,
                    config.upstreamTimeout);
            Limits limits = config.limits();
            ClientEndpoints clients = new ClientEndpoints(tokens, registry, upstream, limits);
            EntraTokens entra = config.entraIssuer == null
                    ? null
                    : new EntraTokens(
                            config.entraIssuer,
                            config.entraAudiences,
                            config.entraPrincipals,
                            Duration.ofSeconds(30),
                            Clock.systemUTC());
            RestApi rest =
                    new RestApi(tokens, registry, entra, config.localAuthDisabled, SignalREmulator.this::endpoint);

            Router router = Router.router(vertx);
            CorsHandler cors = CorsHandler.create()
                    .allowCredentials(true)
                    .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                    // No fixed header list: the requested headers are reflected, because the JS client also sends
                    // the app's custom `headers` option to the service negotiate (origins are what is restricted).
                    .maxAgeSeconds(600);
            if (!config.allowedOrigins().contains("*")) {
                cors.addOrigins(config.allowedOrigins());
            }
            router.route("/client/negotiate").handler(cors).handler(clients::negotiate);
            router.route("/client/negotiate/").handler(cors).handler(clients::negotiate);
            router.route("/client").handler(clients::connect);
            router.route("/client/").handler(clients::connect);
            router.get("/_emulator/status").handler(cors).handler(ctx -> ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(Json.write(registry.status())));
            router.route("/api/*")
                    .handler(BodyHandler.create(false).setBodyLimit(config.maxRestBodyBytes))
                    .handler(rest::handle);

            long sweepMillis = Math.max(
                    20,
                    Math.min(
                            1000,
                            Math.min(
                                            config.keepAlive.toMillis(),
                                            Math.min(
                                                    config.clientTimeout.toMillis(),
                                                    config.handshakeTimeout.toMillis()))
                                    / 4));
            vertx.setPeriodic(sweepMillis, id -> registry.sweep());

            int frameLimit = (int) Math.min(Integer.MAX_VALUE - 1024L, 4L * config.maxMessageChars + 1024);
            server = vertx.createHttpServer(new HttpServerOptions()
                    .setMaxWebSocketFrameSize(frameLimit)
                    .setMaxWebSocketMessageSize(frameLimit)
                    .setMaxHeaderSize(16 * 1024)
                    .setMaxInitialLineLength(12 * 1024));
            server.requestHandler(router)
                    .listen(config.port, config.host)
                    .onSuccess(s -> {
                        port = s.actualPort();
                        startPromise.complete();
                    })
                    .onFailure(startPromise::fail);
        }
    }

    /** Builder; every setting has a local-stack default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8888;
        private String accessKey = DEFAULT_ACCESS_KEY;
        private final List<UpstreamTemplate> upstreams = new ArrayList<>();
        private List<String> origins;
        private Duration keepAlive = Duration.ofSeconds(15);
        private Duration clientTimeout = Duration.ofSeconds(30);
        private Duration handshakeTimeout = Duration.ofSeconds(15);
        private int maxMessageChars = 1024 * 1024;
        private int maxMessagesPerSecond = 1000;
        private int maxPendingInvocations = 128;
        private int maxRestBodyBytes = 1024 * 1024;
        private int upstreamAttempts = 3;
        private Duration upstreamBackoff = Duration.ofMillis(500);
        private Duration upstreamTimeout = Duration.ofSeconds(30);
        private UpstreamTokenSource upstreamTokenSource;
        private String entraIssuer;
        private final java.util.Set<String> entraAudiences =
                new java.util.LinkedHashSet<>(List.of(EntraTokens.SIGNALR_AUDIENCE));
        private final java.util.Set<String> entraPrincipals = new java.util.LinkedHashSet<>();
        private boolean localAuthDisabled;

        private Builder() {}

        /**
         * Accepts Microsoft Entra bearer tokens on the REST API (incl. {@code :generateToken}) from this issuer (OIDC
         * discovery at {@code <issuer>/.well-known/openid-configuration}), audience {@code https://signalr.azure.com}.
         */
        public Builder entraIssuer(String issuer) {
            this.entraIssuer = Objects.requireNonNull(issuer);
            return this;
        }

        /** Another accepted Entra audience (default only {@code https://signalr.azure.com}). */
        public Builder entraAudience(String audience) {
            entraAudiences.add(Objects.requireNonNull(audience));
            return this;
        }

        /**
         * Restricts Entra callers to these object ids, standing in for Azure's data-plane role assignments (none
         * given: any principal of the issuer).
         */
        public Builder entraAllowedPrincipal(String objectId) {
            entraPrincipals.add(Objects.requireNonNull(objectId));
            return this;
        }

        /** Azure's {@code disableLocalAuth}: access-key tokens are refused on the REST API; Entra tokens only. */
        public Builder disableLocalAuth(boolean disabled) {
            this.localAuthDisabled = disabled;
            return this;
        }

        /** Token source for upstream templates with managed-identity auth ({@link UpstreamTemplate#withManagedIdentity}). */
        public Builder upstreamTokenSource(UpstreamTokenSource source) {
            this.upstreamTokenSource = source;
            return this;
        }

        /** Bind address, default 127.0.0.1. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** Port, default 8888; 0 picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** AccessKey (at least 32 characters), default {@link #DEFAULT_ACCESS_KEY}. */
        public Builder accessKey(String accessKey) {
            AccessTokens.requireUsableKey(accessKey);
            this.accessKey = accessKey;
            return this;
        }

        /** Adds a catch-all upstream URL template ({@code {hub}}, {@code {category}}, {@code {event}} placeholders). */
        public Builder upstreamTemplate(String urlTemplate) {
            upstreams.add(UpstreamTemplate.of(urlTemplate));
            return this;
        }

        /** Adds an upstream item with rules; items are matched in the order added. */
        public Builder upstream(UpstreamTemplate template) {
            upstreams.add(Objects.requireNonNull(template));
            return this;
        }

        /** Adds a CORS origin; the first call replaces the defaults. {@code *} reflects any origin. */
        public Builder allowOrigin(String origin) {
            if (origins == null) {
                origins = new ArrayList<>();
            }
            origins.add(Objects.requireNonNull(origin));
            return this;
        }

        public Builder keepAliveInterval(Duration interval) {
            this.keepAlive = positive(interval);
            return this;
        }

        /** A client silent this long is closed (default 30 s). */
        public Builder clientTimeout(Duration timeout) {
            this.clientTimeout = positive(timeout);
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout);
            return this;
        }

        /** Largest client message (characters) before the connection is closed with an error; default 1 MiB. */
        public Builder maxMessageSize(int chars) {
            this.maxMessageChars = chars;
            return this;
        }

        public Builder maxMessagesPerSecond(int limit) {
            this.maxMessagesPerSecond = limit;
            return this;
        }

        public Builder maxPendingInvocations(int limit) {
            this.maxPendingInvocations = limit;
            return this;
        }

        /** Upstream attempts per event (1 = no retry) and the first backoff (doubling). Default 3, 500 ms. */
        public Builder upstreamRetry(int attempts, Duration initialBackoff) {
            this.upstreamAttempts = Math.max(1, attempts);
            this.upstreamBackoff = positive(initialBackoff);
            return this;
        }

        public Builder upstreamTimeout(Duration timeout) {
            this.upstreamTimeout = positive(timeout);
            return this;
        }

        public SignalREmulator build() {
            if (localAuthDisabled && entraIssuer == null) {
                throw new IllegalStateException(
                        "disableLocalAuth needs an Entra issuer, otherwise nothing can call the REST API");
            }
            return new SignalREmulator(this);
        }

        List<String> allowedOrigins() {
            return origins == null ? DEFAULT_ALLOWED_ORIGINS : List.copyOf(origins);
        }

        Limits limits() {
            return new Limits(
                    keepAlive,
                    clientTimeout,
                    handshakeTimeout,
                    maxMessageChars,
                    maxMessagesPerSecond,
                    maxPendingInvocations);
        }

        private static Duration positive(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            return d;
        }
    }
}
