package dev.wnd.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    @Test
    void shouldGiveOneOverTheRankOfTheClickedAd() {
        assertThat(RankingMetrics.averagePrecisionAt12(List.of(5L, 6L, 7L), List.of(5L))).isEqualTo(1.0);
        assertThat(RankingMetrics.averagePrecisionAt12(List.of(5L, 6L, 7L), List.of(7L))).isEqualTo(1.0 / 3);
    }

    @Test
    void shouldScoreAOneAdDisplayAsOne() {
        assertThat(RankingMetrics.averagePrecisionAt12(List.of(5L), List.of(5L))).isEqualTo(1.0);
    }

    @Test
    void shouldGiveZeroWhenTheClickIsRankedBeyondTwelve() {
        List<Long> ranked = LongStream.rangeClosed(1, 13).boxed().toList();
        assertThat(RankingMetrics.averagePrecisionAt12(ranked, List.of(12L))).isEqualTo(1.0 / 12);
        assertThat(RankingMetrics.averagePrecisionAt12(ranked, List.of(13L))).isZero();
    }

    @Test
    void shouldRefuseADisplayWithoutAClick() {
        assertThatThrownBy(() -> RankingMetrics.averagePrecisionAt12(List.of(1L), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAverageRandomRankingsToTheExpectedValue() {
        assertThat(RankingMetrics.expectedRandomAp(1)).isEqualTo(1.0);
        assertThat(RankingMetrics.expectedRandomAp(2)).isEqualTo(0.75);
        Random random = new Random(1);
        double sum = 0;
        int trials = 200_000;
        for (int t = 0; t < trials; t++) {
            sum += 1.0 / (1 + random.nextInt(5));
        }
        assertThat(RankingMetrics.expectedRandomAp(5)).isCloseTo(sum / trials, within(0.005));
    }

    @Test
    void shouldMatchABruteForcePairCountForAuc() {
        Random random = new Random(7);
        int n = 300;
        double[] s = new double[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = random.nextInt(20) / 20.0; // many ties
            y[i] = random.nextDouble() < 0.3 ? 1 : 0;
        }
        double pairs = 0;
        double wins = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (y[i] == 1 && y[j] == 0) {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        assertThat(RankingMetrics.auc(s, y)).isCloseTo(wins / pairs, within(1e-12));
    }

    @Test
    void shouldComputeLoglossOfKnownProbabilities() {
        assertThat(RankingMetrics.logloss(new double[] {0.5, 0.5}, new int[] {0, 1})).isCloseTo(Math.log(2), within(1e-12));
    }
}
