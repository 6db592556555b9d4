package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OnlineMetricsTest {

    @Test
    void shouldKeepOnlyTheMostRecentDisplaysInTheWindow() {
        OnlineMetrics m = new OnlineMetrics(2);
        m.add(1, 10, 0.9, 1);
        m.add(1, 11, 0.1, 0);
        m.add(2, 20, 0.2, 0);
        m.add(2, 21, 0.8, 1);
        m.add(3, 30, 0.3, 1);
        m.add(3, 31, 0.7, 0);
        m.add(3, 32, 0.6, 0);

        OnlineMetrics.Snapshot s = m.snapshot();
        // display 1 was evicted when display 3 opened: only 2 and 3 count
        assertThat(s.displays()).isEqualTo(2);
        assertThat(s.examples()).isEqualTo(5);
        assertThat(m.examplesSeen()).isEqualTo(7);
        // display 2: click ranked 1st (AP 1); display 3: click ranked 3rd (AP 1/3)
        assertThat(s.map12()).isCloseTo((1.0 + 1.0 / 3) / 2, within(1e-12));
        // pairs (positive, negative) over {0.2:0, 0.8:1, 0.3:1, 0.7:0, 0.6:0}: 0.8 beats all 3, 0.3 beats 1 of 3
        assertThat(s.auc()).isCloseTo(4.0 / 6, within(1e-12));
    }

    @Test
    void shouldAddToADisplayStillInTheWindowAndOpenANewOneForAnEvictedId() {
        OnlineMetrics m = new OnlineMetrics(2);
        m.add(1, 10, 0.4, 0);
        m.add(2, 20, 0.5, 1);
        m.add(1, 11, 0.6, 1); // display 1 is still open: same display
        assertThat(m.snapshot().displays()).isEqualTo(2);
        assertThat(m.snapshot().map12()).isEqualTo(1.0); // display 1: click 0.6 above 0.4; display 2: alone

        m.add(3, 30, 0.5, 1); // evicts display 1
        m.add(1, 12, 0.1, 0); // display 1 again: a new display, evicting display 2
        OnlineMetrics.Snapshot s = m.snapshot();
        assertThat(s.displays()).isEqualTo(2);
        assertThat(s.examples()).isEqualTo(2);
    }

    @Test
    void shouldComputeTheAveragePrecisionOfADisplayFromTheClickedAdsRank() {
        OnlineMetrics m = new OnlineMetrics(10);
        // 13 ads, the clicked one scored below 12 others: rank 13 is beyond MAP@12, AP 0
        for (int i = 0; i < 12; i++) {
            m.add(1, i, 0.5 + i * 0.01, 0);
        }
        m.add(1, 99, 0.1, 1);
        assertThat(m.snapshot().map12()).isEqualTo(0.0);

        // a tie with an earlier ad ranks the clicked ad after it: rank 2, AP 1/2
        OnlineMetrics ties = new OnlineMetrics(10);
        ties.add(7, 1, 0.5, 0);
        ties.add(7, 2, 0.5, 1);
        ties.add(7, 3, 0.2, 0);
        assertThat(ties.snapshot().map12()).isEqualTo(0.5);

        // rank 12 still counts
        OnlineMetrics twelfth = new OnlineMetrics(10);
        for (int i = 0; i < 11; i++) {
            twelfth.add(1, i, 0.9, 0);
        }
        twelfth.add(1, 50, 0.3, 1);
        assertThat(twelfth.snapshot().map12()).isCloseTo(1.0 / 12, within(1e-12));
    }

    @Test
    void shouldReportNaNWhereAMetricIsUndefined() {
        OnlineMetrics empty = new OnlineMetrics(5);
        OnlineMetrics.Snapshot e = empty.snapshot();
        assertThat(e.displays()).isZero();
        assertThat(e.logloss()).isNaN();
        assertThat(e.auc()).isNaN();
        assertThat(e.map12()).isNaN();

        OnlineMetrics noClicks = new OnlineMetrics(5);
        noClicks.add(1, 1, 0.2, 0);
        noClicks.add(1, 2, 0.3, 0);
        OnlineMetrics.Snapshot n = noClicks.snapshot();
        assertThat(n.auc()).as("AUC without positives").isNaN();
        assertThat(n.map12()).as("MAP without a clicked display").isNaN();
        assertThat(n.logloss()).isCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, within(1e-12));

        OnlineMetrics onlyClicks = new OnlineMetrics(5);
        onlyClicks.add(1, 1, 0.9, 1);
        onlyClicks.add(2, 1, 0.6, 1);
        OnlineMetrics.Snapshot o = onlyClicks.snapshot();
        assertThat(o.auc()).as("AUC without negatives").isNaN();
        assertThat(o.map12()).isEqualTo(1.0);
        assertThat(o.logloss()).isCloseTo(-(Math.log(0.9) + Math.log(0.6)) / 2, within(1e-12));
    }

    @Test
    void shouldRejectAnEmptyWindow() {
        assertThatThrownBy(() -> new OnlineMetrics(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
