package io.cifpipe.bench.sb;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import reactor.core.Disposable;

/** The unmodified azure-messaging-servicebus SDK (async sender + PEEK_LOCK receiver, explicit complete). */
final class SdkPipe implements Pipe {
    static final String SENT_AT = "bench-intended-nanos";

    private final String connectionString;
    private final String queue;
    private final int prefetch;
    private final int concurrency;
    private ServiceBusSenderAsyncClient sender;
    private ServiceBusReceiverAsyncClient receiver;
    private Disposable subscription;
    private Listener listener;

    SdkPipe(String connectionString, String queue, int prefetch, int concurrency) {
        this.connectionString = connectionString;
        this.queue = queue;
        this.prefetch = prefetch;
        this.concurrency = concurrency;
    }

    @Override
    public String name() {
        return "Service Bus emulator + azure-messaging-servicebus SDK";
    }

    @Override
    public void start(Listener l) {
        this.listener = l;
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder().connectionString(connectionString);
        sender = builder.sender().queueName(queue).buildAsyncClient();
        receiver = builder.receiver()
                .queueName(queue)
                .prefetchCount(prefetch)
                .disableAutoComplete()
                .buildAsyncClient();
        subscription = receiver.receiveMessages()
                .flatMap(
                        m -> {
                            l.received(intended(m));
                            return receiver.complete(m)
                                    .doOnSuccess(v -> l.completed())
                                    .onErrorResume(e -> {
                                        l.failed(e);
                                        return reactor.core.publisher.Mono.empty();
                                    });
                        },
                        concurrency)
                .subscribe(v -> {}, l::failed);
        // One warm send so that links are attached before timing starts.
        sender.createMessageBatch().block();
    }

    private static long intended(ServiceBusReceivedMessage m) {
        Object v = m.getApplicationProperties().get(SENT_AT);
        return v instanceof Number n ? n.longValue() : System.nanoTime();
    }

    @Override
    public void send(long intendedNanos, byte[] body) {
        ServiceBusMessage msg = new ServiceBusMessage(BinaryData.fromBytes(body));
        msg.getApplicationProperties().put(SENT_AT, intendedNanos);
        sender.sendMessage(msg).subscribe(v -> {}, listener::failed, listener::sent);
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (sender != null) {
            sender.close();
        }
    }
}
