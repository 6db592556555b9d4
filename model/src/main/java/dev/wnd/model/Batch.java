package dev.wnd.model;

import dev.wnd.schemas.avro.Example;
import java.util.List;
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

    /**
     * The batch of these Examples, in order, with their labels. Every Example must have the layout of the first.
     *
     * @throws IllegalArgumentException when the list is empty or two Examples differ in layout
     */
    public static Batch fromExamples(List<Example> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one example");
        }
        int n = examples.size();
        int slots = examples.get(0).getCategorical().size();
        int numerics = examples.get(0).getNumeric().size();
        int[] cat = new int[n * slots];
        float[] num = new float[n * numerics];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i);
            List<Integer> c = e.getCategorical();
            List<Float> x = e.getNumeric();
            if (c.size() != slots || x.size() != numerics) {
                throw new IllegalArgumentException("example " + i + " (display " + e.getDisplayId() + ", ad "
                        + e.getAdId() + ") has " + c.size() + "/" + x.size() + " values, the first has " + slots + "/"
                        + numerics);
            }
            for (int j = 0; j < slots; j++) {
                cat[i * slots + j] = c.get(j);
            }
            for (int j = 0; j < numerics; j++) {
                num[i * numerics + j] = x.get(j);
            }
            labels[i] = e.getLabel();
        }
        return new Batch(n, cat, num, labels);
    }
}
