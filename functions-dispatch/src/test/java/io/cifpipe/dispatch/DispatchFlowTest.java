package io.cifpipe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.emulator.signalr.SignalREmulator;
import io.cifpipe.model.event.CallAnswered;
import io.cifpipe.model.event.CallEnded;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.event.CallOffered;
import io.cifpipe.model.ledger.ConnectionRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.runtime.servicebus.CallEventSender;
import io.cifpipe.runtime.servicebus.OutcomePublisher;
import io.cifpipe.runtime.signalr.SignalRException;
import io.cifpipe.runtime.signalr.SignalRRestClient;
import io.cifpipe.runtime.tables.AgentDirectory;
import io.cifpipe.runtime.tables.ConnectionRegistry;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;
import io.cifpipe.testsupport.Azurite;
import io.cifpipe.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dispatch against real parts: Azurite tables, the SignalR emulator with real Java SignalR clients as agent tabs.
 * Service Bus is captured at the SDK boundary (outcome sends and scheduled retries are {@link ServiceBusMessage}s).
 */
class DispatchFlowTest {
    static SignalREmulator emulator;
    static SignalRRestClient signalR;

    record Scheduled(ServiceBusMessage message, OffsetDateTime at) {}

    final CallEventCodec codec = new CallEventCodec();
    final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    final List<Scheduled> scheduled = new CopyOnWriteArrayList<>();
    final List<AgentTab> tabs = new ArrayList<>();
    MutableClock clock;
    String ledgerTableName;
    NotificationLedger ledger;
    ConnectionRegistry registry;
    AgentDirectory agents;
    CallEventDispatcher dispatcher;
    ExpirySweeper sweeper;

    @BeforeAll
    static void startSignalR() {
        emulator = SignalREmulator.builder().port(0).build().start();
        signalR = SignalRRestClient.builder()
                .connectionString(emulator.connectionString())
                .hub("cifhub")
                .build();
    }

