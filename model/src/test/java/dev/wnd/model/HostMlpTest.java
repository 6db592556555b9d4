package dev.wnd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.wnd.features.spec.FeatureSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HostMlpTest {

    /**
     * Every row count from 1 to 33 (whole blocks of four rows, and one to three rows after them), with every
     * parameter random and non-zero (biases, wide numeric weights and bias included): the host's probabilities
     * equal libtorch's up to float rounding.
     */
    @Test
    void shouldComputeTheProbabilitiesOfLibtorchForEveryRowCount() {
        FeatureSpec spec = TestSpecs.tiny();
        ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(32, 16)).seed(5).build();
        try (WideDeepModel model = randomModel(spec, config)) {
            HostMlp mlp = HostMlp.of(model.block);
            SplittableRandom rng = new SplittableRandom(8);
            for (int rows = 1; rows <= 33; rows++) {
                Batch batch = TestSpecs.learnableBatch(spec, rows, rng);
                float[] host = model.predictOnHost(batch, mlp);
                float[] libtorch = libtorch(model, batch);
                assertThat(host).as("%d rows", rows).containsExactly(libtorch, within(1e-6f));
            }
        }
    }

    /**
     * Displays of 1 to 9 ads whose rows repeat their request's slots (the first layer sums a request's columns once
     * per run): every row's probability is bit for bit the one it has alone.
     */
    @Test
    void shouldGiveEachAdOfADisplayTheProbabilityItHasAlone() {
        FeatureSpec spec = TestSpecs.tiny();
        ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(32, 16)).seed(5).build();
        int slots = spec.categoricalSlots();
        int numerics = spec.numericCount();
        try (WideDeepModel model = randomModel(spec, config)) {
            HostMlp mlp = HostMlp.of(model.block);
            SplittableRandom rng = new SplittableRandom(9);
            int[] adsPerDisplay = {3, 1, 9, 4, 2, 5};
            int rows = 24;
            Batch random = TestSpecs.learnableBatch(spec, rows, rng);
            int[] cat = random.categorical().clone();
            int row = 0;
            for (int ads : adsPerDisplay) {
                for (int i = 1; i < ads; i++) { // the request slots (a; then m and ind after the ad's b) of the first
                    cat[(row + i) * slots] = cat[row * slots];
                    System.arraycopy(cat, row * slots + 2, cat, (row + i) * slots + 2, slots - 2);
                }
                row += ads;
            }
            float[] num = random.numeric();
            float[] batch = model.predictOnHost(new Batch(rows, cat, num, null), mlp);
            for (int r = 0; r < rows; r++) {
                Batch alone = new Batch(1, java.util.Arrays.copyOfRange(cat, r * slots, (r + 1) * slots),
                        java.util.Arrays.copyOfRange(num, r * numerics, (r + 1) * numerics), null);
                assertThat(batch[r]).as("row %d", r).isEqualTo(model.predictOnHost(alone, mlp)[0]);
            }
        }
    }

    @Test
    void shouldServeSmallBatchesOnTheHostWhenTheVectorModuleIsThere() throws Exception {
        FeatureSpec spec = TestSpecs.tiny();
        ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(32, 16)).seed(5).build();
        InMemoryTensors params;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            params = InMemoryTensors.parametersOf(trainer);
        }
        // The build's test JVMs run with --add-modules jdk.incubator.vector, as ./wnd runs the scorer.
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
        try (WideDeepPredictor predictor = WideDeepPredictor.load(spec, config, "v", params);
                WideDeepPredictor odd = WideDeepPredictor.load(spec,
                        config.toBuilder().deepHiddenUnits(List.of(6, 5)).build(), "v", shapedLike(spec, 6, 5))) {
            assertThat(predictor.computesOnHost()).isEqualTo(HostMlp.vectorsAreNative());
            assertThat(odd.computesOnHost()).as("layers not a multiple of 16 wide").isFalse();
        }
    }

    @Test
    void shouldRefuseLayersThatAreNotMultiplesOfSixteenWide() {
        FeatureSpec spec = TestSpecs.tiny();
        ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(32, 12)).build();
        try (WideDeepModel model = WideDeepModel.allocate(spec, config)) {
            assertThat(HostMlp.fits(model.block)).isFalse();
            assertThatThrownBy(() -> HostMlp.of(model.block)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[32, 12]");
        }
    }

    private static InMemoryTensors shapedLike(FeatureSpec spec, Integer... hidden) {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec,
                ModelConfig.builder().deepHiddenUnits(List.of(hidden)).build())) {
            return InMemoryTensors.parametersOf(trainer);
        }
    }

    /** Glorot weights, then every bias, the wide table and the wide dense weights random too. */
    private static WideDeepModel randomModel(FeatureSpec spec, ModelConfig config) {
        WideDeepModel model = WideDeepModel.allocate(spec, config);
        model.initialise();
        SplittableRandom rng = new SplittableRandom(6);
        for (int i = 0; i < model.wide.length; i++) {
            model.wide[i] = (float) (rng.nextDouble() - 0.5);
        }
        for (Pair<String, Parameter> p : model.block.getParameters()) {
            if (p.getKey().endsWith("bias") || p.getKey().startsWith("wide_")) {
                NDArray array = p.getValue().getArray();
                float[] values = new float[Math.toIntExact(array.size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (rng.nextDouble() - 0.5);
                }
                array.set(values);
            }
        }
        return model;
    }

    private static float[] libtorch(WideDeepModel model, Batch batch) {
        try (NDManager scope = model.manager.newSubManager()) {
            scope.tempAttachAll(model.persistentArrays());
            return Activation.sigmoid(model.predictLogits(scope, batch)).toFloatArray();
        }
    }
}
