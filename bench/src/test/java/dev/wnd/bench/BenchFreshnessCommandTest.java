package dev.wnd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.fn.Splits;
import org.junit.jupiter.api.Test;

class BenchFreshnessCommandTest {

    /**
     * The features application merges displays and labels in event-time order: probe labels come through at once
     * only if probe displays and labels are produced in event-time order (a label released a second after its
     * display must not be later than the displays sent after it).
     */
    @Test
    void shouldGiveProbeDisplaysALiveEventClockInTheLastTrainingDay() {
        long start = 1_700_000_000_000L;
        long first = BenchFreshnessCommand.probeEventTime(start, start);
        long tenMinutesOn = BenchFreshnessCommand.probeEventTime(start, start + 600_000L);

        assertThat(tenMinutesOn - first).isEqualTo(600_000L);
        assertThat(BenchFreshnessCommand.probeEventTime(start, start + 100)).isGreaterThan(first);
        assertThat(FeatureFunctions.day(first)).isEqualTo(Splits.FIRST_ALL_VALIDATION_DAY - 1);
        assertThat(FeatureFunctions.day(tenMinutesOn)).isEqualTo(Splits.FIRST_ALL_VALIDATION_DAY - 1);
    }
}
