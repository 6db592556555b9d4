package dev.wnd.features.spec;

import java.util.Objects;

/**
 * A cross of two one-hot categorical features, for the wide part only (TensorFlow's {@code crossed_column}): one
 * linear weight per pair of buckets, {@code first}'s bucket times {@code second}'s bucket count plus
 * {@code second}'s bucket, so no two pairs share a weight. A row where either feature is empty has no cross weight.
 * Examples do not carry crosses: the model computes them from the categorical slots, the same way in training and
 * serving.
 *
 * @param name the cross's name, distinct from every feature's
 * @param first a one-hot categorical feature of the same spec
 * @param second another one-hot categorical feature of the same spec
 */
public record CrossedFeature(String name, String first, String second) {

    public CrossedFeature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (first.equals(second)) {
            throw new IllegalArgumentException(name + ": cannot cross " + first + " with itself");
        }
    }
}
