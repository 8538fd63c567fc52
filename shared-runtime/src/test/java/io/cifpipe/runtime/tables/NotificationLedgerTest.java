package io.cifpipe.runtime.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.testsupport.Azurite;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real Azurite: ETags, 409/412 and OData filters are the emulator's, not ours. */
class NotificationLedgerTest {
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private NotificationLedger ledger;

    @BeforeEach
    void table() {
        ledger = new NotificationLedger(Azurite.freshTable("Notif"), Clock.fixed(now, ZoneOffset.UTC));
    }

    private NotificationRecord offer(String callId, String agentId, Instant offeredAt, int ringSeconds) {
        var n = new Notification(
                NotificationId.of(callId, agentId),
                callId,
                agentId,
                "+4930123456",
                "Ada",
                "+4930999",
                "sales",
                Map.of("crm", "42"),
                offeredAt,
                offeredAt.plusSeconds(ringSeconds),
                null);
        return NotificationRecord.offered(n, "evt-" + callId + "-" + agentId);
    }

    @Test
    void createIsIdempotentAndKeepsTheFirstRow() {
        var first = ledger.createIfAbsent(offer("call-1", "agent-1", now, 30));
        assertThat(first.created()).isTrue();
        assertThat(first.entry().etag()).isNotBlank();

        var second = ledger.createIfAbsent(offer("call-1", "agent-1", now.plusSeconds(5), 99));
        assertThat(second.created()).isFalse();
        assertThat(second.entry().record().expiresAt()).isEqualTo(now.plusSeconds(30));
        assertThat(second.entry().record().customerContext()).containsEntry("crm", "42");
    }

    @Test
    void transitionsFollowTheStateMachineAndRecordConnections() {
        ledger.createIfAbsent(offer("call-1", "agent-1", now, 30));
        var delivered = ledger.update("call-1", "agent-1", e -> e.withRecord(
                                e.record().moveTo(NotificationState.DELIVERED, now, "c1", null))
                        .withDeliveredTo(List.of("c1", "c2")))
                .orElseThrow();
        assertThat(delivered.changed()).isTrue();

        var accepted = ledger.moveTo("call-1", "agent-1", NotificationState.ACCEPTED, now.plusSeconds(2), "c2", "ok")
                .orElseThrow();
        assertThat(accepted.changed()).isTrue();
        var late = ledger.moveTo("call-1", "agent-1", NotificationState.WITHDRAWN, now.plusSeconds(3), null, "ended")
                .orElseThrow();
        assertThat(late.changed()).isFalse();

        LedgerEntry stored = ledger.get(NotificationId.of("call-1", "agent-1")).orElseThrow();
        assertThat(stored.state()).isEqualTo(NotificationState.ACCEPTED);
        assertThat(stored.deliveredTo()).containsExactly("c1", "c2");
        assertThat(stored.record().enteredAt(NotificationState.DELIVERED)).isEqualTo(now);
        assertThat(stored.record().enteredAt(NotificationState.ACCEPTED)).isEqualTo(now.plusSeconds(2));
        assertThat(stored.outcomePending()).isTrue();

        ledger.markPublished("call-1", "agent-1", NotificationState.ACCEPTED);
        assertThat(ledger.get("call-1", "agent-1").orElseThrow().outcomePending())
                .isFalse();
        assertThat(ledger.moveTo("nope", "agent-1", NotificationState.EXPIRED, now, null, null))
                .isEmpty();
    }

