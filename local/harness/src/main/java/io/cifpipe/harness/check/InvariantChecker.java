package io.cifpipe.harness.check;

import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.runtime.tables.LedgerEntry;
import io.cifpipe.runtime.tables.NotificationLedger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The end-to-end promise: every accepted {@code call.offered} reaches exactly one terminal outcome, both in the
 * ledger and on {@code call-outcomes}, and they agree. Run it after every ring window has closed (and an expiry sweep
 * has run). Identical outcome messages received twice (at-least-once delivery) count once; two different terminal
 * outcomes for one notification are a violation.
 *
 * <p>Checked per accepted notification id:
 * <ol>
 *   <li>the ledger row exists and its state is terminal;</li>
 *   <li>the row's outcome was published (not left pending by a crash);</li>
 *   <li>exactly one distinct terminal outcome type was observed, and it is the ledger's;</li>
 *   <li>{@code Delivered} was observed if and only if the ledger passed through DELIVERED;</li>
 *   <li>per call (ring group): at most one {@code Accepted}, in the ledger and on {@code call-outcomes}.</li>
 * </ol>
 * An offer that ended {@code Unavailable} at once (never delivered) is not marked published: like the common path's
 * {@code Delivered}, its trigger message is the publish's outbox; it must have been observed instead.
 * With {@code strict}, outcomes for notifications that were never accepted are violations too.
 */
public final class InvariantChecker {
    /** The violation of an accepted notification that never got a terminal outcome: the event was lost. */
    public static final String NO_TERMINAL_OUTCOME = "no terminal outcome on call-outcomes";
    /** The violation of an accepted notification whose ledger row does not exist. */
    public static final String NO_LEDGER_ROW = "no ledger row";

    private InvariantChecker() {}

    public record Violation(String notificationId, String problem) {
        @Override
        public String toString() {
            return notificationId + ": " + problem;
        }
    }

    /**
     * @param checked    accepted notifications checked
     * @param duplicates outcome messages that repeated an identical earlier one (tolerated)
     * @param byOutcome  terminal outcome counts over the accepted notifications
     */
    public record Report(int checked, int duplicates, Map<OutcomeType, Integer> byOutcome, List<Violation> violations) {
        public Report {
            byOutcome = Map.copyOf(byOutcome);
            violations = List.copyOf(violations);
        }

        public boolean ok() {
            return violations.isEmpty();
        }

        /** Accepted notifications with at least one violation. */
        public Set<String> violating() {
            return violations.stream()
                    .map(Violation::notificationId)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        }

        /** Accepted notifications that reached no terminal outcome at all (lost events). */
        public List<String> lost() {
            return violations.stream()
                    .filter(v -> v.problem().equals(NO_TERMINAL_OUTCOME))
                    .map(Violation::notificationId)
                    .toList();
        }

        /** This report without the violations {@code excused} accepts (each one named by the caller's reason). */
        public Report without(java.util.function.Predicate<Violation> excused) {
            return new Report(
                    checked,
                    duplicates,
                    byOutcome,
                    violations.stream().filter(excused.negate()).toList());
        }

        /** Accepted notifications with no violation: exactly one terminal outcome, agreeing with the ledger. */
        public int passed() {
            return checked - violating().size();
        }

        public String summary() {
            String head = "checked " + checked + " notification(s): " + byOutcome + ", " + duplicates
                    + " duplicate message(s), " + violations.size() + " violation(s)";
            return violations.isEmpty()
                    ? head
                    : head + violations.stream().limit(20).map(v -> "\n  " + v).collect(Collectors.joining());
        }
    }

    public static Report check(
            Collection<String> acceptedNotificationIds,
            NotificationLedger ledger,
            List<Outcome> observed,
            boolean strict) {
        return check(acceptedNotificationIds, ledger::get, observed, strict);
    }

