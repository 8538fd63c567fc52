package io.cifpipe.runtime.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.agent.MissedCall;
import io.cifpipe.model.ledger.AvailabilityReason;
import io.cifpipe.testsupport.Azurite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Agents table on Azurite: ETag'd read-modify-write, presence's merges, the missed-calls list. */
class AgentDirectoryTest {
    final AgentDirectory agents = new AgentDirectory(Azurite.freshTable("Agents"));
    final Instant t = Instant.parse("2026-01-01T09:00:00Z");

    @Test
    void concurrentCallStartsOnSeveralInstancesAreAllCountedAndPresenceMergesSurvive() throws Exception {
        agents.connected("a", t);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String callId = "call-" + i;
                done.add(pool.submit(() -> agents.update("a", s -> s.withCallStarted(callId, t))));
            }
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(agents.read("a").activeCallCount()).as("no lost update").isEqualTo(8);
        assertThat(agents.read("a").lastConnectedAt()).isEqualTo(t);
        var change = agents.update("a", s -> s.withCallEnded("call-3", AvailabilityReason.CALL_ENDED));
        assertThat(change.changed()).isTrue();
        assertThat(agents.update("a", s -> s.withCallEnded("call-3", AvailabilityReason.CALL_ENDED))
                        .changed())
                .isFalse();
        assertThat(agents.findWithCallsStartedBefore(t.plusSeconds(1)))
                .extracting(s -> s.agentId())
                .containsExactly("a");
        assertThat(agents.findWithCallsStartedBefore(t)).isEmpty();
    }

    @Test
    void missedCallsAreNewestFirstIdempotentAndCappedAtFifty() {
        for (int i = 0; i < 53; i++) {
            agents.recordMissedCall(
                    "m", new MissedCall("n1~c" + i + "~m", "c" + i, "Caller " + i, "q", t.plusSeconds(i), null));
        }
        agents.recordMissedCall("m", new MissedCall("n1~c52~m", "c52", "Caller 52", "q", t.plusSeconds(52), null));
        List<MissedCall> list = agents.missedCalls("m", 100);
        assertThat(list).hasSize(MissedCall.MAX_KEPT);
        assertThat(list.get(0).callId()).isEqualTo("c52");
        assertThat(list.get(49).callId()).isEqualTo("c3");
        assertThat(agents.read("m").activeCallCount())
                .as("missed rows are not the state row")
                .isZero();
    }
}
