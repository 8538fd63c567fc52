package io.cifpipe.reliability;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.cifpipe.harness.Stack;
import io.cifpipe.harness.UpstreamProxy;
import io.cifpipe.harness.check.InvariantChecker;
import io.cifpipe.ops.DeadLetterFilter;
import io.cifpipe.ops.DeadLetterOperations;
import io.cifpipe.ops.ReplayOptions;
import io.cifpipe.ops.ReplaySummary;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault scenarios, each run against a running full {@link Stack} with its own {@link RunChecker} (shared-runtime's {@link InvariantChecker}); each
 * returns the checker's report once every accepted offer settled (or the settle timeout passed). Used by the
 * test suite (once each) and by {@link Soak} (in a loop).
 */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);
    /** Ring window of the load: short so that Undeliverable comes quickly. */
    static final int RING_SECONDS = 2;

    static final Duration SETTLE = Duration.ofSeconds(90);

    /** What one scenario observed. */
    public record Run(String name, InvariantChecker.Report report, String load, String note) {
        public boolean holds() {
            return report.ok();
        }
        /** Terminal outcomes by wire name. */
        public Map<String, Integer> outcomes() {
            return RunChecker.byOutcome(report);
        }
    }

    private final Stack stack;

    public Faults(Stack stack) {
        this.stack = stack;
    }

    private RunChecker checker() {
        return new RunChecker(stack);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each offer arrives four times: twice through ingress (same event id) and twice enqueued directly with new MessageIds. */
    public Run duplicateDeliveries(int calls) {
        try (RunChecker checker = checker();
                ServiceBusSenderClient direct = new ServiceBusClientBuilder()
                        .connectionString(stack.serviceBus().connectionString())
                        .sender()
                        .queueName("call-events")
                        .buildClient()) {
            for (int i = 0; i < calls; i++) {
                String callId = Events.newId("dup");
                String agent = "offline-dup-" + i;
                String event = Events.offered(Events.newId("evt"), callId, agent, RING_SECONDS);
                for (int k = 0; k < 2; k++) {
                    HttpResponse<String> r = Http.post(
                            stack.url("ingress") + "/api/calls",
                            Events.bytes(event),
                            "Content-Type",
                            "application/cloudevents+json",
                            "x-functions-key",
                            stack.ingressKey());
                    if (r.statusCode() != 202)
                        throw new IllegalStateException("ingress answered " + r.statusCode() + ": " + r.body());
                }
                checker.accepted(callId, agent);
                for (int k = 0; k < 2; k++) {
                    ServiceBusMessage m = new ServiceBusMessage(event);
                    m.setMessageId(UUID.randomUUID().toString()); // defeats duplicate detection: a true second delivery
                    m.setContentType("application/cloudevents+json");
                    direct.sendMessage(m);
                }
            }
            return new Run("duplicate deliveries", checker.awaitSettled(SETTLE), calls + " calls x 4 deliveries", "");
        }
    }

    /** call.ended overtakes its call.offered (and, for half the calls, arrives right after it). */
    public Run outOfOrderEnded(int calls) {
        try (RunChecker checker = checker()) {
            for (int i = 0; i < calls; i++) {
                String callId = Events.newId("ooo");
                String agent = "offline-ooo-" + i;
                String offered = Events.offered(Events.newId("evt"), callId, agent, 30);
                String ended = Events.ended(Events.newId("evt"), callId, agent);
                String first = i % 2 == 0 ? ended : offered;
                String second = i % 2 == 0 ? offered : ended;
                for (String e : new String[] {first, second}) {
                    HttpResponse<String> r = Http.post(
                            stack.url("ingress") + "/api/calls",
                            Events.bytes(e),
                            "Content-Type",
                            "application/cloudevents+json",
                            "x-functions-key",
                            stack.ingressKey());
                    if (r.statusCode() != 202)
                        throw new IllegalStateException("ingress answered " + r.statusCode() + ": " + r.body());
                }
                checker.accepted(callId, agent);
            }
            // ring window 30 s: a terminal outcome before it closes can only come from the call.ended handling
            return new Run(
                    "out-of-order call.ended", checker.awaitSettled(Duration.ofSeconds(25)), calls + " calls", "");
        }
    }

    /** Service Bus emulator stopped under load and restarted from its journal. */
    public Run serviceBusRestart(Duration down) {
        try (RunChecker checker = checker()) {
            CallLoad load = new CallLoad(stack, checker, Duration.ofMillis(100), RING_SECONDS);
            try {
                Await.until(Duration.ofSeconds(30), "load running", () -> load.accepted() >= 5);
                stack.stopServiceBus();
                Await.until(
                        Duration.ofSeconds(30),
                        "ingress answering 503 while Service Bus is down",
                        () -> load.unavailable() >= 1);
                pause(down);
                stack.restartServiceBus();
                int at = load.accepted();
                Await.until(Duration.ofSeconds(60), "ingress accepting again", () -> load.accepted() >= at + 5);
            } finally {
                load.close();
            }
            InvariantChecker.Report report = checker.awaitSettled(SETTLE);
            String note = load.unavailableWithRetryAfter() == load.unavailable()
                    ? "every 503 had Retry-After"
                    : "503 WITHOUT Retry-After: " + (load.unavailable() - load.unavailableWithRetryAfter());
            return new Run("Service Bus emulator stop/restart (journal)", report, load.toString(), note);
        }
    }

    /**
     * An outage that outlasts the retries: Azurite (dispatch's ledger and connection registry) is down while calls
     * arrive, so every call-events message fails {@code maxDeliveries} times and the broker dead-letters it with
     * {@code MaxDeliveryCountExceeded} by itself. After recovery the ops library replays them. Offers whose ring
     * window closed while they sat in the dead-letter queue were never shown to anyone: per the ledger contract
     * (Offered → Undeliverable) they must end {@code Undeliverable}; offers still ringing for an online agent must
     * pop and be accepted. Each exactly once.
     */
    public Run deadLetterByRetries(
            String agentToken, String agentId, int expiredCalls, int ringingCalls, int maxDeliveries) throws Exception {
        Duration lock = Duration.ofSeconds(3);
        stack.reconfigureCallEvents(lock, maxDeliveries);
        List<String> callIds = new ArrayList<>();
        try (RunChecker checker = checker()) {
            // Known bug (RESULTS.md): an ingress app whose first request comes during a storage outage answers POST
            // with 500 (it opens the ledger table eagerly). Warm it up so this run measures the dead-letter path.
            Http.get(stack.url("ingress") + "/api/calls/warm-up", "x-functions-key", stack.ingressKey());
            long deadBefore = stack.serviceBus().queueStats("call-events").deadLetter();
            stack.stopAzurite();
            for (int i = 0; i < expiredCalls + ringingCalls; i++) {
                boolean ringing = i >= expiredCalls;
                String callId = Events.newId(ringing ? "dlqr" : "dlqx");
                String agentOf = ringing ? agentId : "offline-dlq-" + i;
                HttpResponse<String> r = Http.post(
                        stack.url("ingress") + "/api/calls",
                        Events.bytes(
                                Events.offered(Events.newId("evt"), callId, agentOf, ringing ? 120 : RING_SECONDS)),
                        "Content-Type",
                        "application/cloudevents+json",
                        "x-functions-key",
                        stack.ingressKey());
                if (r.statusCode() != 202)
                    throw new IllegalStateException("ingress answered " + r.statusCode() + ": " + r.body());
                checker.accepted(callId, agentOf);
                callIds.add(callId);
            }
            int total = callIds.size();
            long outageStart = System.nanoTime();
            Await.until(
                    Duration.ofSeconds(150),
                    "every offer dead-lettered by the broker after " + maxDeliveries + " deliveries",
                    () -> stack.serviceBus().queueStats("call-events").deadLetter() - deadBefore >= total);
            long outageSeconds =
                    Duration.ofNanos(System.nanoTime() - outageStart).toSeconds();
            ServiceBusClientBuilder clients = new ServiceBusClientBuilder()
                    .connectionString(stack.serviceBus().connectionString());
            List<String> reasons = new ArrayList<>();
            try (DeadLetterOperations ops = new DeadLetterOperations(clients, "call-events")) {
                for (var e : ops.list(io.cifpipe.ops.DeadLetterFilter.all())) {
                    if (callIds.contains(e.callId())) reasons.add(e.reason() + "/" + e.deliveryCount());
                }
                if (reasons.size() != total
                        || !reasons.stream().allMatch(r -> r.equals("MaxDeliveryCountExceeded/" + maxDeliveries))) {
                    throw new IllegalStateException("dead letters of this run: " + reasons);
                }
                stack.startAzurite();
                // The agent signs in once storage is back (Azurite, unlike Azure Storage, can lose a row written
                // just before it stops, and a lost Connections row would hide an online agent from dispatch).
                try (AgentClient agent = new AgentClient(stack, agentToken)) {
                    Await.until(Duration.ofSeconds(30), "agent connected", agent::connected);
                    var connections = new io.cifpipe.runtime.tables.ConnectionRegistry(
                            new com.azure.data.tables.TableClientBuilder()
                                    .connectionString(stack.tablesConnectionString())
                                    .tableName("Connections")
                                    .buildClient());
                    Await.until(Duration.ofSeconds(30), "agent registered by presence", () -> !connections
                            .listForUser(agentId)
                            .isEmpty());
                    for (String callId : callIds) {
                        ReplaySummary replay = ops.replay(
                                new DeadLetterFilter(null, callId, null, null, null, 10),
                                new ReplayOptions(false, Duration.ofSeconds(180), 3),
                                item -> {});
                        if (replay.replayed().size() != 1 || replay.hasFailures()) {
                            throw new IllegalStateException("replay of " + callId + ": " + replay);
                        }
                    }
                    InvariantChecker.Report report = checker.awaitSettled(SETTLE);
                    return new Run(
                            "dead-lettered by MaxDeliveryCount, replayed",
                            report,
                            expiredCalls + " offers past their ring window + " + ringingCalls
                                    + " still ringing (agent online after the outage)",
                            total + " dead-lettered (MaxDeliveryCountExceeded after " + maxDeliveries
                                    + " deliveries) in " + outageSeconds
                                    + " s of Azurite outage; replayed by ops; popups "
                                    + agent.shown().size());
                }
            }
        } finally {
            stack.reconfigureCallEvents(
                    stack.options().lockDuration(), stack.options().maxDeliveryCount());
        }
    }

    /** kill -9 of the dispatch app's JVM under load, then a new one (messages it held locked are redelivered). */
    public Run dispatchKill(Duration down) throws InterruptedException {
        try (RunChecker checker = checker()) {
            CallLoad load = new CallLoad(stack, checker, Duration.ofMillis(100), RING_SECONDS);
            try {
                Await.until(Duration.ofSeconds(30), "load running", () -> load.accepted() >= 10);
                stack.killHost("dispatch");
                pause(down);
                stack.restartHost("dispatch");
                int at = load.accepted();
                Await.until(Duration.ofSeconds(30), "more load after the restart", () -> load.accepted() >= at + 10);
            } finally {
                load.close();
            }
            return new Run(
                    "functions host kill -9 (dispatch) + restart", checker.awaitSettled(SETTLE), load.toString(), "");
        }
    }

    /**
     * Azurite stopped under load (SIGTERM; a SIGKILL loses Azurite's unsaved writes, which Azure Storage never does
     * to an acknowledged write, so that would test Azurite, not us) and restarted on its on-disk data.
     */
    public Run azuriteRestart(Duration down) throws Exception {
        try (RunChecker checker = checker()) {
            CallLoad load = new CallLoad(stack, checker, Duration.ofMillis(100), RING_SECONDS);
            java.time.Instant stoppedAt;
            try {
                Await.until(Duration.ofSeconds(30), "load running", () -> load.accepted() >= 10);
                stoppedAt = java.time.Instant.now();
                stack.stopAzurite();
                pause(down);
                stack.startAzurite();
                int at = load.accepted();
                Await.until(Duration.ofSeconds(30), "more load after the restart", () -> load.accepted() >= at + 10);
            } finally {
                load.close();
            }
            InvariantChecker.Report full = checker.awaitSettled(SETTLE);
            // Azurite (unlike Azure Storage) can lose rows it acknowledged shortly before a SIGTERM. A notification
            // whose terminal outcome was published before the stop had its final ledger write acknowledged before
            // it (dispatch writes the row, then publishes): a missing row then is the emulator's loss, not ours.
            Set<String> finishedBeforeStop = new java.util.HashSet<>();
            checker.observed().stream()
                    .filter(o -> o.outcome().isTerminal() && o.at().isBefore(stoppedAt))
                    .forEach(o -> finishedBeforeStop.add(o.notificationId()));
            InvariantChecker.Report report = full.without(v -> v.problem().equals(InvariantChecker.NO_LEDGER_ROW)
                    && finishedBeforeStop.contains(v.notificationId()));
            int lostByAzurite = full.violations().size() - report.violations().size();
            return new Run(
                    "Azurite stop + restart",
                    report,
                    load.toString(),
                    lostByAzurite == 0
                            ? ""
                            : lostByAzurite + " ledger row(s) finished before the stop were lost by Azurite");
        }
    }

    /**
     * SignalR emulator restarted while an online agent (auto-accepting) receives calls: the client reconnects, calls
     * offered during the outage pop after the reconnect and are accepted; no notification is pushed twice to one
     * connection.
     */
    public Run signalRRestart(String agentToken, String agentId, Duration down) {
        try (RunChecker checker = checker();
                AgentClient agent = new AgentClient(stack, agentToken)) {
            Await.until(Duration.ofSeconds(30), "agent connected", agent::connected);
            int before = offerTo(checker, agentId, 3);
            stack.stopSignalR();
            pause(Duration.ofMillis(500));
            int during = offerTo(checker, agentId, 3); // ringing while SignalR is down
            pause(down);
            stack.startSignalR();
            Await.until(Duration.ofSeconds(60), "agent reconnected", () -> agent.connects() >= 2 && agent.connected());
            int after = offerTo(checker, agentId, 3);
            InvariantChecker.Report report = checker.awaitSettled(SETTLE);
            String note = "connects=" + agent.connects() + " duplicatePushes=" + agent.duplicatePushes();
            return new Run(
                    "SignalR emulator restart (agent online)",
                    report,
                    "offers before/during/after=" + before + "/" + during + "/" + after,
                    note);
        }
    }

    /** What {@link #upstreamOutage} observed besides the invariant. */
    public record UpstreamObservation(
            int decideFailures,
            Set<String> decideErrors,
            Map<String, Integer> proxied,
            Map<String, Integer> outcomesByAgent,
            Map<String, Integer> popupsByAgent) {}

    private volatile UpstreamObservation lastUpstream;

    public UpstreamObservation lastUpstreamObservation() {
        return lastUpstream;
    }

    /**
     * The SignalR upstream (emulator → presence webhook) is slow, then answers 500, then refuses connections, then
     * recovers, while calls ring: for agent A, online all along and accepting every popup (its decides cross the
     * failing upstream), and for agents B and C, who connect during the 500 and the refused phase (their
     * {@code connected} events cannot reach presence). Every accepted offer must reach exactly one outcome; the test
     * asserts which (online agents' calls should pop and be accepted once the upstream is back).
     */
    public Run upstreamOutage(
            java.util.function.Function<String, String> tokenFor,
            String agentA,
            String agentB,
            String agentC,
            Duration slowBy,
            Duration failFor,
            Duration refuseFor) {
        UpstreamProxy proxy = stack.upstreamProxy();
        int ring = 45;
        Map<String, java.util.List<String>> offered = new java.util.LinkedHashMap<>();
        try (RunChecker checker = checker();
                AgentClient a = new AgentClient(stack, tokenFor.apply(agentA))) {
            Await.until(Duration.ofSeconds(30), "agent A connected", a::connected);
            AgentClient b = null;
            AgentClient c = null;
            try {
                proxy.slow(slowBy);
                offered.computeIfAbsent(agentA, k -> new ArrayList<>()).addAll(offer(checker, agentA, 3, ring));
                Await.until(
                        Duration.ofSeconds(40),
                        "slow decides of A recorded",
                        () -> a.decided().size() >= 3);

                b = outagePhase(
                        proxy::fail, "presence answers 500", checker, offered, agentA, agentB, tokenFor, ring, failFor);
                c = outagePhase(
                        proxy::refuse,
                        "presence is unreachable",
                        checker,
                        offered,
                        agentA,
                        agentC,
                        tokenFor,
                        ring,
                        refuseFor);
                proxy.heal();
                offered.get(agentA).addAll(offer(checker, agentA, 1, ring));
                InvariantChecker.Report report = checker.awaitSettled(Duration.ofSeconds(ring + 30));
                Map<String, Integer> byAgent = new java.util.TreeMap<>();
                Map<String, Integer> popups = new java.util.TreeMap<>();
                java.util.List<io.cifpipe.model.outcome.Outcome> seen = checker.observed();
                offered.forEach((agent, calls) -> {
                    for (String callId : calls) {
                        String nid = io.cifpipe.model.notification.NotificationId.of(callId, agent);
                        seen.stream()
                                .filter(o -> o.notificationId().equals(nid)
                                        && o.outcome().isTerminal())
                                .findFirst()
                                .ifPresent(o -> byAgent.merge(
                                        label(agent, agentA, agentB) + " "
                                                + o.outcome().wireName(),
                                        1,
                                        Integer::sum));
                    }
                });
                for (var e : Map.of("A", a, "B", b, "C", c).entrySet()) {
                    popups.put(e.getKey(), e.getValue().shown().size());
                }
                lastUpstream = new UpstreamObservation(
                        a.decideFailures() + b.decideFailures() + c.decideFailures(),
                        a.decideErrors(),
                        proxy.counts(),
                        byAgent,
                        popups);
                String note = "decide failures seen by A=" + a.decideFailures() + " " + a.decideErrors() + "; outcomes "
                        + byAgent
                        + "; popups " + popups + "; connects A/B/C=" + a.connects() + "/" + b.connects() + "/"
                        + c.connects()
                        + "; proxy " + proxy.counts();
                return new Run(
                        "SignalR upstream slow, 500, refused, recovered",
                        report,
                        "offers A/B/C=" + offered.get(agentA).size() + "/"
                                + offered.get(agentB).size() + "/"
                                + offered.get(agentC).size(),
                        note);
            } finally {
                proxy.heal();
                if (b != null) b.close();
                if (c != null) c.close();
            }
        }
    }

    /** Starts {@code fault}; A gets two calls; {@code newAgent} connects during it and gets two; the fault lasts {@code hold}. */
    private AgentClient outagePhase(
            Runnable fault,
            String what,
            RunChecker checker,
            Map<String, List<String>> offered,
            String agentA,
            String newAgent,
            java.util.function.Function<String, String> tokenFor,
            int ring,
            Duration hold) {
        fault.run();
        offered.get(agentA).addAll(offer(checker, agentA, 2, ring));
        AgentClient client = new AgentClient(stack, tokenFor.apply(newAgent));
        Await.until(Duration.ofSeconds(30), newAgent + " connected while " + what, client::connected);
        offered.computeIfAbsent(newAgent, k -> new ArrayList<>()).addAll(offer(checker, newAgent, 2, ring));
        pause(hold);
        return client;
    }

    private static String label(String agent, String a, String b) {
        return agent.equals(a) ? "A" : agent.equals(b) ? "B" : "C";
    }

    private List<String> offer(RunChecker checker, String agentId, int calls, int ringSeconds) {
        List<String> callIds = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String callId = Events.newId("up");
            HttpResponse<String> r = Http.post(
                    stack.url("ingress") + "/api/calls",
                    Events.bytes(Events.offered(Events.newId("evt"), callId, agentId, ringSeconds)),
                    "Content-Type",
                    "application/cloudevents+json",
                    "x-functions-key",
                    stack.ingressKey());
            if (r.statusCode() != 202)
                throw new IllegalStateException("ingress answered " + r.statusCode() + ": " + r.body());
            checker.accepted(callId, agentId);
            callIds.add(callId);
        }
        return callIds;
    }

    private int offerTo(RunChecker checker, String agentId, int calls) {
        for (int i = 0; i < calls; i++) {
            String callId = Events.newId("sr");
            HttpResponse<String> r = Http.post(
                    stack.url("ingress") + "/api/calls",
                    Events.bytes(Events.offered(Events.newId("evt"), callId, agentId, 45)),
                    "Content-Type",
                    "application/cloudevents+json",
                    "x-functions-key",
                    stack.ingressKey());
            if (r.statusCode() != 202)
                throw new IllegalStateException("ingress answered " + r.statusCode() + ": " + r.body());
            checker.accepted(callId, agentId);
        }
        return calls;
    }

    /** Steady load with no fault: the baseline the fault runs are compared with. */
    public Run steady(Duration length) {
        try (RunChecker checker = checker()) {
            CallLoad load = new CallLoad(stack, checker, Duration.ofMillis(100), RING_SECONDS);
            try {
                pause(length);
            } finally {
                load.close();
            }
            return new Run("steady load (no fault)", checker.awaitSettled(SETTLE), load.toString(), "");
        }
    }

    static void log(Run r) {
        LOG.info("{}: {} | load {} {}", r.name(), r.report().summary(), r.load(), r.note());
    }
}
