package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cifpipe.host.timer.NCronTab;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class NCronTabTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 11, 26, 10, 7, 13); // a Thursday

    private static LocalDateTime next(String expr, LocalDateTime after) {
        return NCronTab.parse(expr).next(after).orElseThrow();
    }

    @Test
    void everyFiveMinutesAtSecondZero() {
        assertThat(next("0 */5 * * * *", T0)).isEqualTo(LocalDateTime.of(2026, 11, 26, 10, 10, 0));
        assertThat(next("0 */5 * * * *", LocalDateTime.of(2026, 11, 26, 10, 10, 0)))
                .as("strictly after")
                .isEqualTo(LocalDateTime.of(2026, 11, 26, 10, 15, 0));
    }

    @Test
    void everyFiveSeconds() {
        assertThat(next("*/5 * * * * *", T0)).isEqualTo(T0.withSecond(15));
    }

    @Test
    void rangesListsAndStepsOnRanges() {
        assertThat(next("0 0 9-17/4 * * *", T0)).isEqualTo(LocalDateTime.of(2026, 11, 26, 13, 0, 0));
        assertThat(next("0 15,45 * * * *", T0)).isEqualTo(LocalDateTime.of(2026, 11, 26, 10, 15, 0));
        assertThat(next("30 0 0 * * *", T0)).isEqualTo(LocalDateTime.of(2026, 11, 27, 0, 0, 30));
    }

    @Test
    void weekdaysAndMonthsByNumberAndName() {
        // Next Monday 09:30 after Thursday 26 Nov 2026 is 30 Nov.
        assertThat(next("0 30 9 * * 1", T0)).isEqualTo(LocalDateTime.of(2026, 11, 30, 9, 30, 0));
        assertThat(next("0 30 9 * * Mon", T0)).isEqualTo(LocalDateTime.of(2026, 11, 30, 9, 30, 0));
        assertThat(next("0 0 0 * * 0", T0)).isEqualTo(LocalDateTime.of(2026, 11, 29, 0, 0, 0));
        assertThat(next("0 0 0 * * 7", T0)).as("7 is Sunday too").isEqualTo(LocalDateTime.of(2026, 11, 29, 0, 0, 0));
        assertThat(next("0 0 0 1 jan *", T0)).isEqualTo(LocalDateTime.of(2027, 1, 1, 0, 0, 0));
        assertThat(next("0 0 12 * * 1-5", LocalDateTime.of(2026, 11, 28, 13, 0)))
                .isEqualTo(LocalDateTime.of(2026, 11, 30, 12, 0));
    }

    @Test
    void dayAndWeekdayMustBothMatch() {
        // The 13th that is a Friday: November 2026 has Friday 13th.
        assertThat(next("0 0 0 13 * 5", LocalDateTime.of(2026, 1, 1, 0, 0)))
                .isEqualTo(LocalDateTime.of(2026, 2, 13, 0, 0));
    }

    @Test
    void leapDay() {
        assertThat(next("0 0 0 29 2 *", T0)).isEqualTo(LocalDateTime.of(2028, 2, 29, 0, 0));
    }

    @Test
    void fiveFieldsMeanSecondZeroAndTimeSpanIsAnInterval() {
        assertThat(next("*/10 * * * *", T0)).isEqualTo(LocalDateTime.of(2026, 11, 26, 10, 10, 0));
        assertThat(next("00:00:30", T0)).isEqualTo(T0.plusSeconds(30));
        assertThat(next("1.00:00:00", T0)).isEqualTo(T0.plusDays(1));
    }

    @Test
    void impossibleScheduleHasNoOccurrence() {
        assertThat(NCronTab.parse("0 0 0 30 2 *").next(T0)).isEmpty();
    }

    @Test
    void badExpressionsNameTheField() {
        assertThatThrownBy(() -> NCronTab.parse("0 */5 * * *  * *")).hasMessageContaining("6 fields");
        assertThatThrownBy(() -> NCronTab.parse("0 61 * * * *")).hasMessageContaining("minute");
        assertThatThrownBy(() -> NCronTab.parse("0 0 25 * * *")).hasMessageContaining("hour");
        assertThatThrownBy(() -> NCronTab.parse("0 0 0 * foo *")).hasMessageContaining("month");
        assertThatThrownBy(() -> NCronTab.parse("*/0 * * * * *")).hasMessageContaining("step");
        assertThatThrownBy(() -> NCronTab.parse("")).hasMessageContaining("empty");
    }
}
