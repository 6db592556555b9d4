package dev.wnd.model;

import java.util.Objects;

/**
 * A micro-batch of feature vectors laid out by a {@link dev.wnd.features.spec.FeatureSpec}, row-major.
 *
 * @param size number of rows
 * @param categorical {@code size * spec.categoricalSlots()} bucket indices, {@code -1} for an empty slot
 * @param numeric {@code size * spec.numericCount()} transformed numeric values
 * @param labels {@code size} labels in {0, 1}, or {@code null} when only predicting
 */
public record Batch(int size, int[] categorical, float[] numeric, float[] labels) {

    public Batch {
        Objects.requireNonNull(categorical, "categorical");
        Objects.requireNonNull(numeric, "numeric");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        if (size > 0 && (categorical.length % size != 0 || numeric.length % size != 0)) {
            throw new IllegalArgumentException("categorical (" + categorical.length + ") and numeric ("
                    + numeric.length + ") lengths must be multiples of the batch size " + size);
        }
        if (labels != null && labels.length != size) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries for " + size + " rows");
        }
    }
}
