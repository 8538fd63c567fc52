package io.cifpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationsAndFilterTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void parsesShortAndIsoDurations() {
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse(null)).isNull();
        assertThatThrownBy(() -> Durations.parse("soon"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void filterMatchesOnEveryField() {
        DeadLetterEntry e = entry("MaxDeliveryCountExceeded", "call-1", "alice", NOW.minus(Duration.ofMinutes(30)));
        assertThat(DeadLetterFilter.all().matches(e, NOW)).isTrue();
        assertThat(filter("maxdeliverycountexceeded", null, null, null, null).matches(e, NOW))
                .isTrue();
        assertThat(filter("TTLExpiredException", null, null, null, null).matches(e, NOW))
                .isFalse();
        assertThat(filter(null, "call-2", null, null, null).matches(e, NOW)).isFalse();
        assertThat(filter(null, "call-1", "alice", null, null).matches(e, NOW)).isTrue();
        assertThat(filter(null, null, "bob", null, null).matches(e, NOW)).isFalse();
        assertThat(filter(null, null, null, Duration.ofMinutes(10), null).matches(e, NOW))
                .isTrue();
        assertThat(filter(null, null, null, Duration.ofHours(1), null).matches(e, NOW))
                .isFalse();
        assertThat(filter(null, null, null, null, Duration.ofMinutes(10)).matches(e, NOW))
                .isFalse();
        assertThat(filter(null, null, null, null, Duration.ofHours(1)).matches(e, NOW))
                .isTrue();
    }

    @Test
    void limitMustBePositive() {
        assertThatThrownBy(() -> new DeadLetterFilter(null, null, null, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--limit");
    }

    @Test
    void replayCountIsReadFromNumberOrText() {
        assertThat(DeadLetterEntry.replayCountOf(Map.of("replayCount", 2))).isEqualTo(2);
        assertThat(DeadLetterEntry.replayCountOf(Map.of("replayCount", "3"))).isEqualTo(3);
        assertThat(DeadLetterEntry.replayCountOf(Map.of("replayCount", "x"))).isZero();
        assertThat(DeadLetterEntry.replayCountOf(Map.of())).isZero();
    }

    @Test
    void tableShowsEveryColumnAndCount() {
        String table = Render.table(
                java.util.List.of(entry("TTLExpiredException", "call-9", "bob", NOW.minusSeconds(45))), NOW);
        assertThat(table)
                .contains("SEQ", "REASON", "call-9", "bob", "TTLExpiredException", "45s", "1 dead-lettered message(s)");
    }

    private static DeadLetterFilter filter(String reason, String call, String agent, Duration older, Duration newer) {
        return new DeadLetterFilter(reason, call, agent, older, newer, 10);
    }

    private static DeadLetterEntry entry(String reason, String call, String agent, Instant enqueued) {
        return new DeadLetterEntry(
                7,
                "m-1",
                call,
                agent,
                "call.offered",
                reason,
                "why",
                enqueued,
                5,
                0,
                Map.of("callId", call, "agentId", agent),
                "{\"a\":1}");
    }
}
