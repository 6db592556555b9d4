package dev.wnd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.features.spec.FeatureSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WideDeepTrainerTest {

    private final FeatureSpec spec = TestSpecs.tiny();

    @Test
    void shouldReduceLossOnALearnableSyntheticProblem() {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, TestSpecs.tinyConfig(7))) {
            SplittableRandom rng = new SplittableRandom(1);
            float first = 0;
            float last = 0;
            for (int i = 0; i < 150; i++) {
                TrainResult r = trainer.trainBatch(TestSpecs.learnableBatch(spec, 64, rng));
                assertThat(r.count()).isEqualTo(64);
                assertThat(r.applied()).isTrue();
                if (i < 10) {
                    first += r.loss() / 10;
                }
                if (i >= 140) {
                    last += r.loss() / 10;
                }
            }
            assertThat(trainer.step()).isEqualTo(150);
            assertThat(trainer.examplesTrained()).isEqualTo(150 * 64);
            assertThat(first).isGreaterThan(0.5f);
            assertThat(last).isLessThan(0.1f);
        }
    }

    @Test
    void shouldProduceBitIdenticalParametersGivenTheSameSeedAndBatches() {
        List<Batch> batches = batches(20, 32, 5);
        InMemoryTensors[] first = trainAndCapture(TestSpecs.tinyConfig(11), batches);
        InMemoryTensors[] second = trainAndCapture(TestSpecs.tinyConfig(11), batches);
        InMemoryTensors[] otherSeed = trainAndCapture(TestSpecs.tinyConfig(12), batches);
        assertThat(first[0].bitIdentical(second[0])).as("parameters differ: %s", first[0].differingNames(second[0]))
                .isTrue();
        assertThat(first[1].bitIdentical(second[1])).as("optimizer state").isTrue();
        assertThat(first[0].bitIdentical(otherSeed[0])).isFalse();
    }

    @Test
    void shouldBeDeterministicWithDropoutToo() {
        ModelConfig config = TestSpecs.tinyConfig(3).toBuilder().deepDropout(0.5).build();
        List<Batch> batches = batches(5, 32, 6);
        assertThat(trainAndCapture(config, batches)[0].bitIdentical(trainAndCapture(config, batches)[0])).isTrue();
    }

    @Test
    void shouldUpdateOnlyTouchedEmbeddingRows() {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, TestSpecs.tinyConfig(5))) {
            InMemoryTensors before = InMemoryTensors.parametersOf(trainer);
            InMemoryTensors stateBefore = InMemoryTensors.optimizerStateOf(trainer);
            // feature a only uses buckets 1 and 3; b only 6 (two sub-rows of the fused table); m only 0 and 4
            Batch batch = new Batch(2, new int[] {1, 6, 0, -1, 4, 0, 3, 6, -1, -1, -1, 2},
                    new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new float[] {1f, 0f});
            trainer.trainBatch(batch);
            InMemoryTensors after = InMemoryTensors.parametersOf(trainer);
            InMemoryTensors stateAfter = InMemoryTensors.optimizerStateOf(trainer);
            assertThat(changedRows(before.values("embedding/a"), after.values("embedding/a"), 4)).containsExactly(1, 3);
            assertThat(changedRows(before.values("embedding/b"), after.values("embedding/b"), 8)).containsExactly(6);
            assertThat(changedRows(before.values("embedding/m"), after.values("embedding/m"), 4)).containsExactly(0, 4);
            assertThat(changedRows(stateBefore.values("embedding/a/adagrad_accumulator"),
                    stateAfter.values("embedding/a/adagrad_accumulator"), 4)).containsExactly(1, 3);
            assertThat(changedRows(before.values("wide/a"), after.values("wide/a"), 1)).containsExactly(1, 3);
            assertThat(changedRows(before.values("wide/ind"), after.values("wide/ind"), 1)).containsExactly(0, 2);
            assertThat(changedRows(stateBefore.values("wide/m/ftrl_linear"), stateAfter.values("wide/m/ftrl_linear"),
                    1)).containsExactly(0, 4);
        }
    }

    @Test
    void shouldNotMoveTheDeepPartOnTheFirstWarmupStep() {
        ModelConfig config = TestSpecs.tinyConfig(5).toBuilder().deepWarmupSteps(4).build();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            InMemoryTensors before = InMemoryTensors.parametersOf(trainer);
            List<Batch> batches = batches(2, 16, 9);
            trainer.trainBatch(batches.get(0));
            InMemoryTensors afterFirst = InMemoryTensors.parametersOf(trainer);
            // global step 0: deep learning rate 1.0 * 0 / 4 = 0; the wide part (FTRL, no warm-up) moves
            assertThat(afterFirst.differingNames(before)).allMatch(name -> name.startsWith("wide/")
                    || name.equals("block/wide_numeric") || name.equals("block/wide_bias")).isNotEmpty();
            trainer.trainBatch(batches.get(1));
            assertThat(InMemoryTensors.parametersOf(trainer).differingNames(afterFirst))
                    .contains("embedding/a", "block/01hidden1_weight");
        }
    }

    @Test
    void shouldRejectAMalformedBatchWithoutChangingTheModel() {
        List<Batch> batches = batches(3, 16, 4);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, TestSpecs.tinyConfig(5));
                WideDeepTrainer reference = WideDeepTrainer.create(spec, TestSpecs.tinyConfig(5))) {
            trainer.trainBatch(batches.get(0));
            reference.trainBatch(batches.get(0));
            Batch bad = batches.get(1);
            int[] cat = bad.categorical().clone();
            cat[cat.length - 1] = 3; // ind has buckets 0..2
            assertThatThrownBy(() -> trainer.trainBatch(new Batch(bad.size(), cat, bad.numeric(), bad.labels())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ind");
            assertThatThrownBy(() -> trainer.trainBatch(new Batch(bad.size(), bad.categorical(), bad.numeric(),
                    null))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> trainer.trainBatch(new Batch(1, new int[5], new float[2], new float[1])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("categorical");
            assertThat(trainer.step()).isEqualTo(1);
            trainer.trainBatch(batches.get(2));
            reference.trainBatch(batches.get(2));
            assertThat(InMemoryTensors.parametersOf(trainer).bitIdentical(InMemoryTensors.parametersOf(reference)))
                    .isTrue();
        }
    }

    @Test
    void shouldKeepNativeMemoryConstantAcrossBatches() {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, TestSpecs.tinyConfig(5))) {
            List<Batch> batches = batches(30, 32, 8);
            trainer.trainBatch(batches.get(0));
            trainer.predict(batches.get(0));
            int afterOne = trainer.liveArrayCount();
            for (Batch b : batches) {
                trainer.trainBatch(b);
                trainer.predict(b);
            }
            InMemoryTensors.parametersOf(trainer);
            InMemoryTensors.optimizerStateOf(trainer);
            assertThat(trainer.liveArrayCount()).isEqualTo(afterOne);
        }
    }

    @Test
    void shouldPredictProbabilitiesWithoutChangingTheModel() {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, TestSpecs.tinyConfig(5))) {
            Batch batch = batches(1, 10, 3).get(0);
            InMemoryTensors before = InMemoryTensors.parametersOf(trainer);
            float[] p = trainer.predict(batch);
            assertThat(p).hasSize(10);
            assertThat(boxed(p)).allSatisfy(v -> assertThat(v).isBetween(0f, 1f));
            assertThat(trainer.predict(batch)).containsExactly(p);
            assertThat(InMemoryTensors.parametersOf(trainer).bitIdentical(before)).isTrue();
            assertThat(trainer.predict(new Batch(0, new int[0], new float[0], null))).isEmpty();
        }
    }

    @Test
    void shouldInitialiseLikeTheSeed() {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, TestSpecs.tinyConfig(5))) {
            InMemoryTensors p = InMemoryTensors.parametersOf(trainer);
            assertThat(p.values("wide/a")).containsOnly(0f);
            assertThat(p.values("block/wide_numeric")).containsOnly(0f);
            assertThat(p.values("block/01hidden1_bias")).containsOnly(0f);
            // truncated normal, sigma 1/sqrt(dim), re-drawn beyond 2 sigma
            assertThat(boxed(p.values("embedding/b"))).allSatisfy(v -> assertThat(Math.abs(v))
                    .isLessThanOrEqualTo((float) (2 / Math.sqrt(8)))).doesNotContain(0f);
            // Glorot uniform: limit sqrt(6 / (21 + 8))
            assertThat(boxed(p.values("block/01hidden1_weight"))).allSatisfy(v -> assertThat(Math.abs(v))
                    .isLessThanOrEqualTo((float) Math.sqrt(6.0 / 29)));
            InMemoryTensors state = InMemoryTensors.optimizerStateOf(trainer);
            assertThat(state.values("embedding/a/adagrad_accumulator")).containsOnly(0.1f);
            assertThat(state.values("wide/a/ftrl_accumulator")).containsOnly(0.1f);
            assertThat(state.values("wide/a/ftrl_linear")).containsOnly(0f);
        }
    }

    @Test
    void shouldTrainWithMixedPrecisionAndADynamicLossScale() {
        ModelConfig config = TestSpecs.tinyConfig(5).toBuilder().amp(true).build();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            SplittableRandom rng = new SplittableRandom(2);
            float first = trainer.trainBatch(TestSpecs.learnableBatch(spec, 64, rng)).loss();
            float last = first;
            for (int i = 0; i < 100; i++) {
                last = trainer.trainBatch(TestSpecs.learnableBatch(spec, 64, rng)).loss();
            }
            assertThat(last).isLessThan(first);
            assertThat(InMemoryTensors.optimizerStateOf(trainer).values(WideDeepTrainer.LOSS_SCALE))
                    .containsExactly(LossScaler.INITIAL_SCALE);
        }
    }

    @Test
    void shouldTrainTheFullSeedShapeOnASmallBatch() {
        FeatureSpec seed = FeatureSpec.seed();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(seed, ModelConfig.defaults())) {
            assertThat(trainer.block().deepInputWidth()).isEqualTo(1328);
            Batch batch = randomBatch(seed, 8, new SplittableRandom(1));
            float[] before = trainer.predict(batch);
            TrainResult r = trainer.trainBatch(batch);
            assertThat(r.loss()).isFinite().isPositive();
            float[] after = trainer.predict(batch);
            assertThat(boxed(after)).allSatisfy(v -> assertThat(v).isBetween(0f, 1f));
            assertThat(after).isNotEqualTo(before);
        }
    }

    /** Uniform ids over the full bucket ranges, a quarter of the slots empty. */
    static Batch randomBatch(FeatureSpec s, int size, SplittableRandom rng) {
        int[] cat = new int[size * s.categoricalSlots()];
        for (int r = 0; r < size; r++) {
            for (int i = 0; i < s.categorical().size(); i++) {
                var f = s.categorical().get(i);
                for (int k = 0; k < f.slots(); k++) {
                    cat[r * s.categoricalSlots() + s.slotOffset(i) + k] = rng.nextInt(4) == 0 ? -1
                            : rng.nextInt(f.buckets());
                }
            }
        }
        float[] num = new float[size * s.numericCount()];
        float[] labels = new float[size];
        for (int i = 0; i < num.length; i++) {
            num[i] = (float) rng.nextDouble();
        }
        for (int i = 0; i < size; i++) {
            labels[i] = rng.nextInt(2);
        }
        return new Batch(size, cat, num, labels);
    }

    private List<Batch> batches(int count, int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Batch> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(TestSpecs.learnableBatch(spec, size, rng));
        }
        return list;
    }

    private InMemoryTensors[] trainAndCapture(ModelConfig config, List<Batch> batches) {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            for (Batch b : batches) {
                trainer.trainBatch(b);
            }
            return new InMemoryTensors[] {InMemoryTensors.parametersOf(trainer),
                InMemoryTensors.optimizerStateOf(trainer)};
        }
    }

    private static List<Float> boxed(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static List<Integer> changedRows(float[] before, float[] after, int width) {
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < before.length / width; r++) {
            for (int d = 0; d < width; d++) {
                if (before[r * width + d] != after[r * width + d]) {
                    rows.add(r);
                    break;
                }
            }
        }
        return rows;
    }
}