    @Test
    void updateFromAKnownEntryWritesWithItsEtagAndFallsBackWhenTheRowMovedOn() {
        var created = ledger.createIfAbsent(offer("call-4", "agent-1", now, 30)).entry();
        assertThat(created.etag())
                .isEqualTo(ledger.get("call-4", "agent-1").orElseThrow().etag());
        // fresh ETag: written directly, and the result carries the new ETag for the next step
        var delivered = ledger.update(
                        created, e -> e.withRecord(e.record().moveTo(NotificationState.DELIVERED, now, "c1", null))
                                .withDeliveredTo(List.of("c1")))
                .orElseThrow();
        assertThat(delivered.changed()).isTrue();
        assertThat(delivered.before().state()).isEqualTo(NotificationState.OFFERED);
        assertThat(delivered.after().etag()).isNotBlank().isNotEqualTo(created.etag());
        ledger.markPublished(delivered.after());
        assertThat(ledger.get("call-4", "agent-1").orElseThrow().published()).isEqualTo(NotificationState.DELIVERED);

        // stale ETag (created): the 412 makes it re-read and apply the change to the current row, not the stale one
        var stale =
                ledger.update(created, e -> e.withDeliveredTo(List.of("c2"))).orElseThrow();
        assertThat(stale.changed()).isTrue();
        LedgerEntry stored = ledger.get("call-4", "agent-1").orElseThrow();
        assertThat(stored.state()).isEqualTo(NotificationState.DELIVERED);
        assertThat(stored.published()).isEqualTo(NotificationState.DELIVERED);
        assertThat(stored.deliveredTo()).containsExactly("c1", "c2");

        // a stale entry whose change is a no-op still gets the current row's verdict; a vanished row is empty
        assertThat(ledger.update(created, e -> e).orElseThrow().changed()).isFalse();
        assertThat(ledger.update(
                        LedgerEntry.of(offer("nope", "agent-1", now, 30)).withEtag(created.etag()),
                        e -> e.withPublished(NotificationState.OFFERED)))
                .isEmpty();
    }

