package io.cifpipe.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.data.tables.TableClientBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import io.cifpipe.harness.Stack;
import io.cifpipe.harness.Tokens;
import io.cifpipe.harness.check.InvariantChecker;
import io.cifpipe.model.Names;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.runtime.tables.AgentDirectory;
import io.cifpipe.runtime.tables.NotificationLedger;
import io.reactivex.rxjava3.core.Single;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 20's server rules end to end on the local stack (Functions host with the real apps, Service Bus and SignalR
 * emulators, Azurite, OIDC), with Java SignalR agents as the panel would be: ring-group races, Unavailable per reason,
 * capacity and its release by {@code call.ended} with and without agentId, missed calls setting the agent Away. Every
 * notification is then checked by the invariant checker (one terminal outcome; at most one Accepted per call).
 */
class AgentSideRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Stack stack;
    private static Tokens tokens;
    private static final List<Outcome> observed = new CopyOnWriteArrayList<>();
    private static final java.util.concurrent.atomic.AtomicBoolean running =
            new java.util.concurrent.atomic.AtomicBoolean(true);
    private static Thread drainer;
    private static NotificationLedger ledger;
    private static AgentDirectory agents;
    private static final Set<String> offered = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        stack = Stack.start(Stack.Options.all().withAppSettings(Map.of(Setting.MISSED_CALLS_BEFORE_AWAY.key(), "2")));
        tokens = new Tokens(stack.entra().orElseThrow(), Stack.API_CLIENT_ID);
        // Receive-and-delete: no per-message settlement that a loaded machine can stall (the assertions need what was
        // published, not at-least-once consumption; the fault suite covers the consumer side).
        drainer = new Thread(
                () -> {
                    try (ServiceBusReceiverClient receiver = new ServiceBusClientBuilder()
                            .connectionString(stack.serviceBus().connectionString())
                            .receiver()
                            .topicName("call-outcomes")
                            .subscriptionName(OutcomeSubscriptions.TELEPHONY)
                            .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                            .buildClient()) {
                        while (running.get()) {
                            for (ServiceBusReceivedMessage m : receiver.receiveMessages(50, Duration.ofSeconds(1))) {
                                observed.add(Outcome.fromJson(m.getBody().toBytes()));
                            }
                        }
                    }
                },
                "issue20-outcomes");
        drainer.setDaemon(true);
        drainer.start();
        ledger = new NotificationLedger(
                new TableClientBuilder()
                        .connectionString(stack.tablesConnectionString())
                        .tableName("Notifications")
                        .buildClient(),
                Clock.systemUTC());
        agents = new AgentDirectory(new TableClientBuilder()
                .connectionString(stack.tablesConnectionString())
                .tableName("Agents")
                .buildClient());
    }

    @AfterAll
    static void stop() {
        try {
            if (stack != null) {
                try {
                    Await.until(
                            Duration.ofSeconds(90), "a terminal outcome for every notification", () -> offered.stream()
                                    .allMatch(id -> terminal(id).isPresent()));
                    Thread.sleep(2000); // a second, wrong outcome would come right after the first
                } catch (IllegalStateException | InterruptedException e) {
                    // the checker below names every notification still missing its outcome
                }
                InvariantChecker.Report report = InvariantChecker.check(offered, ledger, List.copyOf(observed), false);
                System.out.println("[issue 20 invariant] " + report.summary());
                assertThat(report.ok()).as(report.summary()).isTrue();
            }
        } finally {
            running.set(false);
            if (stack != null) stack.close();
        }
    }

    /** One panel tab of an agent: notify / withdraw / availability as they arrive, hub methods invoked. */
    static final class Agent implements AutoCloseable {
        final String id = UUID.randomUUID().toString();
        final Set<String> notified = ConcurrentHashMap.newKeySet();
        final List<Map<?, ?>> withdrawn = new CopyOnWriteArrayList<>();
        final List<Map<?, ?>> availability = new CopyOnWriteArrayList<>();
        final HubConnection hub;

        Agent() throws Exception {
            String token = tokens.agent(id);
            stack.addSecret("agent token " + id, token);
            HttpResponse<String> r = Http.post(
                    stack.url("presence") + "/api/negotiate", new byte[0], "Authorization", "Bearer " + token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode n = JSON.readTree(r.body());
            hub = HubConnectionBuilder.create(n.path("url").asText())
                    .withAccessTokenProvider(Single.just(n.path("accessToken").asText()))
                    .build();
            hub.on(Names.TARGET_NOTIFY, m -> notified.add(String.valueOf(m.get("notificationId"))), Map.class);
            hub.on(Names.TARGET_WITHDRAW, withdrawn::add, Map.class);
            hub.on(Names.TARGET_AVAILABILITY, availability::add, Map.class);
            hub.start().blockingAwait(15, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(30), "agent registered by presence", () -> agentsRowExists(id));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> invoke(String method, Object... args) {
            return (Map<String, Object>) hub.invoke(Map.class, method, args)
                    .timeout(30, TimeUnit.SECONDS)
                    .blockingGet();
        }

        String decide(String notificationId, String decision) {
            return String.valueOf(
                    invoke(Names.METHOD_DECIDE, Map.of("notificationId", notificationId, "decision", decision))
                            .get("status"));
        }

        void setAvailability(String value) {
            assertThat(invoke(Names.METHOD_SET_AVAILABILITY, Map.of("availability", value)))
                    .containsEntry("status", "recorded")
                    .containsEntry("availability", value);
        }

        boolean pushed(String availability, String reason) {
            return this.availability.stream()
                    .anyMatch(m -> availability.equals(m.get("availability")) && reason.equals(m.get("reason")));
        }

        @Override
        public void close() {
            hub.stop().blockingAwait(5, TimeUnit.SECONDS);
        }
    }

    private static boolean agentsRowExists(String agentId) {
        return agents.read(agentId).lastConnectedAt() != null;
    }

    private static String offer(String callId, Agent agent, int ringSeconds) {
        String eventId = Events.newId("evt");
        send(eventId, Events.offered(eventId, callId, agent.id, ringSeconds));
        String id = NotificationId.of(callId, agent.id);
        offered.add(id);
        return id;
    }

    private static void ended(String callId, String agentIdOrNull) {
        String eventId = Events.newId("evt");
        String event = agentIdOrNull != null
                ? Events.ended(eventId, callId, agentIdOrNull)
                : """
                {"specversion":"1.0","id":"%s","source":"/pbx/reliability","type":"call.ended","time":"%s",
                 "data":{"callId":"%s"}}""".formatted(eventId, java.time.Instant.now(), callId);
        send(eventId, event);
    }

    private static void send(String messageId, String event) {
        Enqueue.callEvent(stack, messageId, event);
    }

    private static Optional<Outcome> terminal(String notificationId) {
        return observed.stream()
                .filter(o ->
                        o.notificationId().equals(notificationId) && o.outcome().isTerminal())
                .findFirst();
    }

    private static Outcome awaitTerminal(String notificationId) {
        Await.until(Duration.ofSeconds(60), "terminal outcome of " + notificationId, () -> terminal(notificationId)
                .isPresent());
        return terminal(notificationId).orElseThrow();
    }

    @Test
    void twoAgentsAcceptingTheSameCallAtOnceGiveOneAcceptedAndOneWithdrawnTaken() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Agent a = new Agent();
                Agent b = new Agent()) {
            int aWon = 0;
            for (int round = 0; round < 25; round++) {
                String callId = Events.newId("call-race");
                String na = offer(callId, a, 60);
                String nb = offer(callId, b, 60);
                Await.until(
                        Duration.ofSeconds(30),
                        "both popups, round " + round,
                        () -> a.notified.contains(na) && b.notified.contains(nb));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> statuses = new ArrayList<>();
                statuses.add(pool.submit(() -> {
                    go.await();
                    return a.decide(na, "accept");
                }));
                statuses.add(pool.submit(() -> {
                    go.await();
                    return b.decide(nb, "accept");
                }));
                go.countDown();
                List<String> s = List.of(
                        statuses.get(0).get(60, TimeUnit.SECONDS),
                        statuses.get(1).get(60, TimeUnit.SECONDS));
                assertThat(s).as("round " + round).containsExactlyInAnyOrder("recorded", "already-taken");
                boolean aWins = s.get(0).equals("recorded");
                aWon += aWins ? 1 : 0;
                Agent loser = aWins ? b : a;
                String loserId = aWins ? nb : na;
                Outcome lost = awaitTerminal(loserId);
                assertThat(lost.outcome()).as("round " + round).isEqualTo(OutcomeType.WITHDRAWN);
                assertThat(lost.reason()).isEqualTo("taken");
                assertThat(awaitTerminal(aWins ? na : nb).outcome()).isEqualTo(OutcomeType.ACCEPTED);
                Await.until(
                        Duration.ofSeconds(20), "withdraw(taken) pushed to the loser", () -> loser.withdrawn.stream()
                                .anyMatch(w ->
                                        loserId.equals(w.get("notificationId")) && "taken".equals(w.get("reason"))));
                assertThat(loser.decide(loserId, "accept")).as("a late accept").isEqualTo("already-taken");
                // the winner is on the call (capacity 1) until call.ended, here without agentId
                Agent winner = aWins ? a : b;
                assertThat(agents.read(winner.id).activeCallCount()).isEqualTo(1);
                ended(callId, null);
                Await.until(
                        Duration.ofSeconds(20),
                        "call.ended (no agentId) releases the winner",
                        () -> agents.read(winner.id).activeCallCount() == 0);
            }
            System.out.println("[issue 20 race] 25 rounds, agent A won " + aWon + ", agent B won " + (25 - aWon));
            assertThat(a.pushed("Available", "call-ended")).isEqualTo(aWon > 0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void offersToAnAgentWhoCannotTakeThemEndUnavailableAtOnceWithTheReasonAndNoPopup() throws Exception {
        try (Agent c = new Agent()) {
            Map<String, Object> state = c.invoke(Names.METHOD_GET_AGENT_STATE);
            assertThat(state)
                    .containsEntry("availability", "Available")
                    .containsEntry("reason", "agent")
                    .containsKey("since");
            for (String[] v : new String[][] {{"Busy", "busy"}, {"DoNotDisturb", "do-not-disturb"}, {"Away", "away"}}) {
                c.setAvailability(v[0]);
                Await.until(Duration.ofSeconds(10), v[0] + " pushed", () -> c.pushed(v[0], "agent"));
                long t0 = System.nanoTime();
                String n = offer(Events.newId("call-u"), c, 60);
                Outcome o = awaitTerminal(n);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                System.out.println("[issue 20 unavailable] " + v[1] + " outcome after " + ms + " ms (send → observed)");
                assertThat(o.outcome()).isEqualTo(OutcomeType.UNAVAILABLE);
                assertThat(o.reason()).isEqualTo(v[1]);
                assertThat(c.notified).doesNotContain(n);
            }
            assertThatThrownBy(() -> c.invoke(Names.METHOD_SET_AVAILABILITY, Map.of("availability", "Lunch")))
                    .hasMessageContaining("invalid");
            c.setAvailability("Available");
            String first = offer(Events.newId("call-c1"), c, 60);
            Await.until(Duration.ofSeconds(20), "popup", () -> c.notified.contains(first));
            assertThat(c.decide(first, "accept")).isEqualTo("recorded");
            Await.until(Duration.ofSeconds(10), "call-started pushed", () -> c.pushed("Available", "call-started"));
            String busy = offer(Events.newId("call-c2"), c, 60);
            Outcome o = awaitTerminal(busy);
            assertThat(o.outcome()).isEqualTo(OutcomeType.UNAVAILABLE);
            assertThat(o.reason()).isEqualTo("at-capacity");
            ended(NotificationId.parse(first).callId(), c.id); // with agentId
            Await.until(Duration.ofSeconds(20), "call-ended pushed", () -> c.pushed("Available", "call-ended"));
            String again = offer(Events.newId("call-c3"), c, 60);
            Await.until(Duration.ofSeconds(20), "popup once free again", () -> c.notified.contains(again));
            assertThat(c.decide(again, "overflow")).isEqualTo("recorded");
            assertThat(awaitTerminal(again).reason()).isEqualTo("overflow");
        }
    }

    @Test
    void twoMissedCallsInARowSetTheAgentAwayAndTheMissedListSurvives() throws Exception {
        try (Agent d = new Agent()) {
            d.setAvailability("Available");
            List<String> missed = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String n = offer(Events.newId("call-m"), d, 2);
                Await.until(Duration.ofSeconds(20), "popup", () -> d.notified.contains(n));
                assertThat(awaitTerminal(n).outcome()).isEqualTo(OutcomeType.EXPIRED);
                missed.add(0, NotificationId.parse(n).callId());
            }
            Await.until(Duration.ofSeconds(20), "Away (missed-calls) pushed", () -> d.pushed("Away", "missed-calls"));
            assertThat(d.withdrawn)
                    .extracting(w -> String.valueOf(w.get("reason")))
                    .containsOnly("expired");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>)
                    d.invoke(Names.METHOD_GET_MISSED_CALLS).get("missedCalls");
            assertThat(list).extracting(m -> m.get("callId")).containsExactlyElementsOf(missed);
            assertThat(list.get(0)).containsEntry("caller", "Erika").containsEntry("queue", "Support");
            assertThat(d.invoke(Names.METHOD_GET_AGENT_STATE))
                    .containsEntry("availability", "Away")
                    .containsEntry("reason", "missed-calls");
            String n = offer(Events.newId("call-m3"), d, 30);
            assertThat(awaitTerminal(n).reason()).isEqualTo("away");
        }
    }
}
