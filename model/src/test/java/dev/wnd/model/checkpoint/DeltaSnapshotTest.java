package dev.wnd.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureGroup;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.spec.NumericTransform;
import dev.wnd.model.Batch;
import dev.wnd.model.InMemoryTensors;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.TestSpecs;
import dev.wnd.model.ServingModel;
import dev.wnd.model.ServingPredictor;
import dev.wnd.model.WideDeepPredictor;
import dev.wnd.model.WideDeepTrainer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delta serving snapshots: what changed since a base version, applied on exactly that base. */
class DeltaSnapshotTest {

    @TempDir
    Path modelDir;

    private final FeatureSpec spec = TestSpecs.tiny();
    private final ModelConfig config = TestSpecs.tinyConfig(21).toBuilder().deepWarmupSteps(3).build();
    private final List<Batch> batches = new ArrayList<>();

    @BeforeEach
    void setUp() {
        SplittableRandom rng = new SplittableRandom(17);
        for (int i = 0; i < 8; i++) {
            batches.add(TestSpecs.learnableBatch(spec, 32, rng));
        }
    }

    @Test
    void shouldServeExactlyTheTrainersPredictionsFromAFullSnapshotAndAChainOfDeltas() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        float[] expected;
        CheckpointInfo full;
        CheckpointInfo first;
        CheckpointInfo second;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            full = store.saveServingSnapshot(trainer, Map.of("examples-0", 32L), 0, null);
            assertThat(trainer.changedRowCount()).isZero();
            trainer.trainBatch(batches.get(1));
            trainer.trainBatch(batches.get(2));
            assertThat(trainer.changedRowCount()).isPositive();
            first = store.saveServingDelta(trainer, full.version(), Map.of("examples-0", 96L), 0, null);
            trainer.trainBatch(batches.get(3));
            second = store.saveServingDelta(trainer, first.version(), Map.of("examples-0", 128L), 0, null);
            expected = trainer.predict(batches.get(7));
        }
        assertThat(first.version()).isEqualTo("delta-0000000002-s3");
        assertThat(second.manifest().baseVersion()).isEqualTo("delta-0000000002-s3");
        assertThat(second.manifest().files()).containsOnlyKeys("delta.bin");
        // a scorer's full load and a learner's resume never pick a delta
        assertThat(store.loadNewestServable().orElseThrow().version()).isEqualTo(full.version());
        assertThat(store.loadNewestValid()).isEmpty();
        assertThat(store.deltaOn(full.version())).contains(first.directory());

        try (ServingModel base = store.loadServable(full.directory()).loadServing(spec);
                ServingModel afterFirst = store.loadServableDelta(first.directory()).applyTo(base, spec);
                ServingModel afterSecond = store.loadServableDelta(second.directory()).applyTo(afterFirst, spec);
                ServingPredictor predictor = afterSecond.newPredictor(false);
                ServingPredictor basePredictor = base.newPredictor(false)) {
            assertThat(predictor.modelVersion()).isEqualTo(second.version());
            assertThat(predictor.predict(batches.get(7))).containsExactly(expected);
            // the bases do not change: the base still answers as the full snapshot did
            assertThat(basePredictor.modelVersion()).isEqualTo(full.version());
            assertThat(basePredictor.predict(batches.get(7))).isNotEqualTo(expected);
        }
    }

    /**
     * A table of 5 M floats (two heap segments, 20 MB) and a chain of ten deltas, reached one delta at a time and
     * several at once. The invariant, after every step: the version served holds the trainer's parameters bit for
     * bit; without the host MLP it answers as the trainer, bit for bit; with it, as a version loaded in full from
     * the same parameters, bit for bit (the host MLP itself differs from libtorch by a few ulps, full loads too);
     * and no version reached earlier changed.
     */
    @Test
    void shouldServeExactlyTheTrainersParametersAtEveryStepOfADeltaChainOnALargeTable() throws IOException {
        FeatureSpec large = new FeatureSpec("large-v1", List.of(
                new CategoricalFeature("user", FeatureGroup.REQUEST, 200_000, 16, 1),
                new CategoricalFeature("platform", FeatureGroup.REQUEST, 3, 0, 1),
                new CategoricalFeature("ad", FeatureGroup.ITEM, 60_000, 32, 1),
                new CategoricalFeature("topics", FeatureGroup.ITEM, 1_000, 16, 3)),
                List.of(new NumericFeature("x", FeatureGroup.ITEM, NumericTransform.RAW, 0)));
        ModelConfig largeConfig = ModelConfig.builder().deepHiddenUnits(List.of(32, 16)).seed(4).deepWarmupSteps(2)
                .build();
        SplittableRandom rng = new SplittableRandom(5);
        Batch small = displays(large, 2, 5, rng);
        Batch big = displays(large, 8, 6, rng);
        Set<Integer> applyAfter = Set.of(1, 3, 4, 8, 9, 10); // 1, 2+3, 4, 5..8, 9, 10
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        List<ServingModel> reached = new ArrayList<>();
        Map<String, float[][]> answers = new HashMap<>();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(large, largeConfig)) {
            trainer.trainBatch(displays(large, 16, 4, rng));
            CheckpointInfo full = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            ServingModel served = store.loadServable(full.directory()).loadServing(large);
            reached.add(served);
            answers.put(served.version(), expectExactly(served, trainer, largeConfig, small, big));
            String last = full.version();
            List<ServableDelta> pending = new ArrayList<>();
            for (int d = 1; d <= 10; d++) {
                trainer.trainBatch(displays(large, 16, 4, rng));
                CheckpointInfo delta = store.saveServingDelta(trainer, last, Map.of(), 0, null);
                last = delta.version();
                pending.add(store.loadServableDelta(delta.directory()));
                if (applyAfter.contains(d)) {
                    served = ServableDelta.applyChain(served, pending, large);
                    pending.clear();
                    reached.add(served);
                    assertThat(served.version()).isEqualTo(last);
                    answers.put(served.version(), expectExactly(served, trainer, largeConfig, small, big));
                }
            }
        } finally {
            for (ServingModel m : reached) {
                try (ServingPredictor host = m.newPredictor(); ServingPredictor libtorch = m.newPredictor(false)) {
                    float[][] expected = answers.get(m.version());
                    if (expected != null) {
                        assertThat(host.predict(small)).as("%s later", m.version()).containsExactly(expected[0]);
                        assertThat(libtorch.predict(big)).as("%s later", m.version()).containsExactly(expected[1]);
                    }
                }
                m.close();
            }
        }
        assertThat(reached).hasSize(7);
    }

    /**
     * Checks that {@code served} holds and answers exactly as the trainer (see the test above), and returns its
     * answers to {@code small} (host MLP) and {@code big} (libtorch).
     */
    private static float[][] expectExactly(ServingModel served, WideDeepTrainer trainer, ModelConfig config,
            Batch small, Batch big) throws IOException {
        InMemoryTensors parameters = InMemoryTensors.parametersOf(trainer);
        InMemoryTensors held = new InMemoryTensors();
        served.writeParameters(held);
        assertThat(held.bitIdentical(parameters)).as("%s: differing %s", served.version(),
                held.differingNames(parameters)).isTrue();
        try (ServingPredictor host = served.newPredictor();
                ServingPredictor libtorch = served.newPredictor(false);
                ServingModel loaded = ServingModel.load(served.spec(), config, "full", parameters);
                ServingPredictor loadedHost = loaded.newPredictor();
                WideDeepPredictor reference = WideDeepPredictor.load(served.spec(), config, "full", parameters)) {
            float[] onHost = host.predict(small);
            float[] onLibtorch = libtorch.predict(big);
            assertThat(libtorch.predict(small)).as(served.version()).containsExactly(trainer.predict(small));
            assertThat(onLibtorch).as(served.version()).containsExactly(trainer.predict(big));
            assertThat(onHost).as(served.version()).containsExactly(loadedHost.predict(small))
                    .containsExactly(reference.predict(small));
            assertThat(host.predict(big)).as(served.version()).containsExactly(onLibtorch); // beyond 32 rows: libtorch
            return new float[][] {onHost, onLibtorch};
        }
    }

    /** {@code displays} displays of {@code ads} ads each: the request's slots repeat on every ad's row. */
    private static Batch displays(FeatureSpec spec, int displays, int ads, SplittableRandom rng) {
        int n = displays * ads;
        int slots = spec.categoricalSlots();
        int[] cat = new int[n * slots];
        float[] num = new float[n * spec.numericCount()];
        float[] labels = new float[n];
        List<CategoricalFeature> features = spec.categorical();
        for (int d = 0; d < displays; d++) {
            int[] request = new int[slots];
            for (int r = d * ads; r < (d + 1) * ads; r++) {
                for (int i = 0; i < features.size(); i++) {
                    CategoricalFeature f = features.get(i);
                    for (int s = 0; s < f.slots(); s++) {
                        int at = spec.slotOffset(i) + s;
                        if (f.group() == FeatureGroup.REQUEST) {
                            if (r == d * ads) {
                                request[at] = rng.nextInt(f.buckets());
                            }
                            cat[r * slots + at] = request[at];
                        } else {
                            cat[r * slots + at] = s > 0 && rng.nextInt(3) == 0 ? -1 : rng.nextInt(f.buckets());
                        }
                    }
                }
                num[r] = (float) rng.nextDouble();
                labels[r] = rng.nextInt(4) == 0 ? 1f : 0f;
            }
        }
        return new Batch(n, cat, num, labels);
    }

    @Test
    void shouldWriteOnlyTheTouchedTableRows() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointInfo full = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            trainer.trainBatch(batches.get(0));
            CheckpointInfo delta = store.saveServingDelta(trainer, full.version(), Map.of(), 0, null);
            TensorFileReader all = new TensorFileReader(full.directory().resolve("parameters.bin"));
            TensorFileReader rows = new TensorFileReader(delta.directory().resolve("delta.bin"));
            long deltaRows = 0;
            long tableRows = 0;
            for (String name : rows.names()) {
                if (name.endsWith("/values") && !name.startsWith("block/")) {
                    String table = name.substring(0, name.length() - "/values".length());
                    assertThat(rows.shape(name).get(0)).isLessThanOrEqualTo(all.shape(table).get(0));
                    deltaRows += rows.shape(name).get(0);
                    tableRows += all.shape(table).get(0);
                }
            }
            assertThat(deltaRows).isPositive().isLessThan(tableRows);
            assertThat(rows.names()).anyMatch(n -> n.startsWith("embedding/")).anyMatch(n -> n.startsWith("wide/"));
        }
    }

    @Test
    void shouldRefuseADeltaOnAnyOtherVersionThanItsBase() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        CheckpointInfo full;
        CheckpointInfo second;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            full = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            trainer.trainBatch(batches.get(0));
            CheckpointInfo first = store.saveServingDelta(trainer, full.version(), Map.of(), 0, null);
            trainer.trainBatch(batches.get(1));
            second = store.saveServingDelta(trainer, first.version(), Map.of(), 0, null);
        }
        ServableDelta skipping = store.loadServableDelta(second.directory());
        try (ServingModel base = store.loadServable(full.directory()).loadServing(spec)) {
            assertThatThrownBy(() -> skipping.applyTo(base, spec)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("applies on delta-0000000002-s1, not on snap-0000000001-s0");
        }
    }

    @Test
    void shouldRefuseACorruptDeltaNamingTheFileAndTheReason() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        CheckpointInfo delta;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointInfo full = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            trainer.trainBatch(batches.get(0));
            delta = store.saveServingDelta(trainer, full.version(), Map.of(), 0, null);
        }
        try (RandomAccessFile f = new RandomAccessFile(delta.directory().resolve("delta.bin").toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        assertThatThrownBy(() -> store.loadServableDelta(delta.directory()))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("delta.bin: SHA-256");
        assertThatThrownBy(() -> store.loadServableDelta(modelDir.resolve("snap-0000000001-s0")))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("not a delta");
    }

    @Test
    void shouldPruneDeltasTogetherWithTheChainTheyApplyOn() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 1, 1);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            String last = store.save(trainer, Map.of(), null).version();                          // 1 ckpt
            for (int i = 0; i < 2; i++) {                                                           // 2, 3 deltas
                trainer.trainBatch(batches.get(i));
                last = store.saveServingDelta(trainer, last, Map.of(), 0, null).version();
            }
            trainer.trainBatch(batches.get(2));
            last = store.saveServingSnapshot(trainer, Map.of(), 0, null).version();                // 4 snap
            trainer.trainBatch(batches.get(3));
            last = store.saveServingDelta(trainer, last, Map.of(), 0, null).version();             // 5 delta
            assertThat(names()).containsExactlyInAnyOrder("ckpt-0000000001-s0", "delta-0000000002-s1",
                    "delta-0000000003-s2", "snap-0000000004-s3", "delta-0000000005-s4");

            trainer.trainBatch(batches.get(4));
            last = store.saveServingSnapshot(trainer, Map.of(), 0, null).version();                // 6 snap
            // snapshot 4 is pruned (keep 1), so its delta goes with it; the checkpoint's chain stays whole
            assertThat(names()).containsExactlyInAnyOrder("ckpt-0000000001-s0", "delta-0000000002-s1",
                    "delta-0000000003-s2", "snap-0000000006-s5");

            trainer.trainBatch(batches.get(5));
            store.save(trainer, Map.of(), null);                                                   // 7 ckpt
            assertThat(names()).containsExactlyInAnyOrder("ckpt-0000000007-s6", "snap-0000000006-s5");
        }
        assertThatThrownBy(() -> {
            try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
                store.saveServingDelta(trainer, "snap-0000000004-s3", Map.of(), 0, null);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a model version");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> entries = Files.list(modelDir)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }
}
