package dev.wnd.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FtrlOptimizerTest {

    /**
     * Three steps from w = 0, accum = 0.1, linear = 0 with gradients 0.5, -0.3, 0.8, checked against TF's ApplyFtrl
     * formulas evaluated by hand (in double precision): e.g. for lr 0.2, power -0.5, l1 = l2 = 0, step 1 gives
     * accum 0.35, linear 0.5 - (sqrt(.35) - sqrt(.1)) / .2 * 0 = 0.5, w = -0.5 / (sqrt(.35) / .2) = -0.169030851.
     */
    @ParameterizedTest(name = "lr {0}, power {1}, l1 {2}, l2 {3}")
    @CsvSource({
        "0.2, -0.5, 0.0, 0.0,  -0.169030851, 0.500000000, -0.078577448, 0.260611911, -0.232537519, 1.208300395",
        "0.2, -0.5, 0.3, 0.1,  -0.063330422, 0.500000000,  0.000000000, 0.222709333, -0.133930489, 1.022709333",
        "0.1, -0.3, 0.0, 0.05, -0.067583293, 0.500000000, -0.029689780, 0.235051686, -0.107107369, 1.106801394"})
    void shouldMatchHandComputedTfFtrlUpdatesOverThreeSteps(float lr, float power, float l1, float l2,
            float w1, float lin1, float w2, float lin2, float w3, float lin3) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                FtrlOptimizer ftrl = FtrlOptimizer.builder().setStateManager(manager).optLearningRate(lr)
                        .optLearningRatePower(power).optL1(l1).optL2(l2).build()) {
            NDArray weight = manager.create(new float[] {0f});
            float[] grads = {0.5f, -0.3f, 0.8f};
            float[][] expected = {{w1, lin1, 0.35f}, {w2, lin2, 0.44f}, {w3, lin3, 1.08f}};
            for (int step = 0; step < 3; step++) {
                ftrl.update("w", weight, manager.create(new float[] {grads[step]}));
                assertThat(weight.getFloat(0)).as("weight after step %d", step + 1)
                        .isCloseTo(expected[step][0], within(1e-6f));
                assertThat(ftrl.linear("w", weight).getFloat(0)).as("linear after step %d", step + 1)
                        .isCloseTo(expected[step][1], within(1e-6f));
                assertThat(ftrl.accumulator("w", weight).getFloat(0)).as("accumulator after step %d", step + 1)
                        .isCloseTo(expected[step][2], within(1e-6f));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0.0, 0.0", "0.3, 0.1"})
    void shouldLeaveAWeightUnchangedByAZeroGradient(float l1, float l2) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                FtrlOptimizer ftrl = FtrlOptimizer.builder().setStateManager(manager).optL1(l1).optL2(l2)
                        .build()) {
            NDArray weight = manager.create(new float[] {0f, 0f});
            ftrl.update("w", weight, manager.create(new float[] {0.9f, 0f}));
            float[] before = weight.toFloatArray();
            ftrl.update("w", weight, manager.create(new float[] {0f, 0f}));
            assertThat(weight.toFloatArray()).containsExactly(before);
        }
    }
}
