package dev.wnd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import dev.wnd.features.spec.FeatureSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The scorer's model versions: loaded or derived by deltas, they serve exactly the trainer's parameters, and a
 * version never changes while threads score with it.
 */
class ServingModelTest {

    private final FeatureSpec spec = TestSpecs.tiny();
    /** Hidden layers multiples of 16, so that the host MLP takes small batches when the vector module is there. */
    private final ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(32, 16)).seed(11)
            .deepWarmupSteps(2).build();
    /** Segments of 3 pages of the tiny spec's embedding table: its 53 sub-rows of 4 floats span several. */
    private static final int SEGMENT_FLOATS = 3 * 256 * 4;

    private static Batch batch(FeatureSpec spec, int rows, long seed) {
        return TestSpecs.learnableBatch(spec, rows, new SplittableRandom(seed));
    }

    @Test
    void shouldPredictBitForBitAsThePredictorOfTheSameParametersAndWithoutTheHostMlpAsTheTrainer()
            throws Exception {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batch(spec, 64, 1));
            InMemoryTensors parameters = InMemoryTensors.parametersOf(trainer);
            try (ServingModel model = ServingModel.load(spec, config, "v1", parameters, SEGMENT_FLOATS);
                    WideDeepPredictor reference = WideDeepPredictor.load(spec, config, "v1", parameters);
                    ServingPredictor host = model.newPredictor();
                    ServingPredictor libtorch = model.newPredictor(false)) {
                assertThat(host.computesOnHost()).isEqualTo(reference.computesOnHost());
                assertThat(libtorch.computesOnHost()).isFalse();
                for (int rows : new int[] {1, 5, 32, 33, 70}) {
                    Batch b = batch(spec, rows, 100 + rows);
                    assertThat(host.predict(b)).as("%d rows", rows).containsExactly(reference.predict(b));
                    assertThat(libtorch.predict(b)).as("%d rows", rows).containsExactly(trainer.predict(b));
                }
                assertThat(host.predict(new Batch(0, new int[0], new float[0], null))).isEmpty();
                InMemoryTensors served = new InMemoryTensors();
                model.writeParameters(served);
                assertThat(served.bitIdentical(parameters)).as("differing: %s", served.differingNames(parameters))
                        .isTrue();
            }
        }
    }

    @Test
    void shouldDeriveAVersionExactlyAsTheTrainersAndLeaveTheVersionItCameFromUnchanged() throws Exception {
        Batch probe = batch(spec, 40, 9);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batch(spec, 64, 1));
            InMemoryTensors before = InMemoryTensors.parametersOf(trainer);
            trainer.clearChangedRows();
            float[] oldAnswer = trainer.predict(probe);
            trainer.trainBatch(batch(spec, 8, 2)); // a few rows only
            InMemoryTensors delta = new InMemoryTensors();
            trainer.writeParameterDelta(delta);
            InMemoryTensors after = InMemoryTensors.parametersOf(trainer);

            try (ServingModel v1 = ServingModel.load(spec, config, "v1", before, SEGMENT_FLOATS);
                    ServingModel v2 = v1.withDeltas(List.of(delta), "v2");
                    ServingPredictor old = v1.newPredictor(false);
                    ServingPredictor fresh = v2.newPredictor(false)) {
                assertThat(fresh.modelVersion()).isEqualTo("v2");
                assertThat(fresh.predict(probe)).containsExactly(trainer.predict(probe));
                assertThat(old.predict(probe)).containsExactly(oldAnswer);
                InMemoryTensors served = new InMemoryTensors();
                v2.writeParameters(served);
                assertThat(served.bitIdentical(after)).as("differing: %s", served.differingNames(after)).isTrue();
                InMemoryTensors kept = new InMemoryTensors();
                v1.writeParameters(kept);
                assertThat(kept.bitIdentical(before)).isTrue();
            }
        }
    }

    @Test
    void shouldRefuseADeltaThatDoesNotFitAndKeepServing() throws Exception {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            InMemoryTensors parameters = InMemoryTensors.parametersOf(trainer);
            trainer.trainBatch(batch(spec, 16, 3));
            InMemoryTensors delta = new InMemoryTensors();
            trainer.writeParameterDelta(delta);
            InMemoryTensors outOfRange = new InMemoryTensors();
            delta.tensors().forEach((name, t) -> outOfRange.put(name, t.shape(), t.values().clone()));
            outOfRange.values("embedding/a/rows")[0] = 10; // "a" has 10 buckets
            InMemoryTensors lacking = new InMemoryTensors();
            delta.tensors().forEach((name, t) -> {
                if (!name.startsWith("block/")) {
                    lacking.put(name, t.shape(), t.values());
                }
            });
            InMemoryTensors extra = new InMemoryTensors();
            delta.tensors().forEach((name, t) -> extra.put(name, t.shape(), t.values()));
            extra.put("embedding/zz/rows", new Shape(1), new float[] {0});

            try (ServingModel model = ServingModel.load(spec, config, "v1", parameters);
                    ServingPredictor p = model.newPredictor()) {
                float[] before = p.predict(batch(spec, 4, 5));
                assertThatThrownBy(() -> model.withDeltas(List.of(delta, outOfRange), "v3"))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names bucket 10");
                assertThatThrownBy(() -> model.withDeltas(List.of(lacking), "v2"))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks the dense");
                assertThatThrownBy(() -> model.withDeltas(List.of(extra), "v2"))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("embedding/zz/rows");
                assertThatThrownBy(() -> model.withDeltas(List.of(), "v2"))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(p.predict(batch(spec, 4, 5))).containsExactly(before);
            }
        }
    }

    /**
     * A version derived after an older one was given up fills that version's block (native and host arrays) again:
     * it answers exactly as its own parameters, and the version it came from, still served, does not change.
     */
    @Test
    void shouldAnswerExactlyFromTheBlockOfAVersionGivenUpAndLeaveTheOthersAlone() throws Exception {
        Batch small = batch(spec, 6, 31);
        Batch large = batch(spec, 40, 32);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            ServingModel v0 = ServingModel.load(spec, config, "v0", InMemoryTensors.parametersOf(trainer));
            ServingModel v1 = v0.withDeltas(List.of(step(trainer, 41)), "v1");
            float[][] atV1 = answers(trainer, small, large);
            v0.close(); // nothing uses v0 any more: its block waits for the next version
            ServingModel v2 = v1.withDeltas(List.of(step(trainer, 42)), "v2");
            float[][] atV2 = answers(trainer, small, large);
            ServingModel v3 = v2.withDeltas(List.of(step(trainer, 43)), "v3"); // a new block: v1's is in use
            float[][] atV3 = answers(trainer, small, large);
            try (ServingPredictor p1 = v1.newPredictor(); ServingPredictor p2 = v2.newPredictor();
                    ServingPredictor p3 = v3.newPredictor()) {
                assertThat(p1.predict(small)).containsExactly(atV1[0]);
                assertThat(p1.predict(large)).containsExactly(atV1[1]);
                assertThat(p2.predict(small)).containsExactly(atV2[0]);
                assertThat(p2.predict(large)).containsExactly(atV2[1]);
                assertThat(p3.predict(small)).containsExactly(atV3[0]);
                assertThat(p3.predict(large)).containsExactly(atV3[1]);
            } finally {
                v1.close();
                v2.close();
                v3.close();
            }
        }
    }

    /** Trains one batch and returns the delta of what it changed. */
    private InMemoryTensors step(WideDeepTrainer trainer, long seed) throws Exception {
        trainer.clearChangedRows();
        trainer.trainBatch(batch(spec, 32, seed));
        InMemoryTensors delta = new InMemoryTensors();
        trainer.writeParameterDelta(delta);
        return delta;
    }

    @Test
    void shouldFreeTheBlockOnlyWhenTheModelAndEveryPredictorAreClosed() throws Exception {
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            ServingModel model = ServingModel.load(spec, config, "v1", InMemoryTensors.parametersOf(trainer));
            ServingPredictor p = model.newPredictor(false);
            Batch b = batch(spec, 40, 4);
            float[] expected = p.predict(b);
            model.close();
            model.close();

            assertThat(model.tryNewPredictor()).isNull();
            assertThatThrownBy(model::newPredictor).isInstanceOf(IllegalStateException.class);
            assertThat(p.predict(b)).containsExactly(expected); // the block lives on for its predictor
            p.close();
            p.close();
            assertThatThrownBy(() -> p.predict(b)).isInstanceOf(IllegalStateException.class);
        }
    }

    /**
     * Two threads score all the time, each pass with a predictor of the version published at its start, while
     * versions are derived and published one after the other and the old ones closed: every pass answers exactly
     * as its version (the trainer's probabilities at that version, bit for bit), never a mix of two.
     */
    @Test
    void shouldAnswerEveryPassWithExactlyOneVersionWhileNewVersionsAreApplied() throws Exception {
        Batch small = batch(spec, 6, 21);
        Batch large = batch(spec, 48, 22);
        int versions = 12;
        Map<String, float[][]> expected = new ConcurrentHashMap<>();
        List<InMemoryTensors> deltas = new ArrayList<>();
        InMemoryTensors first;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            first = InMemoryTensors.parametersOf(trainer);
            expected.put("v0", answers(trainer, small, large));
            for (int v = 1; v <= versions; v++) {
                trainer.clearChangedRows();
                trainer.trainBatch(batch(spec, 32, 1000 + v));
                InMemoryTensors d = new InMemoryTensors();
                trainer.writeParameterDelta(d);
                deltas.add(d);
                expected.put("v" + v, answers(trainer, small, large));
            }
        }
        AtomicReference<ServingModel> published = new AtomicReference<>(
                ServingModel.load(spec, config, "v0", first, SEGMENT_FLOATS));
        AtomicBoolean done = new AtomicBoolean();
        List<String> mixed = new CopyOnWriteArrayList<>();
        AtomicLong passes = new AtomicLong();
        Runnable scorer = () -> {
            // one predictor kept from the first version throughout: it must keep answering as that version
            try (ServingPredictor kept = published.get().newPredictor(false)) {
                while (!done.get()) {
                    try (ServingPredictor p = published.get().tryNewPredictor()) {
                        if (p == null) {
                            continue; // closed between the read and the take: read again
                        }
                        check(p, small, expected.get(p.modelVersion())[0], mixed);
                        check(p, large, expected.get(p.modelVersion())[1], mixed);
                        passes.incrementAndGet();
                    }
                    check(kept, large, expected.get(kept.modelVersion())[1], mixed);
                }
            }
        };
        List<Thread> threads = List.of(new Thread(scorer, "scorer-1"), new Thread(scorer, "scorer-2"));
        threads.forEach(Thread::start);
        try {
            for (int v = 1; v <= versions; v++) {
                ServingModel current = published.get();
                published.set(current.withDeltas(List.of(deltas.get(v - 1)), "v" + v));
                current.close();
                Thread.sleep(20);
            }
        } finally {
            done.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            published.get().close();
        }
        assertThat(mixed).isEmpty();
        assertThat(passes.get()).isGreaterThan(versions);
    }

    /**
     * A version's answers to a small batch (the host MLP's, when there is one: as a version loaded in full from the
     * trainer's parameters answers) and to a large one (libtorch's: the trainer's).
     */
    private float[][] answers(WideDeepTrainer trainer, Batch small, Batch large) throws Exception {
        try (ServingModel full = ServingModel.load(spec, config, "full", InMemoryTensors.parametersOf(trainer));
                ServingPredictor p = full.newPredictor()) {
            return new float[][] {p.predict(small), trainer.predict(large)};
        }
    }

    private static void check(ServingPredictor p, Batch b, float[] expected, List<String> mixed) {
        float[] got = p.predict(b);
        if (!Arrays.equals(got, expected)) {
            mixed.add(p.modelVersion() + " answered " + Arrays.toString(got) + ", not " + Arrays.toString(expected));
        }
    }
}
