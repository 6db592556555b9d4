package dev.wnd.features.spec;

import java.util.Objects;

/**
 * A categorical feature: one or more slots of bucket indices in {@code [0, buckets)}, {@code -1} for an empty slot.
 *
 * <p>Wide part: one linear weight per bucket, summed over the slots (the seed's {@code sparse_combiner='sum'}).
 * Deep part: when {@code embeddingDim > 0}, an embedding table averaged over the non-empty slots (combiner
 * {@code mean}); when {@code embeddingDim == 0} an indicator (one-hot of width {@code buckets}), as the seed does
 * for its identity columns.
 *
 * @param name the seed's column name
 * @param group request or item
 * @param buckets hash buckets (hashed) or number of identity values (indicator)
 * @param embeddingDim embedding width, 0 for an indicator column
 * @param slots 1 for one-hot, k for a multi-hot list of up to k ids
 */
public record CategoricalFeature(String name, FeatureGroup group, int buckets, int embeddingDim, int slots) {

    public CategoricalFeature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        if (buckets < 1) {
            throw new IllegalArgumentException(name + ": buckets must be >= 1, got " + buckets);
        }
        if (embeddingDim < 0) {
            throw new IllegalArgumentException(name + ": embeddingDim must be >= 0, got " + embeddingDim);
        }
        if (slots < 1) {
            throw new IllegalArgumentException(name + ": slots must be >= 1, got " + slots);
        }
    }

    /** True for the seed's identity columns, fed to the deep part as one-hot indicators. */
    public boolean indicator() {
        return embeddingDim == 0;
    }

    /** Width this feature contributes to the deep input. */
    public int deepWidth() {
        return indicator() ? buckets : embeddingDim;
    }
}