    @Test
    void concurrentDecisionsHaveExactlyOneWinner() throws Exception {
        ledger.createIfAbsent(offer("call-2", "agent-1", now, 30));
        ledger.moveTo("call-2", "agent-1", NotificationState.DELIVERED, now, "c1", null);
        List<NotificationState> contenders = List.of(
                NotificationState.ACCEPTED,
                NotificationState.REJECTED,
                NotificationState.WITHDRAWN,
                NotificationState.EXPIRED,
                NotificationState.ACCEPTED,
                NotificationState.REJECTED);
        var pool = Executors.newFixedThreadPool(contenders.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (NotificationState s : contenders) {
                Callable<Boolean> task = () -> {
                    start.await(5, TimeUnit.SECONDS);
                    return ledger.moveTo("call-2", "agent-1", s, now.plusSeconds(1), null, s.name())
                            .orElseThrow()
                            .changed();
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
            assertThat(ledger.get("call-2", "agent-1").orElseThrow().state().isTerminal())
                    .isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void queriesByCallPendingAgentAndExpiry() {
        ledger.createIfAbsent(offer("call-3", "agent-1", now.minusSeconds(10), 30)); // open, running
        ledger.createIfAbsent(offer("call-3", "agent-2", now.minusSeconds(60), 30)); // open, past expiry
        ledger.createIfAbsent(offer("call-4", "agent-1", now.minusSeconds(5), 30)); // open, running
        ledger.createIfAbsent(offer("call-5", "agent-1", now.minusSeconds(5), 30));
        ledger.moveTo("call-5", "agent-1", NotificationState.WITHDRAWN, now, null, "ended"); // closed
        ledger.recordClosed("call-3", null, "call.ended", "evt-x", now); // tombstone is not a notification

        assertThat(ledger.findByCall("call-3"))
                .extracting(e -> e.record().agentId())
                .containsExactlyInAnyOrder("agent-1", "agent-2");
        assertThat(ledger.findPendingForAgent("agent-1"))
                .extracting(e -> e.record().callId())
                .containsExactlyInAnyOrder("call-3", "call-4");
        assertThat(ledger.findOpenPastExpiry(now))
                .extracting(LedgerEntry::notificationId)
                .containsExactly(NotificationId.of("call-3", "agent-2"));
    }

    @Test
    void callRowsListTheRingGroupAndSeeTheEndedMarkerOfTheAgentOrTheCall() {
        ledger.createFirstOfCall(LedgerEntry.of(offer("call-8", "agent-1", now, 30)));
        ledger.createIfAbsent(offer("call-8", "agent-2", now, 30));
        ledger.recordClosed("call-8", "agent-2", "abandoned", "evt-1", now); // tombstone and guard: no notifications
        ledger.recordEnded("call-8", "agent-2", now);

        NotificationLedger.CallRows one = ledger.callRows("call-8", "agent-1");
        assertThat(one.notifications()).extracting(e -> e.record().agentId()).containsExactly("agent-1", "agent-2");
        assertThat(one.endedFor()).as("agent-2's end is not agent-1's").isFalse();
        assertThat(ledger.callRows("call-8", "agent-2").endedFor()).isTrue();

        ledger.recordEnded("call-8", null, now); // the whole call
        assertThat(ledger.callRows("call-8", "agent-1").endedFor()).isTrue();
        assertThat(ledger.callRows("call-9", "agent-1"))
                .isEqualTo(new NotificationLedger.CallRows(java.util.List.of(), false));
    }

    @Test
    void tombstonesCoverTheWholeCallOrOneAgent() {
        assertThat(ledger.closedReason("call-6", "agent-1")).isEmpty();
        ledger.recordClosed("call-6", "agent-2", "abandoned", "evt-1", now);
        assertThat(ledger.closedReason("call-6", "agent-1")).isEmpty();
        assertThat(ledger.closedReason("call-6", "agent-2")).contains("abandoned");
        ledger.recordClosed("call-6", null, "call.answered", "evt-2", now);
        ledger.recordClosed("call-6", null, "second", "evt-3", now); // idempotent, first kept
        assertThat(ledger.closedReason("call-6", "agent-1")).contains("call.answered");
    }

    @Test
    void firstOfferOfACallIsOneTransactionThatEveryLaterOfferAndACloseMakeFail() {
        var delivered = LedgerEntry.of(
                offer("call-7", "agent-1", now, 30).moveTo(NotificationState.DELIVERED, now, null, null));
        var created = ledger.createFirstOfCall(delivered);
        assertThat(created).isPresent(); // (Azurite's batch answers carry no ETag; update(known, ...) then reads first)
        assertThat(ledger.get("call-7", "agent-1").orElseThrow().state()).isEqualTo(NotificationState.DELIVERED);
        // the guard is no notification: queries by call skip it
        assertThat(ledger.findByCall("call-7")).hasSize(1);

        // redelivery (row exists) and a ring group's second agent (guard exists): both take the general path,
        // and a failed transaction writes nothing
        assertThat(ledger.createFirstOfCall(delivered)).isEmpty();
        assertThat(ledger.createFirstOfCall(LedgerEntry.of(offer("call-7", "agent-2", now, 30))))
                .isEmpty();
        assertThat(ledger.get("call-7", "agent-2")).isEmpty();

        // ended before the first offer: its tombstone comes with the guard, so the offer cannot skip the tombstone
        // query
        ledger.recordClosed("call-8", "agent-1", "ended", "evt-e", now);
        assertThat(ledger.createFirstOfCall(LedgerEntry.of(offer("call-8", "agent-1", now, 30))))
                .isEmpty();
        assertThat(ledger.get("call-8", "agent-1")).isEmpty();
    }

    @Test
    void owedOutcomesPutAnUnrecordedDeliveredBeforeTheNextOutcome() {
        var offered = offer("call-9", "agent-1", now, 30);
        var delivered = offered.moveTo(NotificationState.DELIVERED, now.plusMillis(5), null, null);
        var withdrawn = delivered.moveTo(NotificationState.WITHDRAWN, now.plusSeconds(1), null, "ended");
        assertThat(LedgerEntry.of(offered).owedOutcomes()).isEmpty();
        assertThat(LedgerEntry.of(delivered).owedOutcomes())
                .extracting(o -> o.outcome().wireName())
                .containsExactly("Delivered");
        assertThat(LedgerEntry.of(withdrawn).owedOutcomes())
                .extracting(o -> o.outcome().wireName())
                .containsExactly("Delivered", "Withdrawn");
        assertThat(LedgerEntry.of(withdrawn).owedOutcomes().get(0))
                .isEqualTo(delivered.toOutcome()); // identical repeat
        assertThat(LedgerEntry.of(withdrawn)
                        .withPublished(NotificationState.DELIVERED)
                        .owedOutcomes())
                .extracting(o -> o.outcome().wireName())
                .containsExactly("Withdrawn");
        assertThat(LedgerEntry.of(withdrawn)
                        .withPublished(NotificationState.WITHDRAWN)
                        .owedOutcomes())
                .isEmpty();
        assertThat(LedgerEntry.of(offered.moveTo(NotificationState.UNDELIVERABLE, now, null, "gone"))
                        .owedOutcomes())
                .extracting(o -> o.outcome().wireName())
                .containsExactly("Undeliverable");
    }
}
