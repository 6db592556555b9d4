package dev.wnd.model;

import static dev.wnd.features.spec.FeatureGroup.ITEM;
import static dev.wnd.features.spec.FeatureGroup.REQUEST;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.CrossedFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.spec.NumericTransform;
import java.util.List;
import java.util.SplittableRandom;

/** Tiny feature specs and batches for fast tests. */
public final class TestSpecs {

    private TestSpecs() {
    }

    /**
     * Four categorical features covering every kind (one-hot embedding of width 4, one-hot of width 8 so the fused
     * table uses two sub-rows, a 3-slot multi-hot, an indicator), two numerics, and two wide crosses (a × ind, 30
     * weights; b × a, 70). Deep width 4+8+4+3+2 = 21.
     */
    public static FeatureSpec tiny() {
        return new FeatureSpec("tiny-v1", List.of(
                new CategoricalFeature("a", REQUEST, 10, 4, 1),
                new CategoricalFeature("b", ITEM, 7, 8, 1),
                new CategoricalFeature("m", REQUEST, 5, 4, 3),
                new CategoricalFeature("ind", REQUEST, 3, 0, 1)),
                List.of(new NumericFeature("x1", REQUEST, NumericTransform.RAW, 0),
                        new NumericFeature("x2", ITEM, NumericTransform.RAW, 0)),
                List.of(new CrossedFeature("a_x_ind", "a", "ind"), new CrossedFeature("b_x_a", "b", "a")));
    }

    /** A small config for the tiny spec: two hidden layers of 8. */
    public static ModelConfig tinyConfig(long seed) {
        return ModelConfig.builder().deepHiddenUnits(List.of(8, 8)).seed(seed).build();
    }

    /**
     * A learnable problem on {@link #tiny()}: the label is 1 iff (a is even) xor (ind == 2), with some empty
     * multi-hot slots and random numerics.
     */
    public static Batch learnableBatch(FeatureSpec spec, int size, SplittableRandom rng) {
        int slots = spec.categoricalSlots();
        int[] cat = new int[size * slots];
        float[] num = new float[size * spec.numericCount()];
        float[] labels = new float[size];
        for (int r = 0; r < size; r++) {
            int a = rng.nextInt(10);
            int ind = rng.nextInt(3);
            int base = r * slots;
            cat[base] = a;
            cat[base + 1] = rng.nextInt(7);
            for (int s = 0; s < 3; s++) {
                cat[base + 2 + s] = rng.nextInt(4) == 0 ? -1 : rng.nextInt(5);
            }
            cat[base + 5] = ind;
            for (int k = 0; k < spec.numericCount(); k++) {
                num[r * spec.numericCount() + k] = (float) rng.nextDouble();
            }
            labels[r] = ((a % 2 == 0) ^ (ind == 2)) ? 1f : 0f;
        }
        return new Batch(size, cat, num, labels);
    }
}
