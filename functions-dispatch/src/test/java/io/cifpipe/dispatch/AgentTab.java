package io.cifpipe.dispatch;

import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import io.cifpipe.runtime.signalr.ClientNegotiation;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.reactivex.rxjava3.core.Single;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One browser tab of an agent: a real Java SignalR client connected to the SignalR emulator. */
final class AgentTab implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Every message in arrival order, as "target:notificationId" (or "marker:text"). */
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    final BlockingQueue<Map<?, ?>> notifications = new LinkedBlockingQueue<>();
    final BlockingQueue<Map<?, ?>> withdrawals = new LinkedBlockingQueue<>();
    /** {@code availability} pushes, also in {@link #received} as "availability:<availability>/<reason>/<activeCalls>". */
    final BlockingQueue<Map<?, ?>> availability = new LinkedBlockingQueue<>();

    final HubConnection hub;

    AgentTab(SignalRRestClient signalR, String userId) {
        ClientNegotiation n = signalR.clientNegotiation(userId, Duration.ofMinutes(10));
        hub = HubConnectionBuilder.create(n.url())
                .withAccessTokenProvider(Single.just(n.accessToken()))
                .build();
        hub.on(
                "notify",
                m -> {
                    notifications.add(m);
                    received.add("notify:" + m.get("notificationId"));
                },
                Map.class);
        hub.on(
                "withdraw",
                m -> {
                    withdrawals.add(m);
                    received.add("withdraw:" + m.get("notificationId"));
                },
                Map.class);
        hub.on(
                "availability",
                m -> {
                    availability.add(m);
                    received.add("availability:" + m.get("availability") + "/" + m.get("reason") + "/"
                            + ((Number) m.get("activeCalls")).intValue());
                },
                Map.class);
        hub.on("marker", s -> received.add("marker:" + s), String.class);
        if (!hub.start().blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("agent tab did not connect");
        }
    }

    String connectionId() {
        return hub.getConnectionId();
    }

    /** Next message within the wait, or fails. */
    String next() throws InterruptedException {
        String s = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) throw new AssertionError("no message within " + WAIT);
        return s;
    }

    @Override
    public void close() {
        hub.stop().blockingAwait(5, TimeUnit.SECONDS);
    }
}
