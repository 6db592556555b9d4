package dev.wnd.eval.metrics;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Exact ranking and probability metrics. Pure functions.
 *
 * <p>MAP@12 follows Kaggle's Outbrain definition: per display, the ads ranked best first, AP@12 =
 * (Σ over ranks k ≤ 12 with a clicked ad at k of precision@k) / min(#clicked, 12); MAP is the mean over displays
 * with at least one click. Unlike the seed, which ranked each display only inside one evaluation batch (a display
 * split across batches counted as two groups, and a group without a click counted its first ad as clicked), all
 * ads of a display are ranked together and clickless displays are left out.
 */
public final class RankingMetrics {

    /** Kaggle's cut-off. */
    public static final int K = 12;

    private RankingMetrics() {
    }

    /** AP@12 of one display; {@code ranked} best first, duplicates count once at their first rank. */
    public static double averagePrecisionAt12(List<Long> ranked, Collection<Long> clicked) {
        Set<Long> relevant = Set.copyOf(clicked);
        if (relevant.isEmpty()) {
            throw new IllegalArgumentException("AP is undefined for a display without a click");
        }
        double sum = 0;
        int hits = 0;
        java.util.HashSet<Long> seen = new java.util.HashSet<>();
        int rank = 0;
        for (Long ad : ranked) {
            if (!seen.add(ad)) {
                continue;
            }
            rank++;
            if (rank > K) {
                break;
            }
            if (relevant.contains(ad)) {
                hits++;
                sum += (double) hits / rank;
            }
        }
        return sum / Math.min(relevant.size(), K);
    }

    /** Expected AP@12 of a uniformly random ranking of {@code n} ads with one click: (1/n) Σ_{r ≤ min(n,12)} 1/r. */
    public static double expectedRandomAp(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a display needs at least one ad, got " + n);
        }
        double sum = 0;
        for (int r = 1; r <= Math.min(n, K); r++) {
            sum += 1.0 / r;
        }
        return sum / n;
    }

    /**
     * Area under the ROC curve: the probability that a random positive scores above a random negative, ties
     * counting one half. Exact (rank statistic), O(n log n). NaN when one class is missing.
     */
    public static double auc(double[] scores, int[] labels) {
        int n = scores.length;
        if (labels.length != n) {
            throw new IllegalArgumentException("scores and labels differ in length");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPositives = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                if (labels[order[t]] == 1) {
                    rankSumPositives += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Mean binary cross-entropy, probabilities clipped to [1e-7, 1 - 1e-7]. */
    public static double logloss(double[] probabilities, int[] labels) {
        if (probabilities.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = Math.min(1 - 1e-7, Math.max(1e-7, probabilities[i]));
            sum -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return sum / probabilities.length;
    }
}
