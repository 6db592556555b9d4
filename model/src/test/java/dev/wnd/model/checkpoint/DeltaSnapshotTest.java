package dev.wnd.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.TestSpecs;
import dev.wnd.model.WideDeepPredictor;
import dev.wnd.model.WideDeepTrainer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

        try (WideDeepPredictor base = store.loadServable(full.directory()).newPredictor(spec);
                WideDeepPredictor afterFirst = store.loadServableDelta(first.directory()).applyTo(base, spec);
                WideDeepPredictor afterSecond = store.loadServableDelta(second.directory())
                        .applyTo(afterFirst, spec)) {
            assertThat(afterSecond.modelVersion()).isEqualTo(second.version());
            assertThat(afterSecond.predict(batches.get(7))).containsExactly(expected);
            // the bases are untouched copies: the base still answers as the full snapshot did
            assertThat(base.modelVersion()).isEqualTo(full.version());
            assertThat(base.predict(batches.get(7))).isNotEqualTo(expected);
        }
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
        try (WideDeepPredictor base = store.loadServable(full.directory()).newPredictor(spec)) {
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
