package dev.wnd.features.state;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * The aspects of one kind of one document, in the order their rows arrived, each with Outbrain's confidence.
 * Immutable; keys are distinct (a repeated row replaces the confidence in place, so loading is idempotent).
 *
 * @param keys aspect keys (see {@link AspectKind})
 * @param confidences confidence of each key, parallel to {@code keys}
 */
public record DocAspects(long[] keys, double[] confidences) {

    /** A document without aspects of this kind. */
    public static final DocAspects EMPTY = new DocAspects(new long[0], new double[0]);

    public DocAspects {
        if (keys.length != confidences.length) {
            throw new IllegalArgumentException("keys and confidences differ in length");
        }
    }

    /** Number of aspects. */
    public int size() {
        return keys.length;
    }

    /** Whether there are none. */
    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** Position of {@code key}, or -1. */
    public int indexOf(long key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    /** These aspects with {@code key} at {@code confidence}: replaced in place if present, else appended. */
    public DocAspects with(long key, double confidence) {
        int i = indexOf(key);
        if (i >= 0) {
            double[] c = confidences.clone();
            c[i] = confidence;
            return new DocAspects(keys, c);
        }
        long[] k = Arrays.copyOf(keys, keys.length + 1);
        double[] c = Arrays.copyOf(confidences, confidences.length + 1);
        k[keys.length] = key;
        c[keys.length] = confidence;
        return new DocAspects(k, c);
    }

    /**
     * The keys of the {@code n} most confident aspects that {@code keep} accepts, most confident first, ties in
     * arrival order (the seed sorts by confidence with Python's stable sort, drops the rejected ids, then cuts).
     */
    public long[] top(int n, LongPredicate keep) {
        // A stable insertion sort of the positions by confidence, most confident first: documents carry a handful
        // of aspects, and this runs for every ad a scorer ranks (boxing positions for Arrays.sort showed up there).
        int[] order = new int[keys.length];
        for (int i = 0; i < order.length; i++) {
            int j = i;
            while (j > 0 && Double.compare(confidences[order[j - 1]], confidences[i]) < 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        long[] top = new long[Math.min(n, keys.length)];
        int taken = 0;
        for (int i = 0; i < order.length && taken < top.length; i++) {
            long key = keys[order[i]];
            if (keep.test(key)) {
                top[taken++] = key;
            }
        }
        return Arrays.copyOf(top, taken);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DocAspects d && Arrays.equals(d.keys, keys) && Arrays.equals(d.confidences, confidences);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keys) * 31 + Arrays.hashCode(confidences);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("DocAspects[");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(confidences[i]);
        }
        return b.append(']').toString();
    }
}
