package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureGroup;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.spec.NumericTransform;
import dev.wnd.model.Batch;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import dev.wnd.schemas.avro.Example;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DJL adapter on the CPU with the tiny test model. */
class DjlTrainableModelTest {

    private static final int BATCH = 32;

    @TempDir
    Path work;

    private final FeatureSpec spec = TestExamples.spec();
    private final List<Example> examples = TestExamples.generate(5, 120, 0, 0, spec.hash());

    @Test
    void shouldLeaveParametersAndOptimizerStateUntouchedWhenScoring() throws IOException {
        try (DjlTrainableModel plain = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), work.resolve("a"), 1);
                DjlTrainableModel scoring = DjlTrainableModel.open(spec, TestExamples.modelConfig(9),
                        work.resolve("b"), 1)) {
            for (int from = 0; from + BATCH <= examples.size(); from += BATCH) {
                Batch batch = batch(examples.subList(from, from + BATCH));
                scoring.predict(batch);
                scoring.predict(batch(examples.subList(0, 7)));
                assertThat(scoring.train(batch)).isEqualTo(plain.train(batch));
                scoring.predict(batch);
            }
            plain.checkpoint(Map.of(), plain.examplesTrained(), 0);
            scoring.checkpoint(Map.of(), scoring.examplesTrained(), 0);
        }
        LoadedCheckpoint a = new CheckpointStore(work.resolve("a"), 1).loadNewestValid().orElseThrow();
        LoadedCheckpoint b = new CheckpointStore(work.resolve("b"), 1).loadNewestValid().orElseThrow();
        CheckpointTensors.Comparison c = CheckpointTensors.compare(a, b);
        assertThat(c.compared()).isGreaterThan(10);
        assertThat(c.differences()).isEmpty();
    }

    @Test
    void shouldResumeFromTheNewestCheckpointWithItsOffsetsAndCount() {
        Path dir = work.resolve("model");
        try (DjlTrainableModel model = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), dir, 2)) {
            assertThat(model.restoredOffsets()).isEmpty();
            assertThat(model.examplesTrained()).isZero();
            model.train(batch(examples.subList(0, BATCH)));
            model.checkpoint(Map.of("examples-0", 20L, "examples-1", 12L), model.examplesTrained(), 1_000);
            model.train(batch(examples.subList(BATCH, 2 * BATCH)));
            TrainableModel.Checkpointed second = model.checkpoint(Map.of("examples-0", 40L, "examples-1", 24L),
                    model.examplesTrained(), 2_000);
            assertThat(second.version()).isEqualTo("ckpt-0000000002-s2");
            assertThat(second.path()).isEqualTo(dir.resolve(second.version()).toString());
        }
        try (DjlTrainableModel model = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), dir, 2)) {
            assertThat(model.restoredOffsets()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("examples-0", 40L, "examples-1", 24L));
            assertThat(model.examplesTrained()).isEqualTo(2 * BATCH);
        }
    }

    @Test
    void shouldResumeFromTheNewestFullCheckpointNotFromNewerServingSnapshots() {
        Path dir = work.resolve("model");
        try (DjlTrainableModel model = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), dir, 2, 2)) {
            model.train(batch(examples.subList(0, BATCH)));
            model.checkpoint(Map.of("examples-0", 20L), model.examplesTrained(), 1_000);
            model.train(batch(examples.subList(BATCH, 2 * BATCH)));
            TrainableModel.Checkpointed snapshot = model.servingSnapshot(Map.of("examples-0", 40L), 0,
                    model.examplesTrained(), 2_000);
            assertThat(snapshot.version()).isEqualTo("snap-0000000002-s2");
            assertThat(snapshot.path()).isEqualTo(dir.resolve(snapshot.version()).toString());
        }
        try (DjlTrainableModel model = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), dir, 2, 2)) {
            assertThat(model.restoredOffsets()).containsExactlyEntriesOf(Map.of("examples-0", 20L));
            assertThat(model.examplesTrained()).isEqualTo(BATCH);
            // the next version continues the one generation sequence, after the snapshot
            model.train(batch(examples.subList(BATCH, 2 * BATCH)));
            assertThat(model.checkpoint(Map.of("examples-0", 40L), model.examplesTrained(), 2_000).version())
                    .isEqualTo("ckpt-0000000003-s2");
        }
    }

    @Test
    void shouldWriteServingSnapshotsAsDeltasOnThePreviousVersionBetweenFullOnes() throws IOException {
        Path dir = work.resolve("model");
        try (DjlTrainableModel model = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), dir, 2, 4,
                Duration.ofHours(1))) {
            model.train(batch(examples.subList(0, BATCH)));
            // nothing written yet: the first serving snapshot is the full base
            assertThat(model.servingSnapshot(Map.of(), 0, model.examplesTrained(), 0).version())
                    .isEqualTo("snap-0000000001-s1");
            model.train(batch(examples.subList(BATCH, 2 * BATCH)));
            assertThat(model.servingSnapshot(Map.of(), 0, model.examplesTrained(), 0).version())
                    .isEqualTo("delta-0000000002-s2");
            model.train(batch(examples.subList(2 * BATCH, 3 * BATCH)));
            model.checkpoint(Map.of("examples-0", 96L), model.examplesTrained(), 0);
            TrainableModel.Checkpointed delta = model.servingSnapshot(Map.of(), 0, model.examplesTrained(), 0);
            assertThat(delta.version()).isEqualTo("delta-0000000004-s3");
            CheckpointStore store = new CheckpointStore(dir, 2, 4);
            assertThat(store.loadServableDelta(Path.of(delta.path())).baseVersion()).isEqualTo("ckpt-0000000003-s3");
            assertThat(store.loadServableDelta(dir.resolve("delta-0000000002-s2")).baseVersion())
                    .isEqualTo("snap-0000000001-s1");
        }
        // after a restart the learner knows no base: the first serving snapshot is full again
        try (DjlTrainableModel model = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), dir, 2, 4,
                Duration.ofHours(1))) {
            assertThat(model.restoredOffsets()).containsExactlyEntriesOf(Map.of("examples-0", 96L));
            assertThat(model.servingSnapshot(Map.of(), 0, model.examplesTrained(), 0).version())
                    .isEqualTo("snap-0000000005-s3");
        }
    }

    @Test
    void shouldWriteEveryServingSnapshotInFullWhenDeltasAreOff() {
        try (DjlTrainableModel model = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), work, 2, 4,
                Duration.ZERO)) {
            for (int i = 1; i <= 2; i++) {
                model.train(batch(examples.subList(0, BATCH)));
                assertThat(model.servingSnapshot(Map.of(), 0, model.examplesTrained(), 0).version())
                        .startsWith("snap-");
            }
        }
    }

    @Test
    void shouldRefuseAModelDirectoryTrainedOnAnotherFeatureSpec() {
        Path dir = work.resolve("model");
        try (DjlTrainableModel model = DjlTrainableModel.open(spec, TestExamples.modelConfig(9), dir, 2)) {
            model.checkpoint(Map.of(), 0, 0);
        }
        FeatureSpec other = new FeatureSpec("other", List.of(new CategoricalFeature("ad", FeatureGroup.ITEM, 9, 4, 1)),
                List.of(new NumericFeature("x", FeatureGroup.ITEM, NumericTransform.RAW, 0)));
        assertThatThrownBy(() -> DjlTrainableModel.open(other, TestExamples.modelConfig(9), dir, 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("feature spec");
    }

    /** The learner's layout of examples as a batch. */
    static Batch batch(List<Example> examples) {
        int slots = examples.get(0).getCategorical().size();
        int numerics = examples.get(0).getNumeric().size();
        int n = examples.size();
        int[] cat = new int[n * slots];
        float[] num = new float[n * numerics];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i);
            for (int j = 0; j < slots; j++) {
                cat[i * slots + j] = e.getCategorical().get(j);
            }
            for (int j = 0; j < numerics; j++) {
                num[i * numerics + j] = e.getNumeric().get(j);
            }
            labels[i] = e.getLabel();
        }
        return new Batch(n, cat, num, labels);
    }
}