    public static Report check(
            Collection<String> acceptedNotificationIds,
            Function<String, Optional<LedgerEntry>> ledger,
            List<Outcome> observed,
            boolean strict) {
        Set<String> accepted = new LinkedHashSet<>(acceptedNotificationIds);
        Map<String, List<Outcome>> byId = new HashMap<>();
        int duplicates = 0;
        for (Outcome o : observed) {
            List<Outcome> seen = byId.computeIfAbsent(o.notificationId(), k -> new ArrayList<>());
            if (seen.contains(o)) {
                duplicates++;
            } else {
                seen.add(o);
            }
        }
        List<Violation> violations = new ArrayList<>();
        Map<OutcomeType, Integer> counts = new EnumMap<>(OutcomeType.class);
        for (String id : accepted) {
            List<Outcome> outcomes = byId.getOrDefault(id, List.of());
            Set<OutcomeType> terminal = outcomes.stream()
                    .map(Outcome::outcome)
                    .filter(OutcomeType::isTerminal)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            long terminalMessages =
                    outcomes.stream().filter(o -> o.outcome().isTerminal()).count();
            long deliveredMessages = outcomes.stream()
                    .filter(o -> o.outcome() == OutcomeType.DELIVERED)
                    .count();
            Optional<LedgerEntry> entry = ledger.apply(id);
            if (entry.isEmpty()) {
                violations.add(new Violation(id, NO_LEDGER_ROW));
            } else {
                NotificationState state = entry.get().state();
                if (!state.isTerminal()) {
                    violations.add(new Violation(id, "ledger state " + state + " is not terminal"));
                } else if (entry.get().outcomePending()
                        && !(state == NotificationState.UNAVAILABLE
                                && entry.get().record().enteredAt(NotificationState.DELIVERED) == null
                                && terminal.contains(OutcomeType.UNAVAILABLE))) {
                    violations.add(new Violation(id, "ledger outcome " + state + " was never marked published"));
                }
                if (state.isTerminal() && terminal.size() == 1) {
                    OutcomeType expected = state.outcome().orElseThrow();
                    if (terminal.iterator().next() != expected) {
                        violations.add(new Violation(
                                id,
                                "ledger says " + expected + " but call-outcomes says "
                                        + terminal.iterator().next()));
                    }
                }
                boolean passedDelivered = entry.get().record().enteredAt(NotificationState.DELIVERED) != null;
                if (passedDelivered != (deliveredMessages > 0)) {
                    violations.add(new Violation(
                            id,
                            passedDelivered
                                    ? "ledger was DELIVERED but no Delivered outcome was published"
                                    : "Delivered published but the ledger never was DELIVERED"));
                }
            }
            if (terminal.isEmpty()) {
                violations.add(new Violation(id, NO_TERMINAL_OUTCOME));
            } else if (terminal.size() > 1 || terminalMessages > 1) {
                violations.add(new Violation(
                        id,
                        "more than one terminal outcome on call-outcomes: "
                                + outcomes.stream()
                                        .filter(o -> o.outcome().isTerminal())
                                        .map(o -> o.outcome() + "@" + o.at())
                                        .toList()));
            }
            if (deliveredMessages > 1) {
                violations.add(new Violation(
                        id, "Delivered published " + deliveredMessages + " times with different content"));
            }
            if (terminal.size() == 1) {
                counts.merge(terminal.iterator().next(), 1, Integer::sum);
            }
        }
        Map<String, Set<String>> acceptedByCall = new HashMap<>();
        for (String id : accepted) {
            boolean acceptedHere =
                    byId.getOrDefault(id, List.of()).stream().anyMatch(o -> o.outcome() == OutcomeType.ACCEPTED)
                            || ledger.apply(id)
                                    .map(e -> e.state() == NotificationState.ACCEPTED)
                                    .orElse(false);
            if (acceptedHere && NotificationId.isValid(id)) {
                acceptedByCall
                        .computeIfAbsent(NotificationId.parse(id).callId(), k -> new java.util.TreeSet<>())
                        .add(id);
            }
        }
        acceptedByCall.forEach((callId, ids) -> {
            if (ids.size() > 1) {
                violations.add(new Violation(callId, "call accepted more than once (ring group): " + ids));
            }
        });
        if (strict) {
            byId.keySet().stream()
                    .filter(id -> !accepted.contains(id))
                    .sorted()
                    .forEach(id ->
                            violations.add(new Violation(id, "outcome for a notification that was never accepted")));
        }
        return new Report(accepted.size(), duplicates, counts, violations);
    }
}
