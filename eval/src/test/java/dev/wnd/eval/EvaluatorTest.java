package dev.wnd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    private static final long DAY = ScoredRow.DAY_MS;
    private static final EvaluatorConfig NO_DELAY = new EvaluatorConfig(0, 10);

    private static ScoredRow row(long display, long ad, long time, double p, int label) {
        return new ScoredRow(display, ad, time, p, label);
    }

    private static EvaluationResult evaluate(List<ScoredRow> rows) {
        return Evaluator.evaluate(rows, List.of(), NO_DELAY);
    }

    @Test
    void shouldRankAllAdsOfADisplayTogetherAndAverageOverDisplays() {
        List<ScoredRow> rows = List.of(
                // display 1: click on the second best of three ads -> AP 1/2
                row(1, 10, 0, 0.9, 0), row(1, 11, 0, 0.5, 1), row(1, 12, 0, 0.1, 0),
                // display 2: a one-ad display -> AP 1 (and random 1)
                row(2, 20, 0, 0.3, 1));

        EvaluationResult r = evaluate(rows);

        assertThat(r.model().map12()).isCloseTo((0.5 + 1) / 2, within(1e-12));
        // random: 3 ads (1 + 1/2 + 1/3) / 3 = 11/18; one ad: 1
        assertThat(r.random().map12()).isCloseTo((11.0 / 18 + 1) / 2, within(1e-12));
        assertThat(r.random().auc()).isEqualTo(0.5);
        assertThat(r.random().logloss()).isNaN();
        assertThat(r.counts().displays()).isEqualTo(2);
        assertThat(r.counts().rankedDisplays()).isEqualTo(2);
        assertThat(r.counts().rows()).isEqualTo(4);
        assertThat(r.counts().clicks()).isEqualTo(2);
    }

    @Test
    void shouldRankADisplaySplitAcrossTheInputAsOneDisplay() {
        // The seed's per-batch metric would rank {10, 11} and {12} separately; here they are one display.
        List<ScoredRow> rows = new ArrayList<>(List.of(row(1, 10, 0, 0.9, 0), row(7, 70, 0, 0.5, 1),
                row(1, 11, 0, 0.2, 0), row(1, 12, 0, 0.5, 1)));
        assertThat(evaluate(rows).model().map12()).isCloseTo((0.5 + 1) / 2, within(1e-12));
        Collections.reverse(rows);
        assertThat(evaluate(rows).model().map12()).isCloseTo((0.5 + 1) / 2, within(1e-12));
    }

    @Test
    void shouldBreakTiesByTheFixedHashOfDisplayAndAdNotByAdIdOrInputOrder() {
        // tieKey(5,2) < tieKey(5,1) but tieKey(6,1) < tieKey(6,2): pinned below.
        assertThat(Rankings.tieKey(5, 2)).isLessThan(Rankings.tieKey(5, 1));
        assertThat(Rankings.tieKey(6, 1)).isLessThan(Rankings.tieKey(6, 2));
        List<ScoredRow> rows = new ArrayList<>(List.of(
                row(5, 1, 0, 0.3, 1), row(5, 2, 0, 0.3, 0),   // tied: ad 2 first -> click at rank 2 -> 1/2
                row(6, 1, 0, 0.3, 1), row(6, 2, 0, 0.3, 0))); // tied: ad 1 first -> click at rank 1 -> 1
        assertThat(evaluate(rows).model().map12()).isCloseTo(0.75, within(1e-12));
        Collections.reverse(rows);
        assertThat(evaluate(rows).model().map12()).isCloseTo(0.75, within(1e-12));
        assertThat(Rankings.rank(5, new long[] {1, 2}, new double[] {0.3, 0.3})).containsExactly(2L, 1L);
        assertThat(Rankings.rank(5, new long[] {2, 1}, new double[] {0.3, 0.3})).containsExactly(2L, 1L);
        // a higher score always wins over the tie-break
        assertThat(Rankings.rank(5, new long[] {1, 2}, new double[] {0.3, 0.2})).containsExactly(1L, 2L);
    }

    @Test
    void shouldPinTheTieKeySoThatResultsStayComparableAcrossVersions() {
        assertThat(Rankings.tieKey(5, 1)).isEqualTo(8195237237126968761L);
        assertThat(Rankings.tieKey(1, 10)).isEqualTo(614480483733483466L);
    }

    @Test
    void shouldLeaveADisplayWithoutAClickOutOfMapButNotOutOfAucOrLogloss() {
        List<ScoredRow> withClick = List.of(row(1, 10, 0, 0.9, 0), row(1, 11, 0, 0.5, 1));
        List<ScoredRow> all = new ArrayList<>(withClick);
        all.add(row(2, 20, 0, 0.8, 0));
        all.add(row(2, 21, 0, 0.7, 0));

        EvaluationResult r = evaluate(all);

        assertThat(r.model().map12()).isEqualTo(0.5);
        assertThat(r.random().map12()).isEqualTo(0.75);
        assertThat(r.counts().displays()).isEqualTo(2);
        assertThat(r.counts().rankedDisplays()).isEqualTo(1);
        assertThat(r.counts().displaysWithoutClick()).isEqualTo(1);
        assertThat(r.counts().rows()).isEqualTo(4);
        // AUC over all four rows: the one positive (0.5) beats none of the three negatives (0.9, 0.8, 0.7)
        assertThat(r.model().auc()).isEqualTo(0.0);
        double expectedLogloss = -(Math.log(0.1) + Math.log(0.5) + Math.log(0.2) + Math.log(0.3)) / 4;
        assertThat(r.model().logloss()).isCloseTo(expectedLogloss, within(1e-9));
    }

    @Test
    void shouldCutTheRankingAtTwelveAds() {
        List<ScoredRow> rows = new ArrayList<>();
        for (int ad = 1; ad <= 14; ad++) {
            // display 1: click on the 12th best ad; display 2: click on the 13th best
            rows.add(row(1, ad, 0, 1.0 - ad / 100.0, ad == 12 ? 1 : 0));
            rows.add(row(2, ad, 0, 1.0 - ad / 100.0, ad == 13 ? 1 : 0));
        }

        EvaluationResult r = evaluate(rows);

        assertThat(r.model().map12()).isCloseTo((1.0 / 12 + 0) / 2, within(1e-12));
        double harmonic12 = 0;
        for (int k = 1; k <= 12; k++) {
            harmonic12 += 1.0 / k;
        }
        assertThat(r.random().map12()).isCloseTo(harmonic12 / 14, within(1e-12));
    }

    @Test
    void shouldComputeTheExactRandomExpectationForSeveralClicks() {
        // n = 3 ads, 2 clicked: the 6 orders give AP 1, 1 (clicks on top), 5/6, 5/6 (ranks 1,3), 7/12, 7/12 (2,3)
        assertThat(Evaluator.expectedRandomAp(3, 2)).isCloseTo((1 + 1 + 5.0 / 6 + 5.0 / 6 + 7.0 / 12 + 7.0 / 12) / 6,
                within(1e-12));
        assertThat(Evaluator.expectedRandomAp(4, 4)).isCloseTo(1.0, within(1e-12));
        assertThat(Evaluator.expectedRandomAp(2, 1)).isEqualTo(0.75);
    }

    @Test
    void shouldCountARepeatedDisplayAdPairOnce() {
        EvaluationResult r = evaluate(List.of(row(1, 10, 0, 0.2, 1), row(1, 11, 0, 0.4, 0), row(1, 10, 0, 0.9, 1)));
        assertThat(r.counts().rows()).isEqualTo(2);
        assertThat(r.counts().duplicateRows()).isEqualTo(1);
        assertThat(r.model().map12()).isEqualTo(0.5); // the first (0.2) is kept, not the repeat (0.9)
    }

    @Test
    void shouldCutCalibrationIntoTenEqualCountDeciles() {
        // 20 rows, p = 0/20 .. 19/20, every odd one clicked: each decile holds 2 rows with CTR 1/2
        List<ScoredRow> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(row(i, 1, 0, i / 20.0, i % 2));
        }

        EvaluationResult.Calibration c = evaluate(rows).calibration();

        assertThat(c.bins()).hasSize(10);
        for (EvaluationResult.CalibrationBin b : c.bins()) {
            int d = b.decile();
            assertThat(b.rows()).isEqualTo(2);
            assertThat(b.observedCtr()).isEqualTo(0.5);
            assertThat(b.meanPredicted()).isCloseTo((4.0 * d - 3) / 40, within(1e-12));
            assertThat(b.minPredicted()).isCloseTo((2.0 * d - 2) / 20, within(1e-12));
            assertThat(b.maxPredicted()).isCloseTo((2.0 * d - 1) / 20, within(1e-12));
        }
        // |0.025-0.5| + |0.125-0.5| + ... + |0.925-0.5| = 2.5, each decile a tenth of the rows
        assertThat(c.ece()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void shouldSpreadUnevenRowCountsOverTheDeciles() {
        List<ScoredRow> rows = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            rows.add(row(i, 1, 0, i / 25.0, i == 24 ? 1 : 0));
        }
        assertThat(evaluate(rows).calibration().bins()).extracting(EvaluationResult.CalibrationBin::rows)
                .containsExactly(2L, 3L, 2L, 3L, 2L, 3L, 2L, 3L, 2L, 3L);
        // fewer than ten rows: empty deciles are left out
        assertThat(evaluate(rows.subList(0, 3)).calibration().bins()).extracting(EvaluationResult.CalibrationBin::decile)
                .containsExactly(4, 7, 10);
    }

    @Test
    void shouldSplitByTheDayOfTheDisplay() {
        List<ScoredRow> rows = List.of(
                row(1, 10, 5, 0.9, 1), row(1, 11, 5, 0.1, 0),                         // day 0, AP 1
                row(2, 20, DAY - 1, 0.9, 0), row(2, 21, DAY - 1, 0.1, 1),             // day 0, AP 1/2
                row(3, 30, DAY, 0.2, 0), row(3, 31, DAY, 0.4, 0), row(3, 32, DAY, 0.6, 1), // day 1 (boundary), AP 1
                row(4, 40, 2 * DAY + 7, 0.3, 1), row(4, 41, 2 * DAY + 7, 0.6, 0));    // day 2, AP 1/2

        EvaluationResult r = evaluate(rows);

        assertThat(r.perDay()).extracting(EvaluationResult.DayScores::day).containsExactly(0, 1, 2);
        assertThat(r.perDay()).extracting(EvaluationResult.DayScores::displays).containsExactly(2L, 1L, 1L);
        assertThat(r.perDay()).extracting(EvaluationResult.DayScores::rows).containsExactly(4L, 3L, 2L);
        assertThat(r.perDay().get(0).map12()).isEqualTo(0.75);
        assertThat(r.perDay().get(1).map12()).isEqualTo(1.0);
        assertThat(r.perDay().get(2).map12()).isEqualTo(0.5);
        assertThat(r.perDay().get(1).map12Random()).isCloseTo(11.0 / 18, within(1e-12));
        // day 0: positives 0.9 and 0.1 against negatives 0.1 and 0.9 -> pairs won 1 + 0.5 + 0.5 + 0 of 4
        assertThat(r.perDay().get(0).auc()).isEqualTo(0.5);
        assertThat(r.perDay().get(1).auc()).isEqualTo(1.0);
        assertThat(r.perDay().get(2).auc()).isEqualTo(0.0);
        assertThat(r.model().map12()).isEqualTo((1 + 0.5 + 1 + 0.5) / 4);
    }

    @Test
    void shouldRankByAdCtrFromTrainLabelsKnownBeforeTheDisplayOnly() {
        // Ad 1 was clicked before the display; ad 2 is clicked a lot, but only after it: no look-ahead.
        List<TrainLabel> train = new ArrayList<>();
        train.add(new TrainLabel(1, 100, 1));
        train.add(new TrainLabel(2, 100, 0));
        for (int i = 0; i < 50; i++) {
            train.add(new TrainLabel(2, 5_000 + i, 1));
        }
        train.add(new TrainLabel(1, 6_000, 0));
        List<ScoredRow> rows = List.of(row(9, 1, 1_000, 0.5, 0), row(9, 2, 1_000, 0.5, 1), // clicked: ad 2
                row(10, 1, 9_000, 0.5, 0), row(10, 2, 9_000, 0.5, 1));                      // later: ad 2 known

        EvaluationResult r = Evaluator.evaluate(rows, train, new EvaluatorConfig(0, 1));

        // display 9 (t=1000): g = 2/4, ad 1 (1 of 1) 0.75 above ad 2 (0 of 1) 0.25 -> AP 1/2;
        // display 10 (t=9000): g = 52/55, ad 2 (50 of 51) 0.98 above ad 1 (1 of 2) 0.65 -> AP 1
        assertThat(r.adCtr().map12()).isEqualTo(0.75);
        assertThat(r.counts().trainLabels()).isEqualTo(53);
    }

    @Test
    void shouldHonourTheLabelDelayAndTheStrictlyEarlierRule() {
        AdCtrBaseline b = new AdCtrBaseline(List.of(new TrainLabel(7, 0, 1), new TrainLabel(8, 3, 0)),
                new EvaluatorConfig(10, 1));
        b.advanceTo(5);
        assertThat(b.labelsKnown()).isZero();
        assertThat(b.ctr(7)).isEqualTo(0.5); // nothing known: the Laplace-smoothed global CTR (0+1)/(0+2)
        b.advanceTo(10);
        assertThat(b.labelsKnown()).isZero(); // 0 + 10 < 10 is false: released exactly at the display, not before
        b.advanceTo(11);
        assertThat(b.labelsKnown()).isEqualTo(1);
        assertThat(b.globalCtr()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(b.ctr(7)).isCloseTo((1 + 2.0 / 3) / (1 + 1), within(1e-12));
        assertThat(b.ctr(99)).isEqualTo(b.globalCtr()); // unseen ad: the prior
        b.advanceTo(14);
        assertThat(b.labelsKnown()).isEqualTo(2);
        assertThat(b.ctr(8)).isCloseTo((0 + 0.5) / (1 + 1), within(1e-12)); // global now (1+1)/(2+2)
        assertThatThrownBy(() -> b.advanceTo(13)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAnEmptyValidationSet() {
        assertThatThrownBy(() -> Evaluator.evaluate(List.of(), List.of(), EvaluatorConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPinTheDefaults() {
        assertThat(EvaluatorConfig.defaults()).isEqualTo(new EvaluatorConfig(3_600_000L, 10.0));
        assertThatThrownBy(() -> new EvaluatorConfig(-1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EvaluatorConfig(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScoredRow(1, 1, 0, 1.5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScoredRow(1, 1, 0, 0.5, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWriteEveryNumberAsJsonWithNullForUndefined() throws Exception {
        EvaluationResult r = evaluate(List.of(row(1, 10, 0, 0.9, 1), row(1, 11, 0, 0.5, 0)));

        JsonNode json = new ObjectMapper().readTree(r.toJson());

        assertThat(json.at("/methods/model/map12").asDouble()).isEqualTo(1.0);
        assertThat(json.at("/methods/random/map12").asDouble()).isEqualTo(0.75);
        assertThat(json.at("/methods/random/logloss").isNull()).isTrue();
        assertThat(json.at("/methods/ad_ctr/auc").isNumber()).isTrue();
        assertThat(json.at("/counts/displays_without_click").asLong()).isZero();
        assertThat(json.at("/calibration/deciles")).hasSize(2);
        assertThat(json.at("/per_day/0/day").asInt()).isZero();
        assertThat(json.at("/settings/tie_break").asText()).contains("hash");
    }
}
