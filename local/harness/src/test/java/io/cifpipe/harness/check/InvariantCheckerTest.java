package io.cifpipe.harness.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.runtime.tables.LedgerEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InvariantCheckerTest {
    final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    final Map<String, LedgerEntry> ledger = new HashMap<>();
    final List<Outcome> outcomes = new ArrayList<>();

    /** Builds a ledger row that went through {@code path} and the outcomes it published. */
    String notification(String callId, String agentId, boolean publishOutcomes, NotificationState... path) {
        var n = new Notification(
                NotificationId.of(callId, agentId),
                callId,
                agentId,
                null,
                null,
                null,
                null,
                Map.of(),
                t0,
                t0.plusSeconds(30),
                null);
        NotificationRecord r = NotificationRecord.offered(n, "e-" + callId);
        NotificationState published = null;
        int s = 1;
        for (NotificationState next : path) {
            r = r.moveTo(next, t0.plusSeconds(s++), null, null);
            if (publishOutcomes) {
                outcomes.add(r.toOutcome());
                published = next;
            }
        }
        ledger.put(r.notificationId(), new LedgerEntry(r, List.of(), published, "etag"));
        return r.notificationId();
    }

    InvariantChecker.Report check(List<String> accepted) {
        return InvariantChecker.check(accepted, id -> Optional.ofNullable(ledger.get(id)), outcomes, true);
    }

    @Test
    void healthyRunPassesAndToleratesIdenticalDuplicates() {
        String a = notification("c1", "a1", true, NotificationState.DELIVERED, NotificationState.ACCEPTED);
        String b = notification("c2", "a1", true, NotificationState.UNDELIVERABLE);
        outcomes.add(outcomes.get(outcomes.size() - 1)); // redelivered outcome message

        var report = check(List.of(a, b));
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.byOutcome())
                .containsEntry(OutcomeType.ACCEPTED, 1)
                .containsEntry(OutcomeType.UNDELIVERABLE, 1);
    }

    @Test
    void detectsMissingRowsOpenStatesMissingAndConflictingOutcomes() {
        String open = notification("c3", "a1", true, NotificationState.DELIVERED);
        String unpublished = notification("c4", "a1", false, NotificationState.WITHDRAWN);
        String conflicting = notification("c5", "a1", true, NotificationState.DELIVERED, NotificationState.ACCEPTED);
        outcomes.add(Outcome.of("c5", "a1", OutcomeType.EXPIRED, t0.plusSeconds(40), null, null, 40_000L));
        outcomes.add(Outcome.of("c9", "a9", OutcomeType.WITHDRAWN, t0, null, null, 0L));

        var report = check(List.of(open, unpublished, conflicting, NotificationId.of("c6", "a1")));

        assertThat(report.ok()).isFalse();
        assertThat(report.violations())
                .extracting(InvariantChecker.Violation::toString)
                .anySatisfy(v -> assertThat(v).contains("c3").contains("not terminal"))
                .anySatisfy(v -> assertThat(v).contains("c4").contains("never marked published"))
                .anySatisfy(v -> assertThat(v).contains("c4").contains("no terminal outcome"))
                .anySatisfy(v -> assertThat(v).contains("c5").contains("more than one terminal outcome"))
                .anySatisfy(v -> assertThat(v).contains("c6").contains("no ledger row"))
                .anySatisfy(v -> assertThat(v).contains("c9").contains("never accepted"));
    }

    @Test
    void ledgerAndQueueMustAgree() {
        String id = notification("c7", "a1", false, NotificationState.DELIVERED, NotificationState.REJECTED);
        ledger.put(id, ledger.get(id).withPublished(NotificationState.REJECTED));
        outcomes.add(Outcome.of("c7", "a1", OutcomeType.ACCEPTED, t0, null, null, 1L));

        var report = check(List.of(id));
        assertThat(report.violations())
                .extracting(InvariantChecker.Violation::problem)
                .anySatisfy(p -> assertThat(p).contains("ledger says Rejected but call-outcomes says Accepted"))
                .anySatisfy(p -> assertThat(p).contains("no Delivered outcome"));
    }

    @Test
    void reportNamesLostAndPassedNotifications() {
        String fine = notification("c10", "a1", true, NotificationState.UNDELIVERABLE);
        String lost = notification("c11", "a1", false, NotificationState.UNDELIVERABLE);
        String open = notification("c12", "a1", true, NotificationState.DELIVERED);

        var report = check(List.of(fine, lost, open));
        assertThat(report.lost())
                .as("an open row has no terminal outcome either")
                .containsExactly(lost, open);
        assertThat(report.violating()).containsExactlyInAnyOrder(lost, open);
        assertThat(report.passed()).isEqualTo(1);
        var excused = report.without(v -> v.notificationId().equals(open));
        assertThat(excused.violating()).containsExactly(lost);
        assertThat(excused.passed()).isEqualTo(2);
    }

    @Test
    void anUnavailableOfferIsTerminalAndItsTriggerIsTheOutbox() {
        String u = notification("c-u", "a1", true, NotificationState.UNAVAILABLE);
        LedgerEntry e = ledger.get(u);
        ledger.put(u, new LedgerEntry(e.record(), List.of(), null, "etag")); // the hot path marks nothing
        var report = check(List.of(u));
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.byOutcome()).containsEntry(OutcomeType.UNAVAILABLE, 1);
        outcomes.clear();
        assertThat(check(List.of(u)).lost()).containsExactly(u);
    }

    @Test
    void atMostOneAcceptedPerCall() {
        String a = notification("c-rg", "a1", true, NotificationState.DELIVERED, NotificationState.ACCEPTED);
        String b = notification("c-rg", "a2", true, NotificationState.DELIVERED, NotificationState.WITHDRAWN);
        assertThat(check(List.of(a, b)).ok()).isTrue();
        String c = notification("c-rg", "a3", true, NotificationState.DELIVERED, NotificationState.ACCEPTED);
        var report = check(List.of(a, b, c));
        assertThat(report.violations()).singleElement().satisfies(v -> {
            assertThat(v.notificationId()).isEqualTo("c-rg");
            assertThat(v.problem()).contains("accepted more than once");
        });
    }
}