    @AfterAll
    static void stopSignalR() {
        emulator.close();
    }

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        var ledgerTable = Azurite.freshTable("Notif");
        ledgerTableName = ledgerTable.getTableName();
        ledger = new NotificationLedger(ledgerTable, clock);
        registry = new ConnectionRegistry(Azurite.freshTable("Conn"));
        agents = new AgentDirectory(Azurite.freshTable("Agents"));
        OutcomePublisher publisher = new OutcomePublisher(messages ->
                messages.forEach(m -> outcomes.add(Outcome.fromJson(m.getBody().toBytes()))));
        dispatcher = new CallEventDispatcher(
                codec,
                ledger,
                agents,
                signalR,
                publisher,
                (m, at) -> scheduled.add(new Scheduled(m, at)),
                new DispatchSettings(30, Duration.ofSeconds(2)),
                clock);
        sweeper = new ExpirySweeper(
                ledger, dispatcher, publisher, agents, signalR, new DispatchSettings(30, Duration.ofSeconds(2)), clock);
    }

    @AfterEach
    void closeTabs() {
        tabs.forEach(AgentTab::close);
    }

    /** A tab of the agent (SignalR knows it by user id; the registry row is what presence would write). */
    AgentTab connect(String agentId) {
        AgentTab tab = new AgentTab(signalR, agentId);
        tabs.add(tab);
        registry.upsert(
                ConnectionRecord.connected(agentId, tab.connectionId(), "cifhub", clock.instant(), "java-test"));
        return tab;
    }

    CallEvent offered(String eventId, String callId, String agentId, int ringSeconds) {
        return CallEvent.of(
                eventId,
                "/pbx/test",
                clock.instant(),
                new CallOffered(
                        callId,
                        agentId,
                        "+4930123456",
                        "Ada Caller",
                        "+4930999",
                        "sales",
                        Map.of("crm", "42"),
                        ringSeconds));
    }

    void handle(CallEvent event) {
        handle(event, Map.of());
    }

    void handle(CallEvent event, Map<String, Object> extraProps) {
        ServiceBusMessage m = new CallEventSender(x -> {}, codec::encode, 30, 300).toMessage(event);
        Map<String, Object> props = new HashMap<>(m.getApplicationProperties());
        props.putAll(extraProps);
        dispatcher.handle(m.getBody().toBytes(), props);
    }

    void handleScheduled(Scheduled s) {
        dispatcher.handle(s.message().getBody().toBytes(), s.message().getApplicationProperties());
    }

    /**
     * The outcome messages of a notification as the queue keeps them: an identical repeat (same MessageId and content,
     * e.g. the owed Delivered sent again before a terminal outcome) is dropped by duplicate detection, so it is
     * counted once; a repeat with other content would show twice.
     */
    List<OutcomeType> outcomesOf(String callId, String agentId) {
        String id = NotificationId.of(callId, agentId);
        return outcomes.stream()
                .filter(o -> o.notificationId().equals(id))
                .distinct()
                .map(Outcome::outcome)
                .toList();
    }

    void assertNothingElseArrives(AgentTab tab) throws InterruptedException {
        // Messages to one connection arrive in order: if the marker comes next, nothing was sent before it.
        signalR.sendToConnection(tab.connectionId(), "marker", List.of("m"));
        assertThat(tab.next()).isEqualTo("marker:m");
    }

    @Test
    void offerReachesEveryTabOnceAndDeliveredIsPublishedOnce() throws Exception {
        AgentTab tab1 = connect("agent-1");
        AgentTab tab2 = connect("agent-1");
        CallEvent offer = offered("evt-1", "call-1", "agent-1", 30);

        handle(offer);

        String nid = NotificationId.of("call-1", "agent-1");
        assertThat(tab1.next()).isEqualTo("notify:" + nid);
        assertThat(tab2.next()).isEqualTo("notify:" + nid);
        Map<?, ?> shown = tab1.notifications.peek();
        assertThat(shown.get("callerName")).isEqualTo("Ada Caller");
        assertThat(shown.get("expiresAt"))
                .isEqualTo(clock.instant().plusSeconds(30).toString());
        LedgerEntry entry = ledger.get(nid).orElseThrow();
        assertThat(entry.state()).isEqualTo(NotificationState.DELIVERED);
        assertThat(entry.deliveredTo()).isEmpty(); // sent to the user: SignalR fanned it out to both tabs
        assertThat(entry.published()).isNull(); // the trigger message is the Delivered publish's outbox
        assertThat(outcomes).extracting(Outcome::outcome).containsExactly(OutcomeType.DELIVERED);
        assertNothingElseArrives(tab1);
        assertNothingElseArrives(tab2);

        // Service Bus redelivery of the same message: it cannot know whether its first run sent, so it repeats
        // notify (the client shows one popup per notification id) and Delivered (same MessageId) once, and records it.
        handle(offer);
        assertThat(tab1.next()).isEqualTo("notify:" + nid);
        assertThat(tab2.next()).isEqualTo("notify:" + nid);
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(1)).isEqualTo(outcomes.get(0));
        assertThat(ledger.get(nid).orElseThrow().published()).isEqualTo(NotificationState.DELIVERED);

        handle(offer); // and again: recorded, so nothing more
        assertNothingElseArrives(tab1);
        assertThat(outcomes).hasSize(2);
        assertThat(outcomesOf("call-1", "agent-1")).containsExactly(OutcomeType.DELIVERED);
    }

    @Test
    void staleRegistryRowsDoNotMatterEveryLiveTabGetsItAndDispatchLeavesTheRegistryToPresence() throws Exception {
        AgentTab live = connect("agent-2");
        registry.upsert(ConnectionRecord.connected("agent-2", "long-gone", "cifhub", clock.instant(), null));

        handle(offered("evt-2", "call-2", "agent-2", 30));

        assertThat(live.next()).isEqualTo("notify:" + NotificationId.of("call-2", "agent-2"));
        assertThat(ledger.get("call-2", "agent-2").orElseThrow().state()).isEqualTo(NotificationState.DELIVERED);
        // SignalR knows the user's connections; the registry (presence's, pruned by its disconnect and sweep) is not
        // read
        assertThat(registry.listForUser("agent-2"))
                .extracting(ConnectionRecord::connectionId)
                .containsExactlyInAnyOrder(live.connectionId(), "long-gone");
    }

    @Test
    void agentStateIsReadAndItsDefaultsApplyWithoutARow() {
        assertThat(agents.read("agent-without-row").unavailableReason(1)).isEmpty();
        agents.connected("agent-s", clock.instant());
        var state = agents.read("agent-s");
        assertThat(state.availability()).isEqualTo(io.cifpipe.model.ledger.Availability.AVAILABLE);
        assertThat(state.lastConnectedAt()).isEqualTo(clock.instant());
        agents.disconnected("agent-s", clock.instant().plusSeconds(1));
        assertThat(agents.read("agent-s").lastConnectedAt())
                .isEqualTo(clock.instant()); // merges keep the other's field
        assertThat(agents.read("agent-s").lastDisconnectedAt())
                .isEqualTo(clock.instant().plusSeconds(1));
    }

    @Test
    void offlineAgentIsRetriedWithBackOffThenUndeliverable() {
        CallEvent offer = offered("evt-3", "call-3", "agent-3", 10);
        Instant t0 = clock.instant();

        handle(offer);

        assertThat(scheduled).hasSize(1);
        Scheduled first = scheduled.get(0);
        assertThat(first.at().toInstant()).isEqualTo(t0.plusSeconds(2));
        assertThat(first.message().getApplicationProperties())
                .containsEntry("attempt", 1)
                .containsEntry("callId", "call-3");
        assertThat(first.message().getMessageId()).isNotEqualTo("evt-3");
        assertThat(ledger.get("call-3", "agent-3").orElseThrow().record().attempts())
                .isEqualTo(1);
        assertThat(outcomes).isEmpty();

        clock.advance(Duration.ofSeconds(2));
        handleScheduled(first);
        assertThat(scheduled.get(1).at().toInstant()).isEqualTo(t0.plusSeconds(2 + 4));
        clock.advance(Duration.ofSeconds(4));
        handleScheduled(scheduled.get(1));
        assertThat(scheduled.get(2).at().toInstant()).isEqualTo(t0.plusSeconds(10)); // capped at the window's end

        clock.advance(Duration.ofSeconds(4));
        handleScheduled(scheduled.get(2));
        assertThat(scheduled).hasSize(3);
        assertThat(ledger.get("call-3", "agent-3").orElseThrow().state()).isEqualTo(NotificationState.UNDELIVERABLE);
        assertThat(outcomesOf("call-3", "agent-3")).containsExactly(OutcomeType.UNDELIVERABLE);

        handleScheduled(scheduled.get(2)); // redelivered: still one outcome
        assertThat(outcomesOf("call-3", "agent-3")).containsExactly(OutcomeType.UNDELIVERABLE);
    }

    @Test
    void agentConnectingMidWindowGetsThePopupOnTheNextRetry() throws Exception {
        handle(offered("evt-4", "call-4", "agent-4", 30));
        assertThat(scheduled).hasSize(1);

        AgentTab tab = connect("agent-4");
        clock.advance(Duration.ofSeconds(2));
        handleScheduled(scheduled.get(0));

        assertThat(tab.next()).isEqualTo("notify:" + NotificationId.of("call-4", "agent-4"));
        assertThat(outcomesOf("call-4", "agent-4")).containsExactly(OutcomeType.DELIVERED);
        assertThat(scheduled).hasSize(1);
    }

    @Test
    void endedWithdrawsThePopupOnEveryTab() throws Exception {
        AgentTab tab1 = connect("agent-5");
        AgentTab tab2 = connect("agent-5");
        handle(offered("evt-5", "call-5", "agent-5", 30));
        tab1.next();
        tab2.next();

        handle(CallEvent.of("evt-5e", "/pbx/test", clock.instant(), new CallEnded("call-5", null, "abandoned")));

        String nid = NotificationId.of("call-5", "agent-5");
        assertThat(tab1.next()).isEqualTo("withdraw:" + nid);
        assertThat(tab2.next()).isEqualTo("withdraw:" + nid);
        assertThat(tab1.withdrawals.peek().get("reason")).isEqualTo("ended");
        assertThat(outcomesOf("call-5", "agent-5")).containsExactly(OutcomeType.DELIVERED, OutcomeType.WITHDRAWN);
        assertThat(outcomes.stream()
                        .filter(o -> o.outcome() == OutcomeType.WITHDRAWN)
                        .findFirst()
                        .orElseThrow()
                        .reason())
                .isEqualTo("call.ended: abandoned");
    }

    @Test
    void answeredBeforeOfferedLeavesATombstoneSoTheLateOfferNeverPopsUp() throws Exception {
        AgentTab tab = connect("agent-6");

        handle(CallEvent.of("evt-6a", "/pbx/test", clock.instant(), new CallAnswered("call-6", "agent-x")));
        handle(offered("evt-6", "call-6", "agent-6", 30));

        assertThat(ledger.get("call-6", "agent-6").orElseThrow().state()).isEqualTo(NotificationState.WITHDRAWN);
        assertThat(outcomesOf("call-6", "agent-6")).containsExactly(OutcomeType.WITHDRAWN);
        // the client may get a (harmless) withdraw for an id it never showed, never a notify
        String first = tab.next();
        assertThat(first).isEqualTo("withdraw:" + NotificationId.of("call-6", "agent-6"));
        assertNothingElseArrives(tab);
    }

    @Test
    void endedForOneAgentOnlyWithdrawsThatAgent() {
        handle(offered("evt-7a", "call-7", "agent-7a", 30));
        handle(offered("evt-7b", "call-7", "agent-7b", 30));
        handle(CallEvent.of("evt-7e", "/pbx/test", clock.instant(), new CallEnded("call-7", "agent-7a", null)));

        assertThat(ledger.get("call-7", "agent-7a").orElseThrow().state()).isEqualTo(NotificationState.WITHDRAWN);
        assertThat(ledger.get("call-7", "agent-7b").orElseThrow().state()).isEqualTo(NotificationState.OFFERED);
    }

    @Test
    void decidedNotificationsAreNotWithdrawn() {
        AgentTab tab = connect("agent-8");
        handle(offered("evt-8", "call-8", "agent-8", 30));
        ledger.moveTo("call-8", "agent-8", NotificationState.ACCEPTED, clock.instant(), tab.connectionId(), null);
        ledger.markPublished("call-8", "agent-8", NotificationState.ACCEPTED);

        handle(CallEvent.of("evt-8a", "/pbx/test", clock.instant(), new CallAnswered("call-8", "agent-8")));

        assertThat(ledger.get("call-8", "agent-8").orElseThrow().state()).isEqualTo(NotificationState.ACCEPTED);
        assertThat(outcomesOf("call-8", "agent-8")).containsExactly(OutcomeType.DELIVERED);
    }

    @Test
    void expirySweepExpiresDeliveredAndGivesUpOnUndelivered() throws Exception {
        AgentTab tab = connect("agent-9");
        handle(offered("evt-9", "call-9", "agent-9", 5));
        tab.next();
        handle(offered("evt-9b", "call-9", "agent-9b", 5)); // offline

        clock.advance(Duration.ofSeconds(6));
        assertThat(sweeper.sweep()).isEqualTo(2);
        assertThat(sweeper.sweep()).isZero();

        assertThat(tab.next()).isEqualTo("withdraw:" + NotificationId.of("call-9", "agent-9"));
        assertThat(outcomesOf("call-9", "agent-9")).containsExactly(OutcomeType.DELIVERED, OutcomeType.EXPIRED);
        assertThat(outcomesOf("call-9", "agent-9b")).containsExactly(OutcomeType.UNDELIVERABLE);
    }

    @Test
    void invalidMessagesArePoisonWithAPreciseReasonAndLeaveNoTrace() {
        assertThatThrownBy(() -> dispatcher.handle("{nope".getBytes(StandardCharsets.UTF_8), Map.of()))
                .isInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("invalid call event")
                .hasMessageContaining("400");
        assertThatThrownBy(() -> dispatcher.handle(new byte[0], Map.of()))
                .isInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("empty message body");
        String missingAgent = """
                {"specversion":"1.0","id":"e1","source":"/pbx","type":"call.offered","data":{"callId":"c-p"}}""";
        assertThatThrownBy(() -> dispatcher.handle(missingAgent.getBytes(StandardCharsets.UTF_8), Map.of()))
                .isInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("/data/agentId");
        CallEvent ok = offered("evt-p", "call-p", "agent-p", 30);
        assertThatThrownBy(() -> handle(ok, Map.of("callId", "another-call")))
                .isInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("application property 'callId'");
        assertThat(ledger.findByCall("c-p")).isEmpty();
        assertThat(ledger.findByCall("call-p")).isEmpty();
        assertThat(outcomes).isEmpty();
    }

    @Test
    void signalROutageIsThrownSoServiceBusRetries() {
        registry.upsert(ConnectionRecord.connected("agent-10", "c-1", "cifhub", clock.instant(), null));
        SignalRRestClient down = SignalRRestClient.builder()
                .connectionString("Endpoint=http://127.0.0.1;Port=1;AccessKey=" + SignalREmulator.DEFAULT_ACCESS_KEY
                        + ";Version=1.0;")
                .hub("cifhub")
                .requestTimeout(Duration.ofSeconds(2))
                .build();
        OutcomePublisher publisher = new OutcomePublisher(m -> {});
        CallEventDispatcher failing = new CallEventDispatcher(
                codec,
                ledger,
                agents,
                down,
                publisher,
                (m, at) -> {},
                new DispatchSettings(30, Duration.ofSeconds(2)),
                clock);
        ServiceBusMessage m = new CallEventSender(x -> {}, codec::encode, 30, 300)
                .toMessage(offered("evt-10", "call-10", "agent-10", 30));

        assertThatThrownBy(() -> failing.handle(m.getBody().toBytes(), m.getApplicationProperties()))
                .isInstanceOf(SignalRException.class)
                .satisfies(e -> assertThat(((SignalRException) e).isTransient()).isTrue());
        assertThat(ledger.get("call-10", "agent-10").orElseThrow().state()).isEqualTo(NotificationState.OFFERED);
        assertThat(registry.listForUser("agent-10")).hasSize(1); // not pruned: it did not answer 404
    }

    @Test
    void severalDispatchInstancesRacingOnOneOfferPublishDeliveredOnce() throws Exception {
        AgentTab tab = connect("agent-11");
        CallEvent offer = offered("evt-11", "call-11", "agent-11", 30);
        OutcomePublisher publisher = new OutcomePublisher(messages ->
                messages.forEach(m -> outcomes.add(Outcome.fromJson(m.getBody().toBytes()))));
        List<CallEventDispatcher> instances = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // separate table clients, as separate Function app instances would have
            instances.add(new CallEventDispatcher(
                    codec,
                    new NotificationLedger(tableClientLike(ledger), clock),
                    agents,
                    signalR,
                    publisher,
                    (m, at) -> scheduled.add(new Scheduled(m, at)),
                    new DispatchSettings(30, Duration.ofSeconds(2)),
                    clock));
        }
        ServiceBusMessage m = new CallEventSender(x -> {}, codec::encode, 30, 300).toMessage(offer);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(instances.size());
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (CallEventDispatcher d : instances) {
                futures.add(pool.submit(() -> {
                    start.await();
                    d.handle(m.getBody().toBytes(), m.getApplicationProperties());
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // At-least-once: an instance that reads the row between another's transition and its "published" mark may
        // publish the same outcome again; it is the identical message (same MessageId → dropped by duplicate
        // detection), never a second, different Delivered.
        String nid = NotificationId.of("call-11", "agent-11");
        assertThat(outcomes.stream()
                        .filter(o -> o.notificationId().equals(nid))
                        .distinct()
                        .toList())
                .singleElement()
                .extracting(Outcome::outcome)
                .isEqualTo(OutcomeType.DELIVERED);
        assertThat(ledger.get("call-11", "agent-11").orElseThrow().state()).isEqualTo(NotificationState.DELIVERED);
        assertThat(ledger.get("call-11", "agent-11").orElseThrow().outcomePending())
                .isFalse();
        // Concurrent instances may each send notify before one wins the ledger write; the client de-duplicates by id.
        assertThat(tab.next()).isEqualTo("notify:" + NotificationId.of("call-11", "agent-11"));
    }

    /** A second client on the same Azurite table (what another app instance would hold). */
    private com.azure.data.tables.TableClient tableClientLike(NotificationLedger unused) {
        return new com.azure.data.tables.TableClientBuilder()
                .connectionString(Azurite.shared().connectionString())
                .tableName(ledgerTableName)
                .buildClient();
    }

    @Test
    void mixedWorkloadSatisfiesTheOneTerminalOutcomeInvariant() throws Exception {
        AgentTab a = connect("agent-a");
        AgentTab b1 = connect("agent-b");
        connect("agent-b");
        List<String> accepted = new ArrayList<>();
        // accepted by the agent (presence's part simulated through the same ledger + publisher calls it makes)
        handle(offered("w-1", "wcall-1", "agent-a", 20));
        accepted.add(NotificationId.of("wcall-1", "agent-a"));
        a.next();
        var decided = ledger.moveTo(
                        "wcall-1", "agent-a", NotificationState.ACCEPTED, clock.instant(), a.connectionId(), null)
                .orElseThrow();
        new OutcomePublisher(ms -> ms.forEach(
                        m -> outcomes.add(Outcome.fromJson(m.getBody().toBytes()))))
                .publish(decided.after().record().toOutcome(), null);
        ledger.markPublished("wcall-1", "agent-a", NotificationState.ACCEPTED);
        handle(CallEvent.of("w-1a", "/pbx/test", clock.instant(), new CallAnswered("wcall-1", "agent-a"))); // no effect
        // offered to two agents, answered by one of them elsewhere: both withdrawn
        handle(offered("w-2a", "wcall-2", "agent-a", 20));
        handle(offered("w-2b", "wcall-2", "agent-b", 20));
        accepted.add(NotificationId.of("wcall-2", "agent-a"));
        accepted.add(NotificationId.of("wcall-2", "agent-b"));
        handle(CallEvent.of("w-2e", "/pbx/test", clock.instant(), new CallAnswered("wcall-2", null)));
        // delivered, never decided: expires
        handle(offered("w-3", "wcall-3", "agent-b", 20));
        accepted.add(NotificationId.of("wcall-3", "agent-b"));
        // offline agent: retried, then undeliverable
        handle(offered("w-4", "wcall-4", "agent-offline", 20));
        accepted.add(NotificationId.of("wcall-4", "agent-offline"));
        // ended before offered
        handle(CallEvent.of("w-5e", "/pbx/test", clock.instant(), new CallEnded("wcall-5", null, "abandoned")));
        handle(offered("w-5", "wcall-5", "agent-a", 20));
        accepted.add(NotificationId.of("wcall-5", "agent-a"));
        // redeliveries of everything
        handle(offered("w-1", "wcall-1", "agent-a", 20));
        handle(offered("w-3", "wcall-3", "agent-b", 20));

        clock.advance(Duration.ofSeconds(21));
        for (Scheduled s : List.copyOf(scheduled)) {
            handleScheduled(s);
        }
        sweeper.sweep();

        var report = io.cifpipe.harness.check.InvariantChecker.check(accepted, ledger, outcomes, true);
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.byOutcome())
                .containsEntry(OutcomeType.ACCEPTED, 1)
                .containsEntry(OutcomeType.WITHDRAWN, 3)
                .containsEntry(OutcomeType.EXPIRED, 1)
                .containsEntry(OutcomeType.UNDELIVERABLE, 1);
        assertThat(b1.received).isNotEmpty();
    }

    // ---- issue 20: availability, capacity, ring groups, missed calls ------------------------------------------------

    void setAvailability(String agentId, io.cifpipe.model.ledger.Availability a) {
        agents.update(
                agentId,
                st -> st.withAvailability(a, io.cifpipe.model.ledger.AvailabilityReason.AGENT, clock.instant()));
    }

    Outcome lastOutcome(String callId, String agentId) {
        String id = NotificationId.of(callId, agentId);
        return outcomes.stream()
                .filter(o -> o.notificationId().equals(id))
                .reduce((a, b) -> b)
                .orElseThrow();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"BUSY,busy", "DO_NOT_DISTURB,do-not-disturb", "AWAY,away"})
    void anOnlineAgentWhoIsNotAvailableGetsNoPopupAndTheOfferEndsUnavailableAtOnce(String availability, String reason)
            throws Exception {
        String agent = "agent-u-" + reason;
        AgentTab tab = connect(agent);
        setAvailability(agent, io.cifpipe.model.ledger.Availability.valueOf(availability));

        handle(offered("evt-u-" + reason, "call-u-" + reason, agent, 30));

        assertThat(outcomesOf("call-u-" + reason, agent)).containsExactly(OutcomeType.UNAVAILABLE);
        assertThat(lastOutcome("call-u-" + reason, agent).reason()).isEqualTo(reason);
        assertThat(ledger.get("call-u-" + reason, agent).orElseThrow().state())
                .isEqualTo(NotificationState.UNAVAILABLE);
        assertNothingElseArrives(tab);
        // a redelivery of the same event publishes the same outcome again (duplicate detection drops it), no popup
        handle(offered("evt-u-" + reason, "call-u-" + reason, agent, 30));
        assertThat(outcomesOf("call-u-" + reason, agent)).containsExactly(OutcomeType.UNAVAILABLE);
        assertNothingElseArrives(tab);
    }

    @Test
    void anAgentAtCapacityGetsUnavailableAtCapacityAndARingGroupsSecondOfferToo() throws Exception {
        AgentTab tab = connect("agent-cap");
        agents.update("agent-cap", st -> st.withCallStarted("call-busy", clock.instant()));
        handle(offered("evt-cap1", "call-cap", "agent-cap", 30));
        assertThat(lastOutcome("call-cap", "agent-cap").outcome()).isEqualTo(OutcomeType.UNAVAILABLE);
        assertThat(lastOutcome("call-cap", "agent-cap").reason()).isEqualTo("at-capacity");
        // second agent of a ring group (general path) at capacity too
        AgentTab other = connect("agent-cap2");
        agents.update("agent-cap2", st -> st.withCallStarted("call-busy2", clock.instant()));
        handle(offered("evt-cap2", "call-cap", "agent-cap2", 30));
        assertThat(outcomesOf("call-cap", "agent-cap2")).containsExactly(OutcomeType.UNAVAILABLE);
        assertThat(lastOutcome("call-cap", "agent-cap2").reason()).isEqualTo("at-capacity");
        assertNothingElseArrives(tab);
        assertNothingElseArrives(other);
    }

    @Test
    void anOfflineAgentWhoIsAwayKeepsRetryThenUndeliverable() {
        setAvailability("agent-off-away", io.cifpipe.model.ledger.Availability.AWAY);
        handle(offered("evt-oa", "call-oa", "agent-off-away", 30));
        assertThat(scheduled).hasSize(1);
        assertThat(outcomesOf("call-oa", "agent-off-away")).isEmpty();
    }

    @Test
    void callEndedReleasesTheAgentWhoAcceptedWithOrWithoutAgentId() throws Exception {
        for (String scope : new String[] {null, "agent-r"}) {
            String call = "call-r-" + (scope == null ? "all" : "one");
            AgentTab tab = connect("agent-r");
            handle(offered("evt-" + call, call, "agent-r", 30));
            assertThat(tab.next()).startsWith("notify:");
            ledger.moveTo(call, "agent-r", NotificationState.ACCEPTED, clock.instant(), tab.connectionId(), null);
            agents.update("agent-r", st -> st.withCallStarted(call, clock.instant()));
            assertThat(agents.read("agent-r").activeCallCount()).isEqualTo(1);

            handle(CallEvent.of("evt-" + call + "-e", "/pbx/test", clock.instant(), new CallEnded(call, scope, null)));

            assertThat(agents.read("agent-r").activeCallCount()).isZero();
            assertThat(tab.next()).isEqualTo("availability:Available/call-ended/0");
            // a redelivered call.ended releases nothing twice and pushes nothing
            handle(CallEvent.of("evt-" + call + "-e", "/pbx/test", clock.instant(), new CallEnded(call, scope, null)));
            assertNothingElseArrives(tab);
            tab.close();
        }
    }

    @Test
    void anOfferAfterAnotherAgentOfTheRingGroupAcceptedIsWithdrawnTaken() throws Exception {
        AgentTab a = connect("agent-ga");
        AgentTab b = connect("agent-gb");
        handle(offered("evt-ga", "call-g", "agent-ga", 30));
        a.next();
        var claim = new io.cifpipe.runtime.tables.RingGroupClaim(new com.azure.data.tables.TableServiceClientBuilder()
                .connectionString(Azurite.shared().connectionString())
                .buildClient()
                .getTableClient(ledgerTableName));
        var won = claim.accept(
                "call-g",
                "agent-ga",
                e -> e.withRecord(
                        e.record().moveTo(NotificationState.ACCEPTED, clock.instant(), a.connectionId(), null)),
                clock.instant());
        assertThat(won).isInstanceOf(io.cifpipe.runtime.tables.RingGroupClaim.Won.class);

        handle(offered("evt-gb", "call-g", "agent-gb", 30));

        assertThat(outcomesOf("call-g", "agent-gb")).containsExactly(OutcomeType.WITHDRAWN);
        assertThat(lastOutcome("call-g", "agent-gb").reason()).isEqualTo("taken");
        assertThat(b.next()).isEqualTo("withdraw:" + NotificationId.of("call-g", "agent-gb"));
        assertThat(b.withdrawals.peek().get("reason")).isEqualTo("taken");
        // and a claim for the loser now reports the winner
        var late = claim.accept("call-g", "agent-gb", e -> e, clock.instant());
        assertThat(late).isInstanceOfSatisfying(io.cifpipe.runtime.tables.RingGroupClaim.Taken.class, t -> assertThat(
                        t.winner())
                .isEqualTo("agent-ga"));
    }

    @Test
    void missedCallsAreListedNewestFirstAndTwoInARowSetTheAgentAwayWithAPush() throws Exception {
        AgentTab tab = connect("agent-m");
        setAvailability("agent-m", io.cifpipe.model.ledger.Availability.AVAILABLE);
        handle(offered("evt-m1", "call-m1", "agent-m", 5));
        assertThat(tab.next()).startsWith("notify:");
        clock.advance(Duration.ofSeconds(6));
        sweeper.sweep();
        assertThat(tab.next()).isEqualTo("withdraw:" + NotificationId.of("call-m1", "agent-m"));
        assertThat(agents.read("agent-m").missedInARow()).isEqualTo(1);
        assertNothingElseArrives(tab);

        handle(offered("evt-m2", "call-m2", "agent-m", 5));
        assertThat(tab.next()).startsWith("notify:");
        clock.advance(Duration.ofSeconds(6));
        sweeper.sweep();
        assertThat(tab.next()).isEqualTo("withdraw:" + NotificationId.of("call-m2", "agent-m"));
        assertThat(tab.next()).isEqualTo("availability:Away/missed-calls/0");
        assertThat(outcomesOf("call-m2", "agent-m")).containsExactly(OutcomeType.DELIVERED, OutcomeType.EXPIRED);
        assertThat(agents.missedCalls("agent-m", 50))
                .extracting(io.cifpipe.model.agent.MissedCall::callId)
                .containsExactly("call-m2", "call-m1");
        assertThat(agents.missedCalls("agent-m", 50).get(0).caller()).isEqualTo("Ada Caller");

        // Away now: the next offer ends Unavailable/away
        handle(offered("evt-m3", "call-m3", "agent-m", 5));
        assertThat(lastOutcome("call-m3", "agent-m").reason()).isEqualTo("away");
    }

    @Test
    void anAcceptedCallWithoutCallEndedIsReleasedAfterMaxCallDuration() throws Exception {
        AgentTab tab = connect("agent-long");
        agents.update("agent-long", st -> st.withCallStarted("call-long", clock.instant()));
        clock.advance(Duration.ofHours(4).minusSeconds(1));
        sweeper.sweep();
        assertThat(agents.read("agent-long").activeCallCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        sweeper.sweep();
        assertThat(agents.read("agent-long").activeCallCount()).isZero();
        assertThat(tab.next()).isEqualTo("availability:Available/max-call-duration/0");
    }
}
