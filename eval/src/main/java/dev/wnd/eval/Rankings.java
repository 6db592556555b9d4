package dev.wnd.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How the evaluation orders the ads of one display: by score, best first, with ties broken deterministically.
 *
 * <p><b>Ties.</b> Ads with equal scores are ordered by {@link #tieKey(long, long)}, a fixed 64-bit mix of (display
 * id, ad id), ascending; on the (astronomically unlikely) equal key, by ad id. The order is reproducible run to run,
 * yet unrelated to ad id order or input order, either of which could carry information about the click (Kaggle's
 * ad ids, for one, grow with the ad's age). A constant scorer therefore scores about the random baseline, not
 * better or worse. The seed's TensorFlow top-k instead put the lower input position first.
 */
public final class Rankings {

    private Rankings() {
    }

    /** The tie-break key of an ad in a display: the SplitMix64 finalizer of {@code displayId * φ + adId}. */
    public static long tieKey(long displayId, long adId) {
        long z = displayId * 0x9E3779B97F4A7C15L + adId;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The ads of display {@code displayId} best first: {@code scores} descending, then {@link #tieKey} ascending,
     * then ad id ascending.
     *
     * @param adIds the display's ads
     * @param scores one score per ad, same order; NaN is not allowed
     */
    public static List<Long> rank(long displayId, long[] adIds, double[] scores) {
        if (adIds.length != scores.length) {
            throw new IllegalArgumentException(adIds.length + " ads but " + scores.length + " scores");
        }
        Integer[] order = new Integer[adIds.length];
        long[] keys = new long[adIds.length];
        for (int i = 0; i < adIds.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("NaN score for ad " + adIds[i] + " of display " + displayId);
            }
            order[i] = i;
            keys[i] = tieKey(displayId, adIds[i]);
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i])
                .thenComparingLong(i -> keys[i])
                .thenComparingLong(i -> adIds[i]));
        List<Long> ranked = new ArrayList<>(adIds.length);
        for (Integer i : order) {
            ranked.add(adIds[i]);
        }
        return ranked;
    }
}
