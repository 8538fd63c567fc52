package io.cifpipe.runtime;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.credential.TokenCredential;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableServiceException;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.cifpipe.model.Setting;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.event.CallEventLimits;
import io.cifpipe.model.json.Json;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.servicebus.MessageScheduler;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.servicebus.QueueSender;
import io.cifpipe.runtime.settings.AppSettings;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.AgentDirectory;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Azure clients of one Functions app instance, built lazily from app settings on first use and reused by every
 * invocation (the seed rebuilt storage clients per call). Function classes call {@link #shared()}.
 *
 * <p>Connections: a connection string in the setting itself ({@code ServiceBusConnection}, {@code TablesConnection}),
 * or managed identity following the Functions identity-based convention:
 * {@code ServiceBusConnection__fullyQualifiedNamespace} and {@code TablesConnection__tableServiceUri}.
 */
public final class RuntimeClients implements AutoCloseable {
    public static final String FQNS_SUFFIX = "__fullyQualifiedNamespace";
    public static final String TABLE_URI_SUFFIX = "__tableServiceUri";

    /**
     * Bounded Service Bus retries: the SDK default (3 tries of 60 s) would hold an ingress request for minutes;
     * ingress answers 503 + Retry-After instead and the caller retries. Measured against a refused connection: SDK
     * defaults block a send for 35 s, these options fail it after about 10 s (ServiceBusOutageTest in ingress).
     */
    static final AmqpRetryOptions RETRY = new AmqpRetryOptions()
            .setMaxRetries(2)
            .setDelay(Duration.ofSeconds(1))
            .setMaxDelay(Duration.ofSeconds(4))
            .setTryTimeout(Duration.ofSeconds(10));

    private static final Lazy<RuntimeClients> SHARED =
            new Lazy<>(() -> new RuntimeClients(System::getenv, Clock.systemUTC()));

    private final Function<String, String> settings;
    private final AppSettings appSettings;
    private final Clock clock;
    private final Lazy<TokenCredential> credential;
    private final Lazy<TableServiceClient> tableService;
    private final Lazy<ServiceBusClientBuilder> serviceBus;
    private final Map<String, ServiceBusSenderClient> senders = new ConcurrentHashMap<>();
    private final Map<String, TableClient> tables = new ConcurrentHashMap<>();
    private final Lazy<SignalRRestClient> signalR;
    private final Lazy<ConnectionRegistry> connections;
    private final Lazy<NotificationLedger> ledger;
    private final Lazy<AgentDirectory> agents;
    private final Lazy<OutcomePublisher> outcomes;
    private final Lazy<CallEventCodec> codec;
    private final Lazy<CallEventSender> callEvents;

    public RuntimeClients(Function<String, String> settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings);
        this.appSettings = AppSettings.of(settings);
        this.clock = Objects.requireNonNull(clock);
        this.credential = new Lazy<>(() -> new DefaultAzureCredentialBuilder().build());
        this.tableService = new Lazy<>(this::buildTableService);
        this.serviceBus = new Lazy<>(this::buildServiceBus);
        this.signalR = new Lazy<>(() -> SignalRRestClient.builder()
                .connectionString(Setting.SIGNALR_CONNECTION.require(settings))
                .hub(Setting.HUB_NAME.require(settings))
                .objectMapper(Json.mapper())
                .clock(clock)
                .build());
        this.connections = new Lazy<>(() -> new ConnectionRegistry(table(Setting.CONNECTIONS_TABLE)));
        this.ledger = new Lazy<>(() -> new NotificationLedger(table(Setting.NOTIFICATIONS_TABLE), clock));
        this.agents = new Lazy<>(() -> new AgentDirectory(table(Setting.AGENTS_TABLE)));
        this.codec = new Lazy<>(() ->
                new CallEventCodec(CallEventLimits.DEFAULT.withMaxRingSeconds(intSetting(Setting.MAX_RING_SECONDS))));
        this.callEvents = new Lazy<>(() -> new CallEventSender(
                queueSender(Setting.CALL_EVENTS_QUEUE.require(settings)),
                codec.get()::encode,
                intSetting(Setting.DEFAULT_RING_SECONDS),
                intSetting(Setting.MAX_RING_SECONDS)));
        this.outcomes =
                new Lazy<>(() -> new OutcomePublisher(topicSender(Setting.CALL_OUTCOMES_TOPIC.require(settings))));
    }

    /** The process-wide instance reading {@code System.getenv}. */
    public static RuntimeClients shared() {
        return SHARED.get();
    }

    public Function<String, String> settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    /** Typed reads of this app's settings (int, bool, Duration, URI) with errors naming the key. */
    public AppSettings appSettings() {
        return appSettings;
    }

    public String setting(Setting s) {
        return appSettings.string(s);
    }

    public int intSetting(Setting s) {
        return appSettings.integer(s);
    }

    public TableServiceClient tableService() {
        return tableService.get();
    }

    /** The table named by {@code nameSetting}, created if missing (once per process). */
    public TableClient table(Setting nameSetting) {
        String name = nameSetting.require(settings);
        return tables.computeIfAbsent(name, n -> {
            try {
                tableService().createTableIfNotExists(n);
            } catch (TableServiceException e) {
                // With RBAC the identity may lack table-create rights; infra creates the tables then.
                if (e.getResponse().getStatusCode() != 403 && e.getResponse().getStatusCode() != 409) {
                    throw e;
                }
            }
            return tableService().getTableClient(n);
        });
    }

    public ConnectionRegistry connections() {
        return connections.get();
    }

    public NotificationLedger ledger() {
        return ledger.get();
    }

    public AgentDirectory agents() {
        return agents.get();
    }

    public SignalRRestClient signalR() {
        return signalR.get();
    }

    public OutcomePublisher outcomes() {
        return outcomes.get();
    }

    /** The call-event codec with this app's MaxRingSeconds. */
    public CallEventCodec codec() {
        return codec.get();
    }

    /** Sender of call events to the call-events queue (ingress). */
    public CallEventSender callEvents() {
        return callEvents.get();
    }

    /** A sender to {@code queue}; all senders share the app's one AMQP connection. */
    public QueueSender queueSender(String queue) {
        return QueueSender.of(senderClient(queue));
    }

    /** A sender to {@code topic} (each subscription gets its copy); shares the app's one AMQP connection. */
    public QueueSender topicSender(String topic) {
        return QueueSender.of(senders.computeIfAbsent(
                "topic:" + topic,
                t -> serviceBus.get().sender().topicName(topic).buildClient()));
    }

    /** Schedules messages onto {@code queue} (same underlying sender as {@link #queueSender}). */
    public MessageScheduler scheduler(String queue) {
        return MessageScheduler.of(senderClient(queue));
    }

    private ServiceBusSenderClient senderClient(String queue) {
        return senders.computeIfAbsent(
                queue, q -> serviceBus.get().sender().queueName(q).buildClient());
    }

    private TableServiceClient buildTableService() {
        String key = Setting.TABLES_CONNECTION.key();
        String connectionString = settings.apply(key);
        if (connectionString != null && !connectionString.isBlank()) {
            return new TableServiceClientBuilder()
                    .connectionString(connectionString)
                    .buildClient();
        }
        String uri = settings.apply(key + TABLE_URI_SUFFIX);
        if (uri != null && !uri.isBlank()) {
            return new TableServiceClientBuilder()
                    .endpoint(uri)
                    .credential(credential.get())
                    .buildClient();
        }
        throw new IllegalStateException(
                "App setting '" + key + "' (or '" + key + TABLE_URI_SUFFIX + "') is required but not set");
    }

    private ServiceBusClientBuilder buildServiceBus() {
        String key = Setting.SERVICE_BUS_CONNECTION.key();
        String connectionString = settings.apply(key);
        if (connectionString != null && !connectionString.isBlank()) {
            return new ServiceBusClientBuilder()
                    .connectionString(connectionString)
                    .retryOptions(RETRY);
        }
        String namespace = settings.apply(key + FQNS_SUFFIX);
        if (namespace != null && !namespace.isBlank()) {
            return new ServiceBusClientBuilder()
                    .credential(namespace, credential.get())
                    .retryOptions(RETRY);
        }
        throw new IllegalStateException(
                "App setting '" + key + "' (or '" + key + FQNS_SUFFIX + "') is required but not set");
    }

    @Override
    public void close() {
        senders.values().forEach(ServiceBusSenderClient::close);
        senders.clear();
    }
}
