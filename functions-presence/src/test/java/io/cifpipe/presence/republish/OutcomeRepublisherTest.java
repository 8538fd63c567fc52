package io.cifpipe.presence.republish;

import static io.cifpipe.presence.testing.Fixture.decide;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.presence.testing.Fixture;
import io.cifpipe.presence.upstream.DecisionService;
import io.cifpipe.runtime.servicebus.MessageIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The republisher against the real ledger on Azurite (filters, paging, ETag writes) and captured outcomes. */
class OutcomeRepublisherTest {
    static final String AGENT = "agent-oid-1";

    final Fixture f = new Fixture();
    final DecisionService decisions =
            new DecisionService(f.ledger, f.claim, f.agents, f.registry, f.signalRClient, f.outcomes, 1, f.clock);

    @AfterEach
    void close() {
        f.close();
    }

    /** A republisher whose clock runs {@code ahead} of the decisions (decide uses the real clock). */
    OutcomeRepublisher republisher(Duration ahead) {
        return republisher(ahead, UnpublishedDecisionScan.Limits.DEFAULT, OutcomeRepublisher.Limits.DEFAULT);
    }

    OutcomeRepublisher republisher(
            Duration ahead, UnpublishedDecisionScan.Limits scan, OutcomeRepublisher.Limits limits) {
        return new OutcomeRepublisher(
                new UnpublishedDecisionScan(f.notifications, scan),
                f.ledger,
                f.outcomes,
                Clock.offset(Clock.systemUTC(), ahead),
                limits);
    }

    /** A ringing notification whose Delivered dispatch published and recorded (the common case). */
    NotificationRecord deliveredAndPublished() {
        NotificationRecord n = f.ringing(AGENT);
        f.ledger.markPublished(n.callId(), AGENT, NotificationState.DELIVERED);
        return n;
    }

    /** decide while Service Bus fails the next {@code failures} sends; the client never retries. */
    void decideDuringOutage(NotificationRecord n, String decision, int failures) {
        f.sender.failNext.set(failures);
        assertThatThrownBy(() -> decisions.decide(decide(AGENT, "tab-a", n.notificationId(), decision)))
                .hasMessageContaining("Service Bus");
        f.sender.failNext.set(0);
        assertThat(f.entry(n).outcomePending()).isTrue();
    }

    static String messageId(NotificationRecord n, OutcomeType t) {
        return MessageIds.outcome(n.notificationId(), t.wireName());
    }

    List<String> messageIdsFor(NotificationRecord n) {
        return f.sender.messages.stream()
                .filter(m ->
                        Outcome.fromJson(m.getBody().toBytes()).notificationId().equals(n.notificationId()))
                .map(ServiceBusMessage::getMessageId)
                .toList();
    }

