package dev.wnd.model;

import static dev.wnd.features.spec.FeatureGroup.ITEM;
import static dev.wnd.features.spec.FeatureGroup.REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.CrossedFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.spec.NumericTransform;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WideDeepForwardTest {

    /**
     * One 2-slot embedding feature (dim 2), one indicator (2 values), one numeric; one hidden layer of 2 units.
     * Embedding rows [1,2], [3,4], [5,6]; hidden weights all 0.1, biases [0, -1]; logit weights [1, 2], bias 0.5;
     * wide weights e = [0.1, 0.2, 0.3], i = [1, -1], numeric 2, bias -0.25.
     */
    @Test
    void shouldComputeTheForwardPassOfAHandWorkedExample() throws IOException {
        FeatureSpec spec = new FeatureSpec("hand-v1", List.of(
                new CategoricalFeature("e", REQUEST, 3, 2, 2),
                new CategoricalFeature("i", ITEM, 2, 0, 1)),
                List.of(new NumericFeature("x", ITEM, NumericTransform.RAW, 0)));
        assertThat(spec.deepInputWidth()).isEqualTo(5);
        ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(2)).build();
        InMemoryTensors params = new InMemoryTensors();
        params.put("embedding/e", new Shape(3, 2), new float[] {1, 2, 3, 4, 5, 6});
        params.put("wide/e", new Shape(3), new float[] {0.1f, 0.2f, 0.3f});
        params.put("wide/i", new Shape(2), new float[] {1, -1});
        params.put("block/wide_numeric", new Shape(1), new float[] {2});
        params.put("block/wide_bias", new Shape(1), new float[] {-0.25f});
        params.put(blockName(spec, config, "hidden1_weight"), new Shape(2, 5), filled(10, 0.1f));
        params.put(blockName(spec, config, "hidden1_bias"), new Shape(2), new float[] {0, -1});
        params.put(blockName(spec, config, "logit_weight"), new Shape(1, 2), new float[] {1, 2});
        params.put(blockName(spec, config, "logit_bias"), new Shape(1), new float[] {0.5f});

        // row 1: e = {0, 2} -> mean [3, 4]; i = 1 -> [0, 1]; x = 0.5. Deep input sums to 8.5:
        //   hidden [0.85, relu(0.85 - 1) = 0], deep logit 0.85 + 0.5 = 1.35;
        //   wide 0.1 + 0.3 - 1 + 2 * 0.5 - 0.25 = 0.15; logit 1.5
        // row 2: everything empty, x = 0: deep logit 0.5, wide -0.25; logit 0.25
        // row 3: e = {1, 1} -> [3, 4]; i = 0 -> [1, 0]; x = 1: deep 0.9 + 0.5 = 1.4, wide 0.4 + 1 + 2 - 0.25 = 3.15
        Batch batch = new Batch(3, new int[] {0, 2, 1, -1, -1, -1, 1, 1, 0}, new float[] {0.5f, 0f, 1f}, null);
        try (WideDeepPredictor predictor = WideDeepPredictor.load(spec, config, "hand", params)) {
            assertThat(predictor.predict(batch)).containsExactly(
                    new float[] {0.817574476f, 0.562176501f, 0.989543294f}, within(1e-6f));
            assertThat(predictor.modelVersion()).isEqualTo("hand");
            assertThat(predictor.specHash()).isEqualTo(spec.hash());
        }
    }

    /**
     * Distinct values everywhere, compared with a plain-Java reference that builds the deep input feature by
     * feature in spec order, then adds each cross's weight: catches any mix-up of columns, sub-rows, slots, mean
     * weights, wide offsets or cross rows.
     */
    @Test
    void shouldMatchAReferenceImplementationWithDistinctWeights() throws IOException {
        FeatureSpec spec = TestSpecs.tiny();
        ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(6, 5)).build();
        InMemoryTensors params = new InMemoryTensors();
        try (WideDeepTrainer shapes = WideDeepTrainer.create(spec, config)) {
            SplittableRandom rng = new SplittableRandom(3);
            for (Map.Entry<String, InMemoryTensors.Tensor> e : InMemoryTensors.parametersOf(shapes).tensors()
                    .entrySet()) {
                float[] v = new float[e.getValue().values().length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextDouble() - 0.5);
                }
                params.put(e.getKey(), e.getValue().shape(), v);
            }
        }
        Batch batch = TestSpecs.learnableBatch(spec, 16, new SplittableRandom(4));
        float[] expected = reference(spec, config, params, batch);
        try (WideDeepPredictor predictor = WideDeepPredictor.load(spec, config, "ref", params)) {
            assertThat(predictor.predict(batch)).containsExactly(expected, within(1e-5f));
        }
    }

    /**
     * A prediction builds its inputs on the host (embedding means read from the table's memory); training gathers
     * rows and multiplies sparse matrices. Both must give the same logits, for every kind of feature, with empty
     * slots and with rows whose every slot is empty.
     */
    @Test
    void shouldPredictTheLogitsOfTheTrainingPath() {
        FeatureSpec spec = TestSpecs.tiny();
        ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(6, 5)).seed(11).build();
        try (WideDeepModel model = WideDeepModel.allocate(spec, config)) {
            model.initialise();
            SplittableRandom rng = new SplittableRandom(12);
            for (int i = 0; i < model.wide.length; i++) {
                model.wide[i] = (float) (rng.nextDouble() - 0.5);
            }
            Batch learnable = TestSpecs.learnableBatch(spec, 32, rng);
            int[] cat = learnable.categorical().clone();
            java.util.Arrays.fill(cat, 0, spec.categoricalSlots(), -1); // row 0: nothing known
            Batch batch = new Batch(32, cat, learnable.numeric(), null);
            try (NDManager scope = model.manager.newSubManager()) {
                scope.tempAttachAll(model.persistentArrays());
                float[] sparse = model.forward(scope, model.encoder.encode(batch, false), false).logits()
                        .toFloatArray();
                float[] host = model.predictLogits(scope, batch).toFloatArray();
                assertThat(host).containsExactly(sparse, within(1e-5f));
            }
        }
    }

    private static float[] reference(FeatureSpec spec, ModelConfig config, InMemoryTensors p, Batch batch) {
        int width = spec.deepInputWidth();
        float[] out = new float[batch.size()];
        List<CategoricalFeature> cats = spec.categorical();
        for (int r = 0; r < batch.size(); r++) {
            double[] x = new double[width];
            int col = 0;
            double wide = p.values("block/wide_bias")[0];
            for (int i = 0; i < cats.size(); i++) {
                CategoricalFeature f = cats.get(i);
                int first = r * spec.categoricalSlots() + spec.slotOffset(i);
                int count = 0;
                for (int s = 0; s < f.slots(); s++) {
                    int b = batch.categorical()[first + s];
                    if (b < 0) {
                        continue;
                    }
                    count++;
                    wide += p.values("wide/" + f.name())[b];
                    if (f.indicator()) {
                        x[col + b] += 1;
                    } else {
                        for (int d = 0; d < f.embeddingDim(); d++) {
                            x[col + d] += p.values("embedding/" + f.name())[b * f.embeddingDim() + d];
                        }
                    }
                }
                if (!f.indicator() && count > 0) {
                    for (int d = 0; d < f.embeddingDim(); d++) {
                        x[col + d] /= count;
                    }
                }
                col += f.deepWidth();
            }
            for (CrossedFeature cross : spec.crosses()) {
                int first = batch.categorical()[r * spec.categoricalSlots()
                        + spec.slotOffset(spec.categoricalIndex(cross.first()))];
                int second = batch.categorical()[r * spec.categoricalSlots()
                        + spec.slotOffset(spec.categoricalIndex(cross.second()))];
                if (first >= 0 && second >= 0) {
                    int secondBuckets = cats.get(spec.categoricalIndex(cross.second())).buckets();
                    wide += p.values("wide/" + cross.name())[first * secondBuckets + second];
                }
            }
            for (int k = 0; k < spec.numericCount(); k++) {
                float v = batch.numeric()[r * spec.numericCount() + k];
                x[col++] = v;
                wide += v * p.values("block/wide_numeric")[k];
            }
            double[] h = x;
            List<Integer> units = config.deepHiddenUnits();
            for (int layer = 0; layer <= units.size(); layer++) {
                String name = layer < units.size() ? "hidden" + (layer + 1) : "logit";
                float[] w = p.values(blockName(spec, config, name + "_weight"));
                float[] bias = p.values(blockName(spec, config, name + "_bias"));
                double[] next = new double[bias.length];
                for (int o = 0; o < next.length; o++) {
                    double sum = bias[o];
                    for (int in = 0; in < h.length; in++) {
                        sum += w[o * h.length + in] * h[in];
                    }
                    next[o] = layer < units.size() ? Math.max(0, sum) : sum;
                }
                h = next;
            }
            out[r] = (float) (1 / (1 + Math.exp(-(h[0] + wide))));
        }
        return out;
    }

    /** The full parameter name of a block parameter, whatever index prefix DJL gives the child block. */
    private static String blockName(FeatureSpec spec, ModelConfig config, String suffix) {
        WideDeepBlock block = WideDeepBlock.builder().setDeepInputWidth(spec.deepInputWidth())
                .optHiddenUnits(config.deepHiddenUnits()).optNumericCount(spec.numericCount()).build();
        return block.getParameters().keys().stream().filter(k -> k.matches("\\d+" + suffix)).findFirst()
                .map(k -> "block/" + k).orElseThrow(() -> new AssertionError("no parameter " + suffix + " in "
                        + block.getParameters().keys()));
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
