package dev.wnd.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.InMemoryTensors;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.TestSpecs;
import dev.wnd.model.WideDeepPredictor;
import dev.wnd.model.WideDeepTrainer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

class CheckpointStoreTest {

    @TempDir
    Path modelDir;

    private final FeatureSpec spec = TestSpecs.tiny();
    private final ModelConfig config = TestSpecs.tinyConfig(21).toBuilder().deepWarmupSteps(3).build();
    private final List<Batch> batches = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void setUp() {
        SplittableRandom rng = new SplittableRandom(17);
        for (int i = 0; i < 8; i++) {
            batches.add(TestSpecs.learnableBatch(spec, 32, rng));
        }
        log.start();
        ((Logger) LoggerFactory.getLogger(CheckpointStore.class)).addAppender(log);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(CheckpointStore.class)).detachAppender(log);
    }

    @Test
    void shouldRestoreParametersAndOptimizerStateSoThatTrainingContinuesIdentically() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 3);
        try (WideDeepTrainer original = WideDeepTrainer.create(spec, config)) {
            for (int i = 0; i < 5; i++) {
                original.trainBatch(batches.get(i));
            }
            CheckpointInfo saved = store.save(original, Map.of("examples-0", 160L), Instant.parse(
                    "2026-01-02T03:04:05Z"));
            LoadedCheckpoint loaded = store.loadNewestValid().orElseThrow();
            assertThat(loaded.version()).isEqualTo(saved.version()).isEqualTo("ckpt-0000000001-s5");
            try (WideDeepTrainer restored = loaded.restoreTrainer(spec)) {
                assertThat(restored.step()).isEqualTo(5);
                assertThat(restored.examplesTrained()).isEqualTo(160);
                assertThat(InMemoryTensors.parametersOf(restored).bitIdentical(
                        InMemoryTensors.parametersOf(original))).isTrue();
                assertThat(InMemoryTensors.optimizerStateOf(restored).bitIdentical(
                        InMemoryTensors.optimizerStateOf(original))).isTrue();
                // one more step on both (still inside the warm-up: the step counter matters too)
                original.trainBatch(batches.get(5));
                restored.trainBatch(batches.get(5));
                InMemoryTensors a = InMemoryTensors.parametersOf(original);
                InMemoryTensors b = InMemoryTensors.parametersOf(restored);
                assertThat(a.bitIdentical(b)).as("differing: %s", a.differingNames(b)).isTrue();
                assertThat(InMemoryTensors.optimizerStateOf(restored).bitIdentical(
                        InMemoryTensors.optimizerStateOf(original))).isTrue();
            }
        }
    }

    @Test
    void shouldWriteAManifestWithEverythingNeededToResume() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of("examples-1", 7L, "examples-0", 25L), Instant.parse("2026-01-02T03:04:05Z"));
        }
        CheckpointManifest m = store.loadNewestValid().orElseThrow().manifest();
        assertThat(m.formatVersion()).isEqualTo(CheckpointStore.FORMAT_VERSION);
        assertThat(m.step()).isEqualTo(1);
        assertThat(m.examplesTrained()).isEqualTo(32);
        assertThat(m.seed()).isEqualTo(21);
        assertThat(m.modelConfig()).isEqualTo(config);
        assertThat(m.featureSpec()).isEqualTo(new CheckpointManifest.SpecRef(spec.version(), spec.hash()));
        assertThat(m.offsets()).containsExactly(Map.entry("examples-0", 25L), Map.entry("examples-1", 7L));
        assertThat(m.streamTime()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(m.createdAt()).isNotNull();
        assertThat(m.provenance().javaVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(m.provenance().djlVersion()).isEqualTo("0.36.0");
        assertThat(m.provenance().engine()).startsWith("PyTorch");
        assertThat(m.files()).containsOnlyKeys("parameters.bin", "optimizer.bin");
        String json = Files.readString(store.checkpointDirectories().get(0).resolve("manifest.json"));
        assertThat(json).contains("\"examples-0\" : 25", "\"streamTime\" : \"2026-01-02T03:04:05Z\"",
                "\"linearLearningRate\" : 0.2", "\"sha256\"");
    }

    @Test
    void shouldRecordThePassOverTheInputAndReadAManifestWithoutOneAsTheFirstPass() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 3);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of("examples-0", 32L), null);
            trainer.trainBatch(batches.get(1));
            store.save(trainer, Map.of("examples-0", 12L), 2, null);
        }
        assertThat(store.loadNewestValid().orElseThrow().epoch()).isEqualTo(2);
        assertThat(Files.readString(store.checkpointDirectories().get(0).resolve("manifest.json")))
                .contains("\"epoch\" : 2");

        // A manifest written before passes were recorded has no "epoch": it is the first pass.
        Path older = store.checkpointDirectories().get(1);
        String json = Files.readString(older.resolve("manifest.json")).replace("\"epoch\" : 0,", "");
        assertThat(json).doesNotContain("epoch");
        Files.writeString(older.resolve("manifest.json"), json);
        Files.writeString(older.resolve("manifest.sha256"), CheckpointStore.sha256(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n");
        LoadedCheckpoint loaded = store.load(older);
        assertThat(loaded.epoch()).isZero();
        assertThat(loaded.offsets()).isEqualTo(Map.of("examples-0", 32L));
    }

    enum Damage { FLIPPED_PARAMETER_BYTE, TRUNCATED_OPTIMIZER_STATE, MISSING_PARAMETERS, EDITED_MANIFEST,
        MISSING_MANIFEST_DIGEST }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void shouldSkipACorruptCheckpointWithAWarningNamingItAndTheReason(Damage damage) throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 3);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of("examples-0", 32L), null);
            trainer.trainBatch(batches.get(1));
            CheckpointInfo newest = store.save(trainer, Map.of("examples-0", 64L), null);
            damage(newest.directory(), damage);
        }
        Optional<LoadedCheckpoint> loaded = store.loadNewestValid();
        assertThat(loaded).isPresent();
        assertThat(loaded.get().version()).isEqualTo("ckpt-0000000001-s1");
        assertThat(loaded.get().offsets()).containsEntry("examples-0", 32L);
        assertThat(log.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("ckpt-0000000002-s2").contains(switch (damage) {
                case FLIPPED_PARAMETER_BYTE -> "parameters.bin: SHA-256";
                case TRUNCATED_OPTIMIZER_STATE -> "optimizer.bin has";
                case MISSING_PARAMETERS -> "missing parameters.bin";
                case EDITED_MANIFEST -> "manifest.json: SHA-256";
                case MISSING_MANIFEST_DIGEST -> "missing manifest.sha256";
            });
        });
        try (WideDeepPredictor predictor = loaded.get().newPredictor(spec)) {
            assertThat(predictor.predict(batches.get(0))).hasSize(32);
        }
    }

    @Test
    void shouldReturnEmptyWhenNoCheckpointIsValid() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 1);
        assertThat(store.loadNewestValid()).isEmpty();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            damage(store.save(trainer, Map.of(), null).directory(), Damage.FLIPPED_PARAMETER_BYTE);
        }
        assertThat(store.loadNewestValid()).isEmpty();
    }

    @Test
    void shouldKeepOnlyTheNewestCheckpointsAndNoTemporaryDirectories() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2);
        Files.createDirectory(modelDir.resolve(".tmp-ckpt-crashed"));
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            for (int i = 0; i < 4; i++) {
                trainer.trainBatch(batches.get(i));
                store.save(trainer, Map.of("examples-0", 32L * (i + 1)), null);
            }
        }
        try (Stream<Path> entries = Files.list(modelDir)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("ckpt-0000000004-s4", "ckpt-0000000003-s3");
        }
        assertThat(store.loadNewestValid().orElseThrow().offsets()).containsEntry("examples-0", 128L);
    }

    @Test
    void shouldServeTheSamePredictionsAsTheTrainerThatSavedIt() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2);
        float[] expected;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            for (int i = 0; i < 4; i++) {
                trainer.trainBatch(batches.get(i));
            }
            store.save(trainer, Map.of(), null);
            expected = trainer.predict(batches.get(7));
        }
        LoadedCheckpoint loaded = store.loadNewestValid().orElseThrow();
        try (WideDeepPredictor predictor = loaded.newPredictor(spec)) {
            assertThat(predictor.predict(batches.get(7))).containsExactly(expected);
            assertThat(predictor.modelVersion()).isEqualTo(loaded.version());
            assertThat(predictor.specHash()).isEqualTo(spec.hash());
        }
    }

    @Test
    void shouldLoadAPredictorOnAFreshThreadWhereAutogradIsOn() throws Exception {
        CheckpointStore store = new CheckpointStore(modelDir, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of(), null);
        }
        LoadedCheckpoint loaded = store.loadNewestValid().orElseThrow();
        // A scorer loads models on its stream threads, which never ran a trainer: grad mode is on there.
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<float[]> scores = new java.util.concurrent.atomic.AtomicReference<>();
        Thread scorer = new Thread(() -> {
            try (WideDeepPredictor predictor = loaded.newPredictor(spec)) {
                scores.set(predictor.predict(batches.get(1)));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        scorer.start();
        scorer.join();
        assertThat(failure.get()).isNull();
        assertThat(scores.get()).hasSize(batches.get(1).size());
    }

    @Test
    void shouldRefuseAFeatureSpecWithAnotherHash() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of(), null);
        }
        FeatureSpec other = new FeatureSpec("tiny-v2", spec.categorical(), spec.numeric());
        LoadedCheckpoint loaded = store.loadNewestValid().orElseThrow();
        assertThatThrownBy(() -> loaded.newPredictor(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(spec.hash());
        assertThatThrownBy(() -> loaded.restoreTrainer(other)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripMixedPrecisionLossScaleState() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2);
        ModelConfig amp = config.toBuilder().amp(true).build();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, amp)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of(), null);
            try (WideDeepTrainer restored = store.loadNewestValid().orElseThrow().restoreTrainer(spec)) {
                assertThat(InMemoryTensors.optimizerStateOf(restored).bitIdentical(
                        InMemoryTensors.optimizerStateOf(trainer))).isTrue();
            }
        }
    }

    @Test
    void shouldRoundTripAServingSnapshotOfTheParametersAlone() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        float[] expected;
        CheckpointInfo saved;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            for (int i = 0; i < 3; i++) {
                trainer.trainBatch(batches.get(i));
            }
            saved = store.saveServingSnapshot(trainer, Map.of("examples-0", 96L), 0,
                    Instant.parse("2026-01-02T03:04:05Z"));
            expected = trainer.predict(batches.get(7));
        }
        assertThat(saved.version()).isEqualTo("snap-0000000001-s3");
        try (Stream<Path> files = Files.list(saved.directory())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("parameters.bin", "manifest.json", "manifest.sha256");
        }
        assertThat(saved.manifest().files()).containsOnlyKeys("parameters.bin");
        assertThat(saved.manifest().offsets()).containsEntry("examples-0", 96L);

        ServableModel loaded = store.loadServable(saved.directory());
        assertThat(store.loadNewestServable().orElseThrow().version()).isEqualTo(saved.version());
        try (WideDeepPredictor predictor = loaded.newPredictor(spec)) {
            assertThat(predictor.predict(batches.get(7))).containsExactly(expected);
            assertThat(predictor.modelVersion()).isEqualTo("snap-0000000001-s3");
        }
    }

    @Test
    void shouldRefuseACorruptServingSnapshotAndServeTheNewestValidVersionInstead() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        CheckpointInfo snapshot;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of("examples-0", 32L), null);
            trainer.trainBatch(batches.get(1));
            snapshot = store.saveServingSnapshot(trainer, Map.of("examples-0", 64L), 0, null);
        }
        damage(snapshot.directory(), Damage.FLIPPED_PARAMETER_BYTE);

        assertThatThrownBy(() -> store.loadServable(snapshot.directory()))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("parameters.bin: SHA-256");
        assertThat(store.loadNewestServable().orElseThrow().version()).isEqualTo("ckpt-0000000001-s1");
        assertThat(log.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("snap-0000000002-s2").contains("parameters.bin: SHA-256");
        });
    }

    @Test
    void shouldResumeOnlyFromFullCheckpointsWhileNewerServingSnapshotsExist() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 3);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of("examples-0", 32L), null);
            for (int i = 1; i < 3; i++) {
                trainer.trainBatch(batches.get(i));
                store.saveServingSnapshot(trainer, Map.of("examples-0", 32L * (i + 1)), 0, null);
            }
        }
        // one generation sequence: the snapshots are newer than the checkpoint, and a scorer serves the newest
        assertThat(store.servableDirectories()).extracting(p -> p.getFileName().toString())
                .containsExactly("snap-0000000003-s3", "snap-0000000002-s2", "ckpt-0000000001-s1");
        assertThat(store.loadNewestServable().orElseThrow().version()).isEqualTo("snap-0000000003-s3");

        LoadedCheckpoint resumed = store.loadNewestValid().orElseThrow();
        assertThat(resumed.version()).isEqualTo("ckpt-0000000001-s1");
        assertThat(resumed.offsets()).containsEntry("examples-0", 32L);
        assertThatThrownBy(() -> store.load(modelDir.resolve("snap-0000000003-s3")))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("lists no optimizer.bin");
    }

    @Test
    void shouldVerifyOnlyTheParametersWhenAScorerLoadsACheckpoint() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2);
        CheckpointInfo saved;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            saved = store.save(trainer, Map.of(), null);
        }
        damage(saved.directory(), Damage.TRUNCATED_OPTIMIZER_STATE);

        assertThat(store.loadServable(saved.directory()).version()).isEqualTo("ckpt-0000000001-s1");
        assertThatThrownBy(() -> store.load(saved.directory())).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("optimizer.bin has");
    }

    @Test
    void shouldKeepOnlyTheNewestServingSnapshotsBesideTheCheckpoints() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 1, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of(), null);
            for (int i = 1; i < 5; i++) {
                trainer.trainBatch(batches.get(i));
                store.saveServingSnapshot(trainer, Map.of(), 0, null);
            }
        }
        try (Stream<Path> entries = Files.list(modelDir)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("ckpt-0000000001-s1", "snap-0000000005-s5", "snap-0000000004-s4");
        }
    }

    @Test
    void shouldRefuseToLoadAnythingButARealVersionDirectoryOfItsOwnDirectory() throws IOException {
        Path here = Files.createDirectories(modelDir.resolve("here"));
        Path elsewhere = Files.createDirectories(modelDir.resolve("elsewhere"));
        CheckpointStore store = new CheckpointStore(here, 3, 3);
        CheckpointInfo foreign;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of(), null);
            CheckpointStore other = new CheckpointStore(elsewhere, 3, 3);
            other.save(trainer, Map.of(), null);
            foreign = other.saveServingSnapshot(trainer, Map.of(), 0, null);
        }
        // a version elsewhere, reached directly, through "..", or through a link planted in the directory
        assertThatThrownBy(() -> store.loadServable(foreign.directory()))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("not in the model directory");
        assertThatThrownBy(() -> store.loadServable(here.resolve("..").resolve("elsewhere")
                .resolve(foreign.version()))).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("not in the model directory");
        Path link = Files.createSymbolicLink(here.resolve(foreign.version()), foreign.directory());
        assertThatThrownBy(() -> store.loadServable(link)).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("symbolic link");
        assertThat(store.loadNewestServable().orElseThrow().version()).isEqualTo("ckpt-0000000001-s0");
        Files.delete(link);
        // a file of a version linked to one elsewhere
        Path ckpt = store.checkpointDirectories().get(0);
        Files.delete(ckpt.resolve("parameters.bin"));
        Files.createSymbolicLink(ckpt.resolve("parameters.bin"), foreign.directory().resolve("parameters.bin"));
        assertThatThrownBy(() -> store.loadServable(ckpt)).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("parameters.bin is a symbolic link");
        assertThatThrownBy(() -> store.loadServable(Path.of("/"))).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("not a model version directory");
        assertThat(CheckpointStore.isDelta(Path.of("/"))).isFalse();
    }

    @Test
    void shouldRefuseAManifestWhoseGenerationIsNotTheOneItsDirectoryNames() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 3);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of(), null);
        }
        Path dir = store.checkpointDirectories().get(0);
        String json = Files.readString(dir.resolve("manifest.json")).replace("\"generation\" : 1,",
                "\"generation\" : 9,");
        Files.writeString(dir.resolve("manifest.json"), json);
        Files.writeString(dir.resolve("manifest.sha256"), CheckpointStore.sha256(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n");
        assertThatThrownBy(() -> store.load(dir)).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("generation 9");
    }

    @Test
    void shouldResumeFreshOnlyWhereThereIsNoCheckpointAndStopOnOnesItCannotTrust() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 3, 3);
        assertThat(store.loadForResume()).isEmpty();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.saveServingSnapshot(trainer, Map.of(), 0, null);
            assertThat(store.loadForResume()).as("serving snapshots are no recovery points").isEmpty();
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of("examples-0", 32L), null);
            trainer.trainBatch(batches.get(1));
            store.save(trainer, Map.of("examples-0", 64L), null);
        }
        List<Path> checkpoints = store.checkpointDirectories();
        damage(checkpoints.get(0), Damage.FLIPPED_PARAMETER_BYTE);
        assertThat(store.loadForResume().orElseThrow().offsets()).containsEntry("examples-0", 32L);

        damage(checkpoints.get(1), Damage.MISSING_MANIFEST_DIGEST);
        assertThatThrownBy(store::loadForResume).isInstanceOf(UnverifiableCheckpointsException.class)
                .hasMessageContaining("none of the 2 checkpoints in " + modelDir)
                .satisfies(e -> assertThat(((UnverifiableCheckpointsException) e).reasons()).hasSize(2));
        assertThat(store.loadNewestValid()).isEmpty();
    }

    @Test
    void shouldStopOnANewerFormatVersionInsteadOfFallingBackToAnOlderCheckpoint() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 3);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of("examples-0", 0L), null);
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of("examples-0", 32L), null);
        }
        Path newest = store.checkpointDirectories().get(0);
        // a later format's manifest need not parse as this one's: only formatVersion is read before it is refused
        String json = "{\"formatVersion\" : 2, \"somethingNew\" : [1, 2]}";
        Files.writeString(newest.resolve("manifest.json"), json);
        Files.writeString(newest.resolve("manifest.sha256"), CheckpointStore.sha256(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n");

        assertThatThrownBy(store::loadForResume).isInstanceOf(UnsupportedCheckpointFormatException.class)
                .hasMessageContaining(newest.toString()).hasMessageContaining("format version 2")
                .hasMessageContaining("reads format version 1")
                .satisfies(e -> assertThat(((UnsupportedCheckpointFormatException) e).found()).isEqualTo(2));
        // readers that may skip (evaluation, scorers) pass over it with the same reason
        assertThat(store.loadNewestValid().orElseThrow().version()).isEqualTo("ckpt-0000000001-s0");
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("format version 2"));
    }

    /**
     * What a crash can leave of a checkpoint whose directory was renamed into place but whose files were not all
     * on disk (had the store not forced them before the rename): any file cut short at any point, or at its full
     * length with a zero-filled tail (delayed allocation after a power loss), or missing. None of these may verify,
     * whichever file it hits, and a learner then resumes from the previous checkpoint. The manifest is checked
     * against its own digest and lists the size and digest of every data file, so this holds by construction; the
     * test makes sure no check was forgotten.
     */
    @Test
    void shouldNeverVerifyATornCheckpointWhateverFileIsCutZeroedOrMissing() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 3);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            trainer.trainBatch(batches.get(0));
            store.save(trainer, Map.of("examples-0", 32L), null);
            trainer.trainBatch(batches.get(1));
            store.save(trainer, Map.of("examples-0", 64L), null);
        }
        Path torn = store.checkpointDirectories().get(0);
        List<String> files = List.of("parameters.bin", "optimizer.bin", "manifest.json", "manifest.sha256");
        Map<String, byte[]> pristine = new java.util.HashMap<>();
        for (String f : files) {
            pristine.put(f, Files.readAllBytes(torn.resolve(f)));
        }
        int states = 0;
        for (String f : files) {
            int length = pristine.get(f).length;
            for (int cut : new int[] {0, 1, length / 3, length / 2, length - 1}) {
                for (String kind : List.of("cut", "zero-filled tail", "missing")) {
                    for (String g : files) {
                        Files.write(torn.resolve(g), pristine.get(g));
                    }
                    byte[] damaged = java.util.Arrays.copyOf(pristine.get(f), kind.equals("cut") ? cut : length);
                    if (kind.equals("zero-filled tail")) {
                        java.util.Arrays.fill(damaged, cut, length, (byte) 0);
                        if (java.util.Arrays.equals(damaged, pristine.get(f))) {
                            continue; // the tail was zeros already: not torn
                        }
                    }
                    if (kind.equals("missing")) {
                        Files.delete(torn.resolve(f));
                    } else {
                        Files.write(torn.resolve(f), damaged);
                    }
                    String state = f + " " + kind + " at " + cut + " of " + length;
                    assertThatThrownBy(() -> store.load(torn)).as(state)
                            .isInstanceOf(CorruptCheckpointException.class);
                    assertThat(store.loadForResume().orElseThrow().offsets()).as(state)
                            .containsEntry("examples-0", 32L);
                    states++;
                }
            }
        }
        assertThat(states).isGreaterThanOrEqualTo(50);
        for (String g : files) {
            Files.write(torn.resolve(g), pristine.get(g));
        }
        assertThat(store.load(torn).offsets()).containsEntry("examples-0", 64L);
    }

    private static void damage(Path dir, Damage damage) throws IOException {
        switch (damage) {
            case FLIPPED_PARAMETER_BYTE -> {
                try (RandomAccessFile f = new RandomAccessFile(dir.resolve("parameters.bin").toFile(), "rw")) {
                    long at = f.length() / 2;
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0x40);
                }
            }
            case TRUNCATED_OPTIMIZER_STATE -> {
                try (RandomAccessFile f = new RandomAccessFile(dir.resolve("optimizer.bin").toFile(), "rw")) {
                    f.setLength(f.length() - 100);
                }
            }
            case MISSING_PARAMETERS -> Files.delete(dir.resolve("parameters.bin"));
            case EDITED_MANIFEST -> Files.writeString(dir.resolve("manifest.json"),
                    Files.readString(dir.resolve("manifest.json")).replace("\"step\" : 2", "\"step\" : 3"));
            case MISSING_MANIFEST_DIGEST -> Files.delete(dir.resolve("manifest.sha256"));
            default -> throw new IllegalArgumentException(damage.toString());
        }
    }
}