    @Test
    void anUnretriedDecisionIsPublishedOnceWithDecidesMessageIdAndMarked() {
        NotificationRecord n = deliveredAndPublished();
        decideDuringOutage(n, "accept", 1);
        assertThat(f.sender.messages).isEmpty();

        OutcomeRepublisher.Report report = republisher(Duration.ofSeconds(30)).run();

        assertThat(report.republished()).isEqualTo(1);
        assertThat(report.failed()).isZero();
        assertThat(report.truncated()).isFalse();
        assertThat(f.sender.outcomesFor(n.notificationId())).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(OutcomeType.ACCEPTED);
            assertThat(o.connectionId()).isEqualTo("tab-a");
            assertThat(o.at()).isEqualTo(f.entry(n).record().enteredAt(NotificationState.ACCEPTED));
        });
        assertThat(messageIdsFor(n)).containsExactly(messageId(n, OutcomeType.ACCEPTED));
        assertThat(f.sender.messages.get(0).getApplicationProperties()).containsEntry("traceparent", n.traceparent());
        assertThat(f.entry(n).published()).isEqualTo(NotificationState.ACCEPTED);

        // The next run finds nothing: a marked row is not even a candidate.
        OutcomeRepublisher.Report again = republisher(Duration.ofSeconds(60)).run();
        assertThat(again.candidates()).isZero();
        assertThat(again.republished()).isZero();
        assertThat(f.sender.outcomesFor(n.notificationId())).hasSize(1);
    }

    @Test
    void aDecisionOnAnOfferedRowWhoseDeliveredAlsoFailedGetsDeliveredThenTheDecision() {
        Instant now = f.clock.instant();
        NotificationRecord n =
                f.notification(AGENT, NotificationState.OFFERED, now.minusSeconds(1), now.plusSeconds(30));
        decideDuringOutage(n, "reject", 1); // the Delivered send fails: nothing went out
        assertThat(f.entry(n).published()).isNull();

        assertThat(republisher(Duration.ofSeconds(30)).run().republished()).isEqualTo(1);

        assertThat(f.sender.outcomesFor(n.notificationId()))
                .extracting(Outcome::outcome)
                .containsExactly(OutcomeType.DELIVERED, OutcomeType.REJECTED);
        assertThat(messageIdsFor(n))
                .containsExactly(messageId(n, OutcomeType.DELIVERED), messageId(n, OutcomeType.REJECTED));
        assertThat(f.entry(n).published()).isEqualTo(NotificationState.REJECTED);
    }

    @Test
    void aDecisionWhoseDispatchDeliveredWasNeverRecordedAlsoOwesDelivered() {
        NotificationRecord n = f.ringing(AGENT); // DELIVERED, but dispatch's Delivered publish was not recorded
        decideDuringOutage(n, "accept", 1);

        republisher(Duration.ofSeconds(30)).run();

        // Delivered again with dispatch's MessageId: a duplicate if dispatch's send did go out, dropped/de-duplicated.
        assertThat(messageIdsFor(n))
                .containsExactly(messageId(n, OutcomeType.DELIVERED), messageId(n, OutcomeType.ACCEPTED));
    }

    @Test
    void withinThePublishGraceNothingIsTouched() {
        NotificationRecord n = deliveredAndPublished();
        decideDuringOutage(n, "accept", 1);

        OutcomeRepublisher.Report report =
                republisher(Duration.ZERO).run(); // decided just now: decide may still be publishing

        assertThat(report.republished()).isZero();
        assertThat(f.sender.messages).isEmpty();
        assertThat(f.entry(n).outcomePending()).isTrue();
    }

    @Test
    void publishedOpenAndOtherTerminalRowsAreLeftAlone() {
        NotificationRecord published = deliveredAndPublished();
        decisions.decide(decide(AGENT, "tab-a", published.notificationId(), "accept"));
        NotificationRecord open = f.ringing(AGENT);
        NotificationRecord expired =
                f.ringing(AGENT); // dispatch's terminal outcome, unpublished: dispatch owns its retry
        f.ledger.moveTo(
                expired.callId(),
                AGENT,
                NotificationState.EXPIRED,
                f.clock.instant().minusSeconds(60),
                null,
                null);
        f.sender.messages.clear();

        OutcomeRepublisher.Report report = republisher(Duration.ofSeconds(30)).run();

        assertThat(report.candidates()).isZero();
        assertThat(report.republished()).isZero();
        assertThat(f.sender.messages).isEmpty();
        assertThat(f.entry(open).state()).isEqualTo(NotificationState.DELIVERED);
        assertThat(f.entry(expired).outcomePending()).isTrue();
    }

    @Test
    void whileServiceBusIsStillDownTheRunStopsAtTheFirstFailureAndALaterRunFinishes() {
        NotificationRecord a = deliveredAndPublished();
        NotificationRecord b = deliveredAndPublished();
        decideDuringOutage(a, "accept", 1);
        decideDuringOutage(b, "reject", 1);

        f.sender.failNext.set(5);
        OutcomeRepublisher.Report down = republisher(Duration.ofSeconds(30)).run();
        assertThat(down.candidates()).isEqualTo(2);
        assertThat(down.republished()).isZero();
        assertThat(down.failed()).isEqualTo(1);
        assertThat(down.truncated()).isTrue();
        assertThat(f.sender.failNext.get())
                .as("one send attempted, then the run ended")
                .isEqualTo(4);
        assertThat(f.entry(a).outcomePending()).isTrue();
        assertThat(f.entry(b).outcomePending()).isTrue();

        f.sender.failNext.set(0);
        assertThat(republisher(Duration.ofSeconds(60)).run().republished()).isEqualTo(2);
        assertThat(f.sender.outcomes())
                .extracting(Outcome::outcome)
                .containsExactlyInAnyOrder(OutcomeType.ACCEPTED, OutcomeType.REJECTED);
    }

    @Test
    void rowsWithoutAnyPublishedStateAreFoundOnlyWithinTheLookbackOthersAtAnyAge() {
        NotificationRecord markedDelivered = deliveredAndPublished();
        NotificationRecord neverMarked = f.ringing(AGENT);
        decideDuringOutage(markedDelivered, "accept", 1);
        decideDuringOutage(neverMarked, "accept", 1);

        // Five minutes later with a one-minute lookback: the never-marked row is out of the window (documented limit).
        OutcomeRepublisher.Report report = republisher(
                        Duration.ofMinutes(5),
                        UnpublishedDecisionScan.Limits.DEFAULT,
                        new OutcomeRepublisher.Limits(Duration.ofMinutes(1), 500))
                .run();

        assertThat(report.republished()).isEqualTo(1);
        assertThat(f.entry(markedDelivered).outcomePending()).isFalse();
        assertThat(f.entry(neverMarked).outcomePending()).isTrue();
        // With the default hour it is found.
        assertThat(republisher(Duration.ofMinutes(5)).run().republished()).isEqualTo(1);
        assertThat(f.entry(neverMarked).outcomePending()).isFalse();
    }

    @Test
    void pagesAreFollowedAndThePerRunCapIsReportedAsTruncatedAndLaterRunsCatchUp() {
        List<NotificationRecord> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            NotificationRecord n = deliveredAndPublished();
            decideDuringOutage(n, "accept", 1);
            rows.add(n);
        }
        var pagesOfTwo = new UnpublishedDecisionScan.Limits(2, 1000);
        var twoPerRun = new OutcomeRepublisher.Limits(Duration.ofHours(1), 2);

        OutcomeRepublisher.Report first =
                republisher(Duration.ofSeconds(30), pagesOfTwo, twoPerRun).run();
        assertThat(first.scanned()).as("three pages read").isEqualTo(5);
        assertThat(first.candidates()).isEqualTo(5);
        assertThat(first.republished()).isEqualTo(2);
        assertThat(first.truncated()).isTrue();

        int runs = 1;
        while (rows.stream().anyMatch(n -> f.entry(n).outcomePending()) && runs < 10) {
            republisher(Duration.ofSeconds(30), pagesOfTwo, twoPerRun).run();
            runs++;
        }
        assertThat(rows).allSatisfy(n -> assertThat(f.entry(n).outcomePending()).isFalse());
        assertThat(f.sender.outcomes()).hasSize(5);
        assertThat(runs).isEqualTo(3);
    }

    @Test
    void theScanStopsAtItsRowLimitAndSaysSo() {
        for (int i = 0; i < 4; i++) {
            decideDuringOutage(deliveredAndPublished(), "reject", 1);
        }
        OutcomeRepublisher.Report report = republisher(
                        Duration.ofSeconds(30),
                        new UnpublishedDecisionScan.Limits(2, 3),
                        OutcomeRepublisher.Limits.DEFAULT)
                .run();
        assertThat(report.scanned()).isEqualTo(3);
        assertThat(report.republished()).isEqualTo(3);
        assertThat(report.truncated()).isTrue();
    }

    /** A late client retry and the republisher at once: at most a duplicate with the same MessageId, row marked. */
    @Test
    void aConcurrentDecideRetryOnlyEverRepeatsTheSameMessageId() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 5; i++) {
                NotificationRecord n = deliveredAndPublished();
                decideDuringOutage(n, "accept", 1);
                OutcomeRepublisher republisher = republisher(Duration.ofSeconds(30));
                CountDownLatch go = new CountDownLatch(1);
                Future<?> retry = pool.submit(() -> {
                    go.await();
                    return decisions.decide(decide(AGENT, "tab-a", n.notificationId(), "accept"));
                });
                Future<?> run = pool.submit(() -> {
                    go.await();
                    return republisher.run();
                });
                go.countDown();
                retry.get(20, TimeUnit.SECONDS);
                run.get(20, TimeUnit.SECONDS);

                assertThat(messageIdsFor(n)).isNotEmpty().containsOnly(messageId(n, OutcomeType.ACCEPTED));
                assertThat(f.entry(n).published()).isEqualTo(NotificationState.ACCEPTED);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theFilterNamesTheDecisionStatesTheirTimestampsAndTheOutboxMarker() {
        String filter = UnpublishedDecisionScan.filter(
                Instant.parse("2026-11-26T12:00:00Z"), Instant.parse("2026-11-26T12:59:50Z"));
        assertThat(filter)
                .isEqualTo("(State eq 'ACCEPTED' and AcceptedAt le datetime'2026-11-26T12:59:50Z' and "
                        + "(PublishedState eq 'DELIVERED' or AcceptedAt ge datetime'2026-11-26T12:00:00Z')) or "
                        + "(State eq 'REJECTED' and RejectedAt le datetime'2026-11-26T12:59:50Z' and "
                        + "(PublishedState eq 'DELIVERED' or RejectedAt ge datetime'2026-11-26T12:00:00Z'))");
    }
}
