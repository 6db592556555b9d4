package dev.wnd.features.state;

import java.util.Arrays;

/**
 * A user's interest in the aspects of one kind, from the documents of their page views: per aspect, the number of
 * views whose document carries it (the seed's tf) and the sum of the documents' confidences in it (the seed keeps
 * their mean, {@code sum / tf}). The seed's profile weight, {@code tf · ln(N/df) · mean confidence}, is computed
 * when a display is assembled, with the document frequencies of that moment. Immutable.
 *
 * <p>Bounded: at most {@link AspectKind#profileCapacity()} aspects. When a new aspect comes to a full profile, the
 * aspect with the smallest confidence sum (the oldest of equals) makes room. The seed's profiles are unbounded;
 * profiles of users below the capacity are exactly the seed's.
 *
 * @param keys aspect keys, in the order the user first met them
 * @param termFrequencies views carrying each aspect
 * @param confidenceSums sum of the documents' confidences in each aspect
 */
public record AspectProfile(long[] keys, int[] termFrequencies, double[] confidenceSums) {

    /** A user without aspects of this kind. */
    public static final AspectProfile EMPTY = new AspectProfile(new long[0], new int[0], new double[0]);

    public AspectProfile {
        if (keys.length != termFrequencies.length || keys.length != confidenceSums.length) {
            throw new IllegalArgumentException("profile arrays differ in length");
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

    /** The mean confidence of aspect {@code i} over the views that carried it. */
    public double meanConfidence(int i) {
        return confidenceSums[i] / termFrequencies[i];
    }

    /** This profile after one more page view of a document with {@code aspects}, kept within {@code capacity}. */
    public AspectProfile plus(DocAspects aspects, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        if (aspects.isEmpty()) {
            return this;
        }
        long[] k = Arrays.copyOf(keys, Math.max(keys.length, capacity));
        int[] tf = Arrays.copyOf(termFrequencies, k.length);
        double[] sums = Arrays.copyOf(confidenceSums, k.length);
        int n = keys.length;
        for (int a = 0; a < aspects.size(); a++) {
            long key = aspects.keys()[a];
            double confidence = aspects.confidences()[a];
            int i = indexOf(k, n, key);
            if (i >= 0) {
                tf[i]++;
                sums[i] += confidence;
                continue;
            }
            while (n >= capacity) {
                int smallest = 0;
                for (int j = 1; j < n; j++) {
                    if (sums[j] < sums[smallest]) {
                        smallest = j;
                    }
                }
                System.arraycopy(k, smallest + 1, k, smallest, n - smallest - 1);
                System.arraycopy(tf, smallest + 1, tf, smallest, n - smallest - 1);
                System.arraycopy(sums, smallest + 1, sums, smallest, n - smallest - 1);
                n--;
            }
            k[n] = key;
            tf[n] = 1;
            sums[n] = confidence;
            n++;
        }
        return new AspectProfile(Arrays.copyOf(k, n), Arrays.copyOf(tf, n), Arrays.copyOf(sums, n));
    }

    private static int indexOf(long[] keys, int n, long key) {
        for (int i = 0; i < n; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AspectProfile p && Arrays.equals(p.keys, keys)
                && Arrays.equals(p.termFrequencies, termFrequencies) && Arrays.equals(p.confidenceSums, confidenceSums);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(keys) * 31 + Arrays.hashCode(termFrequencies)) * 31 + Arrays.hashCode(confidenceSums);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("AspectProfile[");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(termFrequencies[i]).append('/')
                    .append(confidenceSums[i]);
        }
        return b.append(']').toString();
    }
}
