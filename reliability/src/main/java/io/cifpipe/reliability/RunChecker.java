package io.cifpipe.reliability;

import com.azure.data.tables.TableClientBuilder;
import io.cifpipe.harness.Stack;
import io.cifpipe.harness.check.InvariantChecker;
import io.cifpipe.harness.check.OutcomeCollector;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.Setting;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.runtime.tables.NotificationLedger;
import io.cifpipe.testsupport.Pause;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One fault run's bookkeeping for shared-runtime's {@link InvariantChecker}: the offers the pipeline accepted (202
 * or a direct enqueue), every outcome on {@code call-outcomes} while the run lasts ({@link OutcomeCollector}, which
 * survives broker restarts) and the stack's ledger. The check is the pipeline's whole promise: each accepted offer
 * has exactly one terminal outcome on the queue, the ledger row is terminal, published and agrees with it, and
 * {@code Delivered} was published if and only if the row was delivered.
 */
public final class RunChecker implements AutoCloseable {
    /** A second, conflicting outcome would arrive right after the first: wait this long for it before checking. */
    static final Duration LINGER = Duration.ofMillis(1500);

    private static final Duration OPERATIONS_CATCH_UP = Duration.ofSeconds(30);

    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final OutcomeCollector outcomes;
    /** The operations subscription, read at the same time: it must see the same terminal outcomes, and nothing else. */
    private final OutcomeCollector operations;

    private final NotificationLedger ledger;

    public RunChecker(Stack stack) {
        String topic = Setting.CALL_OUTCOMES_TOPIC.defaultValue().orElseThrow();
        this.outcomes = new OutcomeCollector(
                () -> stack.serviceBus().connectionString(), topic, OutcomeSubscriptions.TELEPHONY);
        this.operations = new OutcomeCollector(
                () -> stack.serviceBus().connectionString(), topic, OutcomeSubscriptions.OPERATIONS);
        this.ledger = new NotificationLedger(
                new TableClientBuilder()
                        .connectionString(stack.tablesConnectionString())
                        .tableName(Setting.NOTIFICATIONS_TABLE.defaultValue().orElseThrow())
                        .buildClient(),
                Clock.systemUTC());
    }

    /** An offer the pipeline accepted: it must reach one terminal outcome. */
    public void accepted(String callId, String agentId) {
        accepted.add(NotificationId.of(callId, agentId));
    }

    public int acceptedCount() {
        return accepted.size();
    }

    /** Outcomes received so far. */
    public List<io.cifpipe.model.outcome.Outcome> observed() {
        return outcomes.outcomes();
    }

    /** Waits until every accepted offer has a terminal outcome (or the timeout), then checks the invariant. */
    public InvariantChecker.Report awaitSettled(Duration timeout) {
        outcomes.awaitTerminal(Set.copyOf(accepted), timeout, LINGER);
        // The second consumer reads at its own pace: give it until it holds what telephony holds (bounded).
        long deadline = System.nanoTime() + OPERATIONS_CATCH_UP.toNanos();
        while (!terminalOf(operations.outcomes()).equals(terminalOf(outcomes.outcomes()))
                && System.nanoTime() < deadline) {
            Pause.millis(200);
        }
        return check();
    }

    public InvariantChecker.Report check() {
        InvariantChecker.Report report =
                InvariantChecker.check(List.copyOf(accepted), ledger, outcomes.outcomes(), false);
        if (outcomes.undecodable() > 0 || operations.undecodable() > 0) {
            throw new IllegalStateException(outcomes.undecodable() + operations.undecodable()
                    + " message(s) on call-outcomes are not outcomes");
        }
        // Both subscriptions get their own copy of each outcome: operations holds exactly the terminal ones.
        // Compared over this run's offers: the Stack (and its subscriptions) outlive a run, so either consumer may
        // also read late copies of an earlier run's outcomes.
        Set<String> terminalSeenByTelephony = terminalOf(outcomes.outcomes());
        Set<String> seenByOperations = terminalOf(operations.outcomes());
        if (operations.outcomes().stream().anyMatch(o -> !o.outcome().isTerminal())
                || !seenByOperations.equals(terminalSeenByTelephony)) {
            throw new IllegalStateException("the operations subscription disagrees with telephony: "
                    + seenByOperations.size() + " terminal outcome(s) there, " + terminalSeenByTelephony.size()
                    + " on telephony");
        }
        return report;
    }

    /** "notificationId/Outcome" of the terminal outcomes among {@code seen} that belong to this run's offers. */
    private Set<String> terminalOf(List<io.cifpipe.model.outcome.Outcome> seen) {
        return seen.stream()
                .filter(o -> o.outcome().isTerminal() && accepted.contains(o.notificationId()))
                .map(o -> o.notificationId() + "/" + o.outcome().wireName())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Terminal outcome counts by wire name ("Accepted", "Undeliverable", ...). */
    public static Map<String, Integer> byOutcome(InvariantChecker.Report report) {
        Map<String, Integer> m = new TreeMap<>();
        report.byOutcome().forEach((OutcomeType t, Integer n) -> m.put(t.wireName(), n));
        return m;
    }

    @Override
    public void close() {
        outcomes.close();
        operations.close();
    }
}
