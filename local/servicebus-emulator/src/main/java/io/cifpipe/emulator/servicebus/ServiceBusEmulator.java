package io.cifpipe.emulator.servicebus;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Azure Service Bus stand-in: an AMQP 1.0 broker that the unmodified {@code azure-messaging-servicebus}
 * SDK uses through an ordinary connection string with {@code UseDevelopmentEmulator=true} (plain AMQP).
 *
 * <pre>{@code
 * try (ServiceBusEmulator sb = ServiceBusEmulator.builder()
 *         .queue(QueueOptions.of("call-events").withLockDuration(Duration.ofSeconds(5)))
 *         .build().start()) {
 *   new ServiceBusClientBuilder().connectionString(sb.connectionString()) ...
 * }
 * }</pre>
 */
public final class ServiceBusEmulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusEmulator.class);

    private final String host;
    private final int requestedPort;
    private final Integer requestedAdminPort;
    private final List<QueueOptions> queues;
    private final List<TopicOptions> topics;
    private final List<SubscriptionOptions> subscriptions;
    private final List<SharedAccessKey> keys;
    private final Path journalDirectory;
    private final Clock clock;
    private final boolean anonymousAccess;

    private Vertx vertx;
    private Context context;
    private Broker broker;
    private ProtonServer server;
    private AdminServer admin;
    private Journal journal;
    private int port = -1;
    private int adminPort = -1;

    private ServiceBusEmulator(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.requestedAdminPort = b.adminPort;
        this.queues = List.copyOf(b.queues.values());
        this.topics = List.copyOf(b.topics.values());
        this.subscriptions = List.copyOf(b.subscriptions.values());
        this.keys = b.keys.isEmpty()
                ? List.of(new SharedAccessKey(
                        SharedAccessKey.DEFAULT_NAME, SharedAccessKey.DEFAULT_KEY, Set.of(AccessRight.MANAGE)))
                : List.copyOf(b.keys.values());
        this.journalDirectory = b.journal;
        this.clock = b.clock;
        this.anonymousAccess = b.anonymousAccess;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the AMQP (and admin) listeners and recovers the journal; returns once listening. */
    public synchronized ServiceBusEmulator start() {
        if (vertx != null) {
            throw new IllegalStateException("already started");
        }
        vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
        context = vertx.getOrCreateContext();
        try {
            journal = journalDirectory == null ? Journal.NONE : FileJournal.open(journalDirectory, vertx, context);
            CompletableFuture<Void> started = new CompletableFuture<>();
            context.runOnContext(v -> {
                try {
                    broker = new Broker(vertx, clock, journal, queues, topics, subscriptions, keys, anonymousAccess);
                    broker.start();
                    ProtonServerOptions options = new ProtonServerOptions()
                            .setHost(host)
                            .setPort(requestedPort)
                            .setTcpNoDelay(true)
                            .setReuseAddress(true);
                    server = ProtonServer.create(vertx, options);
                    server.connectHandler(broker::accept);
                    server.listen(result -> {
                        if (result.failed()) {
                            started.completeExceptionally(result.cause());
                            return;
                        }
                        port = server.actualPort();
                        if (requestedAdminPort == null) {
                            started.complete(null);
                            return;
                        }
                        admin = new AdminServer(vertx, this::statsOnLoop, this::topicStatsOnLoop);
                        admin.listen(host, requestedAdminPort).onComplete(a -> {
                            if (a.failed()) {
                                started.completeExceptionally(a.cause());
                            } else {
                                adminPort = admin.port();
                                started.complete(null);
                            }
                        });
                    });
                } catch (RuntimeException e) {
                    started.completeExceptionally(e);
                }
            });
            started.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
            close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(
                    "Service Bus emulator failed to start on " + host + ":" + requestedPort + ": " + cause.getMessage(),
                    cause);
        }
        LOG.info(
                "Service Bus emulator listening on {}:{} (queues: {}, subscriptions: {}){}",
                host,
                port,
                queues.stream().map(QueueOptions::name).toList(),
                subscriptions.stream().map(SubscriptionOptions::path).toList(),
                adminPort > 0 ? ", admin http port " + adminPort : "");
        return this;
    }

    /** AMQP port actually bound. */
    public int port() {
        requireStarted();
        return port;
    }

    /** Admin HTTP base URL (e.g. {@code http://127.0.0.1:5380}), or null when no admin port was configured. */
    public String adminUrl() {
        requireStarted();
        return adminPort < 0 ? null : "http://" + connectHost() + ":" + adminPort;
    }

    /** Connection string for the first configured key (the default key when none was configured). */
    public String connectionString() {
        return connectionString(keys.get(0).name());
    }

    /** Connection string for the named shared access key. */
    public String connectionString(String keyName) {
        requireStarted();
        SharedAccessKey key = keys.stream()
                .filter(k -> k.name().equals(keyName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no key named '" + keyName + "'"));
        return "Endpoint=sb://" + connectHost() + ":" + port + ";SharedAccessKeyName=" + key.name()
                + ";SharedAccessKey=" + key.key() + ";UseDevelopmentEmulator=true";
    }

    /** Current depths of every queue (thread-safe snapshot). */
    public List<QueueStats> queueStats() {
        return onLoop(this::statsOnLoop);
    }

    /**
     * Operations each entity served since start (entity path → operation → count; see {@link OperationCounts}): queues,
     * topics (their sends) and subscriptions ({@code topic/subscriptions/name}: deliveries and settlements).
     */
    public Map<String, Map<String, Long>> operationCounts() {
        return onLoop(() -> {
            Map<String, Map<String, Long>> m = new java.util.TreeMap<>();
            for (QueueEntity queue : broker.queues()) {
                m.put(queue.options.name(), queue.operations.snapshot());
            }
            for (TopicEntity topic : broker.topics()) {
                m.put(topic.path, topic.operations.snapshot());
                for (Subscription s : topic.subscriptions()) {
                    m.put(s.store.path, s.store.operations.snapshot());
                }
            }
            return m;
        });
    }

    /** Current depths of one queue. */
    public QueueStats queueStats(String queueName) {
        return queueStats().stream()
                .filter(s -> s.name().equalsIgnoreCase(queueName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue named '" + queueName + "'"));
    }

    /** Current depths of every topic and its subscriptions (thread-safe snapshot). */
    public List<TopicStats> topicStats() {
        return onLoop(this::topicStatsOnLoop);
    }

    /** Current depths of one subscription ({@code topic}, {@code name} matched case-insensitively). */
    public TopicStats.SubscriptionStats subscriptionStats(String topic, String name) {
        return topicStats().stream()
                .filter(t -> t.name().equalsIgnoreCase(topic))
                .flatMap(t -> t.subscriptions().stream())
                .filter(s -> s.name().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("no subscription '" + topic + "/subscriptions/" + name + "'"));
    }

    private List<TopicStats> topicStatsOnLoop() {
        List<TopicStats> result = new ArrayList<>();
        for (TopicEntity topic : broker.topics()) {
            List<TopicStats.SubscriptionStats> subs = new ArrayList<>();
            for (Subscription s : topic.subscriptions()) {
                QueueEntity.Counts c = s.store.counts();
                QueueEntity.Counts d = s.store.deadLetterQueue.counts();
                subs.add(new TopicStats.SubscriptionStats(
                        topic.options.name(),
                        s.options.name(),
                        c.active(),
                        c.locked(),
                        c.deferred(),
                        d.total(),
                        c.total(),
                        c.sizeBytes(),
                        s.rules().stream()
                                .map(r -> r.name() + ": " + describe(r.filter()))
                                .toList()));
            }
            result.add(new TopicStats(topic.options.name(), topic.scheduledCount(), subs));
        }
        return result;
    }

    private static String describe(SubscriptionRule.Filter filter) {
        if (filter instanceof SubscriptionRule.SqlFilter q) {
            return q.expression().text();
        }
        if (filter instanceof SubscriptionRule.CorrelationFilter c) {
            return "correlation " + c.toJson();
        }
        return filter instanceof SubscriptionRule.TrueFilter ? "TRUE" : "FALSE";
    }

    private List<QueueStats> statsOnLoop() {
        List<QueueStats> result = new ArrayList<>();
        for (QueueEntity queue : broker.queues()) {
            QueueEntity.Counts c = queue.counts();
            QueueEntity.Counts d = queue.deadLetterQueue.counts();
            result.add(new QueueStats(
                    queue.options.name(),
                    c.active(),
                    c.locked(),
                    c.scheduled(),
                    c.deferred(),
                    d.total(),
                    c.total(),
                    c.sizeBytes()));
        }
        return result;
    }

    private <T> T onLoop(Supplier<T> action) {
        requireStarted();
        if (Vertx.currentContext() == context) {
            return action.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(action.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("broker did not answer", e);
        }
    }

    private String connectHost() {
        return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    }

    private void requireStarted() {
        if (broker == null || port < 0) {
            throw new IllegalStateException("emulator not started");
        }
    }

    /** Stops listening, closes client connections and flushes the journal. */
    @Override
    public synchronized void close() {
        if (vertx == null) {
            return;
        }
        try {
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            context.runOnContext(v -> {
                if (broker != null) {
                    broker.stop();
                }
                stopped.complete(null);
            });
            stopped.get(5, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("emulator did not stop cleanly: {}", e.toString());
        } finally {
            if (journal != null) {
                journal.close();
            }
            vertx = null;
        }
    }

    /** Builder; every setting has a local-stack default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 5672;
        private Integer adminPort;
        private final Map<String, QueueOptions> queues = new LinkedHashMap<>();
        private final Map<String, TopicOptions> topics = new LinkedHashMap<>();
        private final Map<String, SubscriptionOptions> subscriptions = new LinkedHashMap<>();
        private final Map<String, SharedAccessKey> keys = new LinkedHashMap<>();
        private Path journal;
        private Clock clock = Clock.systemUTC();
        private boolean anonymousAccess;

        private Builder() {}

        /** Interface to bind (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** AMQP port; 0 picks a free one (default 5672). */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** Admin HTTP port; 0 picks a free one. Without this call there is no admin endpoint. */
        public Builder adminPort(int port) {
            this.adminPort = checkPort(port);
            return this;
        }

        public Builder queue(QueueOptions... options) {
            for (QueueOptions o : options) {
                if (queues.putIfAbsent(o.name().toLowerCase(Locale.ROOT), o) != null) {
                    throw new IllegalArgumentException("queue '" + o.name() + "' configured twice");
                }
            }
            return this;
        }

        /** A queue with Service Bus default properties. */
        public Builder queue(String name) {
            return queue(QueueOptions.of(name));
        }

        /** Topics (Standard tier and above in Azure); receivers read their subscriptions, never the topic. */
        public Builder topic(TopicOptions... options) {
            for (TopicOptions o : options) {
                if (topics.putIfAbsent(o.name().toLowerCase(Locale.ROOT), o) != null) {
                    throw new IllegalArgumentException("topic '" + o.name() + "' configured twice");
                }
            }
            return this;
        }

        /** A topic with Service Bus default properties. */
        public Builder topic(String name) {
            return topic(TopicOptions.of(name));
        }

        /** Subscriptions of configured topics, each with its {@code $Default} rule (true filter unless set). */
        public Builder subscription(SubscriptionOptions... options) {
            for (SubscriptionOptions o : options) {
                if (subscriptions.putIfAbsent(o.path().toLowerCase(Locale.ROOT), o) != null) {
                    throw new IllegalArgumentException("subscription '" + o.path() + "' configured twice");
                }
            }
            return this;
        }

        /** A subscription with Service Bus defaults and a true filter. */
        public Builder subscription(String topic, String name) {
            return subscription(SubscriptionOptions.of(topic, name));
        }

        /** Append-only journal directory: accepted messages survive a restart. Default: in memory. */
        public Builder journal(Path directory) {
            this.journal = directory;
            return this;
        }

        /** Adds a shared access policy. Without any, {@code RootManageSharedAccessKey}/{@code SAS_KEY_VALUE} (Manage). */
        public Builder sharedAccessKey(String name, String key, AccessRight... rights) {
            Set<AccessRight> set =
                    rights.length == 0 ? Set.of(AccessRight.MANAGE) : EnumSet.copyOf(Arrays.asList(rights));
            return sharedAccessKey(new SharedAccessKey(name, key, set));
        }

        public Builder sharedAccessKey(String name, String key, Set<AccessRight> rights) {
            return sharedAccessKey(new SharedAccessKey(name, key, rights));
        }

        public Builder sharedAccessKey(SharedAccessKey key) {
            keys.put(key.name(), key);
            return this;
        }

        /**
         * Benchmarks with plain AMQP clients only: skip CBS authorisation so a client that cannot put a SAS token can
         * still attach. Off by default; never use it where the port is reachable by others.
         */
        public Builder anonymousAccess(boolean enabled) {
            this.anonymousAccess = enabled;
            return this;
        }

        /** Clock for TTLs, locks and token expiry (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ServiceBusEmulator build() {
            return new ServiceBusEmulator(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
