package dev.wnd.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class AdagradOptimizerTest {

    @Test
    void shouldMatchHandComputedTf1AdagradUpdatesOverThreeSteps() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                AdagradOptimizer adagrad = AdagradOptimizer.builder().setStateManager(manager).build()) {
            NDArray weight = manager.create(new float[] {1.0f, -2.0f});
            weight.setRequiresGradient(true);
            // accum += g^2; w -= lr * g / sqrt(accum), accum from 0.1, lr 1.0 (seed defaults)
            adagrad.setGlobalStep(0);
            adagrad.update("w", weight, manager.create(new float[] {0.5f, -1.0f}));
            assertThat(weight.toFloatArray()).containsExactly(new float[] {0.154845745f, -1.046537411f},
                    within(1e-6f));
            assertThat(adagrad.accumulator("w", weight).toFloatArray()).containsExactly(
                    new float[] {0.35f, 1.1f}, within(1e-7f));
            adagrad.update("w", weight, manager.create(new float[] {0.25f, 2.0f}));
            assertThat(weight.toFloatArray()).containsExactly(new float[] {-0.234403727f, -1.932152296f},
                    within(1e-6f));
            assertThat(adagrad.accumulator("w", weight).toFloatArray()).containsExactly(
                    new float[] {0.4125f, 5.1f}, within(1e-6f));
        }
    }

    @Test
    void shouldUseTheWarmupLearningRateOfTheGlobalStep() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                AdagradOptimizer adagrad = AdagradOptimizer.builder().setStateManager(manager)
                        .optLearningRate(1.0f).optWarmupSteps(2).build()) {
            NDArray weight = manager.create(new float[] {1.0f, -2.0f});
            NDArray accumulator = adagrad.accumulator("w", weight);
            accumulator.set(new ai.djl.ndarray.index.NDIndex(":"), manager.create(new float[] {0.4125f, 5.1f}));
            weight.set(new ai.djl.ndarray.index.NDIndex(":"),
                    manager.create(new float[] {-0.234403727f, -1.932152296f}));
            // step 1 of a 2-step warm-up: lr = 1.0 * 1 / 2 = 0.5
            adagrad.setGlobalStep(1);
            assertThat(adagrad.currentLearningRate()).isEqualTo(0.5f);
            adagrad.update("w", weight, manager.create(new float[] {-0.5f, 0.0f}));
            assertThat(weight.toFloatArray()).containsExactly(new float[] {0.072743832f, -1.932152296f},
                    within(1e-6f));
        }
    }

    @Test
    void shouldNotMoveWeightsAtStepZeroOfAWarmup() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                AdagradOptimizer adagrad = AdagradOptimizer.builder().setStateManager(manager)
                        .optWarmupSteps(10).build()) {
            NDArray weight = manager.create(new float[] {1.0f});
            adagrad.setGlobalStep(0);
            adagrad.update("w", weight, manager.create(new float[] {3.0f}));
            assertThat(weight.toFloatArray()).containsExactly(1.0f);
            assertThat(adagrad.accumulator("w", weight).toFloatArray()).containsExactly(new float[] {9.1f},
                    within(1e-6f));
        }
    }

    @Test
    void shouldZeroTheParameterGradientAfterUpdating() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                AdagradOptimizer adagrad = AdagradOptimizer.builder().setStateManager(manager).build()) {
            NDArray weight = manager.create(new float[] {1.0f, 2.0f});
            weight.setRequiresGradient(true);
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            NDArray loss = weight.mul(3f).sum();
            ai.djl.pytorch.jni.JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) loss,
                    (ai.djl.pytorch.engine.PtNDArray) loss.onesLike(), false, false);
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            adagrad.update("w", weight, weight.getGradient());
            assertThat(weight.getGradient().toFloatArray()).containsExactly(0f, 0f);
        }
    }

    @Test
    void shouldFollowTheSeedWarmupSchedule() {
        WarmupSchedule s = new WarmupSchedule(1.0f, 4);
        assertThat(new float[] {s.learningRate(0), s.learningRate(1), s.learningRate(2), s.learningRate(3),
                s.learningRate(4), s.learningRate(1000)}).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f, 1f);
        assertThat(new WarmupSchedule(0.5f, 0).learningRate(0)).isEqualTo(0.5f);
    }
}
