package dev.wnd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchScorerCommandTest {

    /** Only the answers at or above the p99 count, and each hop is their mean. */
    @Test
    void shouldBreakTheSlowestAnswersDownIntoTheirHops() {
        long[] latenciesMicros = {2_000, 3_000, 30_000, 12_000, 2_500};
        int[][] hops = {
            {1, 1, 20, 6, 1},   // to the scorer
            {1, 2, 8, 4, 1},    // in the scorer
            {0, 0, 2, 2, 0},    // to the client
        };

        Map<String, Object> tail = BenchScorerCommand.tailBreakdown(latenciesMicros, hops, 5, 12_000);

        assertThat(tail).containsEntry("answers", 2).containsEntry("to_scorer", 13.0)
                .containsEntry("in_scorer", 6.0).containsEntry("to_client", 2.0);
    }

    @Test
    void shouldReportNoHopsWhenNothingWasAnswered() {
        Map<String, Object> tail = BenchScorerCommand.tailBreakdown(new long[0], new int[3][0], 0, Double.NaN);

        assertThat(tail).containsEntry("answers", 0);
        assertThat((Double) tail.get("to_scorer")).isNaN();
    }
}
