package dev.wnd.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureGroup;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.spec.NumericTransform;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.WideDeepTrainer;
import dev.wnd.model.checkpoint.CheckpointInfo;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer's model feed over a model directory with checkpoints and serving snapshots (no broker: announcements
 * are handed to it as the follower would).
 */
class CheckpointModelFeedTest {

    @TempDir
    Path modelDir;

    private final FeatureSpec spec = new FeatureSpec("feed-test-v1",
            List.of(new CategoricalFeature("a", FeatureGroup.REQUEST, 10, 4, 1)),
            List.of(new NumericFeature("x", FeatureGroup.ITEM, NumericTransform.RAW, 0)));
    private final ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(4)).seed(5).build();
    private final AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());

    @Test
    void shouldSwapToAnAnnouncedServingSnapshot() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        CheckpointInfo snapshot;
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of(), null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null)) {
                assertThat(feed.latestVersion()).isEqualTo("ckpt-0000000001-s0");
                snapshot = store.saveServingSnapshot(trainer, Map.of("examples-0", 10L), 0, null);

                feed.onAnnouncement(announcement(snapshot));

                assertThat(feed.latestVersion()).isEqualTo("snap-0000000002-s0");
                try (ClickPredictor predictor = feed.newPredictor()) {
                    assertThat(predictor.modelVersion()).isEqualTo("snap-0000000002-s0");
                }
            }
        }
    }

    @Test
    void shouldStartWithTheNewestVersionOfEitherKind() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of(), null);
            store.saveServingSnapshot(trainer, Map.of(), 0, null);
        }
        try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null)) {
            assertThat(feed.latestVersion()).isEqualTo("snap-0000000002-s0");
        }
    }

    @Test
    void shouldRefuseACorruptSnapshotAndKeepServingTheCurrentModel() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of(), null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null)) {
                CheckpointInfo snapshot = store.saveServingSnapshot(trainer, Map.of(), 0, null);
                flipAByte(snapshot.directory().resolve("parameters.bin"));

                feed.onAnnouncement(announcement(snapshot));

                assertThat(feed.latestVersion()).isEqualTo("ckpt-0000000001-s0");
            }
        }
    }

    @Test
    void shouldAcceptACheckpointWithoutReadingItsOptimizerState() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config);
                CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null)) {
            CheckpointInfo checkpoint = store.save(trainer, Map.of(), null);
            Files.delete(checkpoint.directory().resolve("optimizer.bin"));

            feed.onAnnouncement(announcement(checkpoint));

            assertThat(feed.latestVersion()).isEqualTo("ckpt-0000000001-s0");
        }
    }

    @Test
    void shouldApplyAnAnnouncedDeltaOnTheServedVersionAndAnswerExactlyAsTheTrainer() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointInfo full = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null)) {
                trainer.trainBatch(batch(1));
                CheckpointInfo first = store.saveServingDelta(trainer, full.version(), Map.of(), 0, null);
                feed.onAnnouncement(announcement(first));
                trainer.trainBatch(batch(2));
                CheckpointInfo second = store.saveServingDelta(trainer, first.version(), Map.of(), 0, null);

                feed.onAnnouncement(announcement(second));

                assertThat(feed.latestVersion()).isEqualTo(second.version());
                try (ClickPredictor predictor = feed.newPredictor()) {
                    assertThat(predictor.modelVersion()).isEqualTo(second.version());
                    assertThat(predictor.predict(batch(9))).containsExactly(trainer.predict(batch(9)));
                }
            }
        }
    }

    @Test
    void shouldFallBackToTheNewestFullVersionAndItsChainWhenADeltaIsNotOnTheServedVersion() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of(), null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null)) {
                // the scorer misses the snapshot and the first delta: the announced delta is not on its version
                trainer.trainBatch(batch(1));
                CheckpointInfo snapshot = store.saveServingSnapshot(trainer, Map.of(), 0, null);
                trainer.trainBatch(batch(2));
                CheckpointInfo first = store.saveServingDelta(trainer, snapshot.version(), Map.of(), 0, null);
                trainer.trainBatch(batch(3));
                CheckpointInfo second = store.saveServingDelta(trainer, first.version(), Map.of(), 0, null);

                feed.onAnnouncement(announcement(second));

                assertThat(feed.latestVersion()).isEqualTo(second.version());
                try (ClickPredictor predictor = feed.newPredictor()) {
                    assertThat(predictor.predict(batch(9))).containsExactly(trainer.predict(batch(9)));
                }
            }
        }
    }

    @Test
    void shouldServeTheNewestFullVersionWhenADeltasBaseIsGone() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            store.save(trainer, Map.of(), null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null)) {
                trainer.trainBatch(batch(1));
                CheckpointInfo snapshot = store.saveServingSnapshot(trainer, Map.of(), 0, null);
                trainer.trainBatch(batch(2));
                CheckpointInfo first = store.saveServingDelta(trainer, snapshot.version(), Map.of(), 0, null);
                trainer.trainBatch(batch(3));
                CheckpointInfo second = store.saveServingDelta(trainer, first.version(), Map.of(), 0, null);
                deleteRecursively(first.directory());

                feed.onAnnouncement(announcement(second));

                assertThat(feed.latestVersion()).isEqualTo(snapshot.version());
            }
        }
    }

    @Test
    void shouldRefuseACorruptDeltaAndKeepServingTheCurrentModel() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointInfo full = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            float[] before = trainer.predict(batch(9));
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null)) {
                trainer.trainBatch(batch(1));
                CheckpointInfo delta = store.saveServingDelta(trainer, full.version(), Map.of(), 0, null);
                flipAByte(delta.directory().resolve("delta.bin"));

                feed.onAnnouncement(announcement(delta));

                assertThat(feed.latestVersion()).isEqualTo(full.version());
                try (ClickPredictor predictor = feed.newPredictor()) {
                    assertThat(predictor.modelVersion()).isEqualTo(full.version());
                    assertThat(predictor.predict(batch(9))).containsExactly(before);
                }
            }
        }
    }

    @Test
    void shouldStartWithTheNewestFullVersionAndTheDeltasOnIt() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointInfo full = store.save(trainer, Map.of(), null);
            trainer.trainBatch(batch(1));
            CheckpointInfo delta = store.saveServingDelta(trainer, full.version(), Map.of(), 0, null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null);
                    ClickPredictor predictor = feed.newPredictor()) {
                assertThat(feed.latestVersion()).isEqualTo(delta.version());
                assertThat(predictor.predict(batch(9))).containsExactly(trainer.predict(batch(9)));
            }
        }
    }

    @Test
    void shouldSkipToTheNewestAnnouncementWhenVersionsComeFasterThanTheyApply() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        RecordingMetrics metrics = new RecordingMetrics();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointInfo full = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null, metrics)) {
                String last = full.version();
                List<ModelVersion> announced = new java.util.ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    trainer.trainBatch(batch(i));
                    CheckpointInfo delta = store.saveServingDelta(trainer, last, Map.of(), 0, null);
                    last = delta.version();
                    announced.add(announcement(delta));
                }
                // the follower hands all three over before the applier is free: only the newest waits
                announced.forEach(feed::offer);
                feed.offer(announced.get(0)); // late and older than the one waiting

                assertThat(feed.applyWaiting()).isTrue();
                assertThat(feed.applyWaiting()).isFalse();

                assertThat(feed.latestVersion()).isEqualTo(last);
                assertThat(metrics.skipped).containsExactly(announced.get(0).getVersion(),
                        announced.get(1).getVersion(), announced.get(0).getVersion());
                assertThat(metrics.applied).containsExactly(full.version() + " full", last + " delta");
                assertThat(metrics.refused).isEmpty();
                try (ClickPredictor predictor = feed.newPredictor()) {
                    assertThat(predictor.modelVersion()).isEqualTo(last);
                    assertThat(predictor.predict(batch(9))).containsExactly(trainer.predict(batch(9)));
                }
            }
        }
    }

    @Test
    void shouldRefuseWhatItCanJudgeWithoutTheDiskAsSoonAsItIsAnnounced() throws IOException {
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        RecordingMetrics metrics = new RecordingMetrics();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointInfo served = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, modelDir, topics, null, metrics)) {
                feed.offer(announced("snap-0000000007-s7", "another-spec"));
                feed.offer(announcement(served));
                feed.offer(ModelVersion.newBuilder(announced("snap-0000000008-s8", spec.hash()))
                        .setPath("/elsewhere/snap-0000000008-s8").build());
                feed.offer(ModelVersion.newBuilder(announced("snap-0000000009-s9", spec.hash()))
                        .setPath(modelDir.resolve("not-a-version").toString()).build());

                assertThat(feed.applyWaiting()).isFalse();
                assertThat(metrics.refused).containsExactly(
                        "snap-0000000007-s7 " + ScorerMetrics.REFUSED_SPEC,
                        served.version() + " " + ScorerMetrics.REFUSED_NOT_NEWER,
                        "snap-0000000008-s8 " + ScorerMetrics.REFUSED_OUTSIDE_MODEL_DIR,
                        "snap-0000000009-s9 " + ScorerMetrics.REFUSED_MALFORMED);
                assertThat(metrics.skipped).isEmpty();
                assertThat(feed.latestVersion()).isEqualTo(served.version());
            }
        }
    }

    /**
     * A stream thread asks for predictors all the time while the applier loads a 64 MB version: each call returns
     * at once with the version served, instead of waiting for the load; the new version comes with the swap.
     */
    @Test
    void shouldHandOutPredictorsOfTheServedVersionWithoutWaitingForAVersionThatLoads() throws Exception {
        FeatureSpec wide = new FeatureSpec("feed-test-large", List.of(
                new CategoricalFeature("a", FeatureGroup.REQUEST, 1_000_000, 16, 1)),
                List.of(new NumericFeature("x", FeatureGroup.ITEM, NumericTransform.RAW, 0)));
        CheckpointStore store = new CheckpointStore(modelDir, 2, 2);
        try (WideDeepTrainer trainer = WideDeepTrainer.create(wide, config)) {
            CheckpointInfo first = store.saveServingSnapshot(trainer, Map.of(), 0, null);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(wide, modelDir, topics, null)) {
                CheckpointInfo second = store.saveServingSnapshot(trainer, Map.of(), 0, null);
                feed.offer(ModelVersion.newBuilder(announcement(second)).setSpecHash(wide.hash()).build());
                long[] load = new long[2];
                Thread applier = new Thread(() -> {
                    load[0] = System.nanoTime();
                    feed.applyWaiting();
                    load[1] = System.nanoTime();
                }, "test-applier");
                List<long[]> calls = new java.util.ArrayList<>(); // start, end, 1 if the first version
                applier.start();
                while (applier.isAlive()) {
                    long start = System.nanoTime();
                    try (ClickPredictor p = feed.newPredictor()) {
                        calls.add(new long[] {start, System.nanoTime(), p.modelVersion().equals(first.version())
                                ? 1 : 0});
                    }
                }
                applier.join();
                long duringLoad = calls.stream().filter(c -> c[0] > load[0] && c[1] < load[1] && c[2] == 1).count();
                assertThat((load[1] - load[0]) / 1_000_000).as("load ms").isPositive();
                assertThat(duringLoad).as("calls answered with the served version while the next one loaded")
                        .isGreaterThan(10);
                assertThat(feed.latestVersion()).isEqualTo(second.version());
                try (ClickPredictor p = feed.newPredictor()) {
                    assertThat(p.modelVersion()).isEqualTo(second.version());
                }
            }
        }
    }

    /** The feed's accepted, applied, refused and skipped models. */
    private static final class RecordingMetrics implements ScorerMetrics {
        final List<String> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> skipped = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void modelApplied(String version, String kind, long nanos) {
            applied.add(version + " " + kind);
        }

        @Override
        public void modelRefused(String version, String cause) {
            refused.add(version + " " + cause);
        }

        @Override
        public void modelSkipped(String version) {
            skipped.add(version);
        }
    }

    private ModelVersion announced(String version, String specHash) {
        return ModelVersion.newBuilder().setVersion(version).setPath(modelDir.resolve(version).toString())
                .setSpecHash(specHash).setExamplesTrained(0).setStreamTime(0).setCreatedMs(0).build();
    }

    /** A batch of 16 rows over the test spec (one slot of "a", one numeric), with labels; the same per seed. */
    private static Batch batch(int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 16;
        int[] cat = new int[n];
        float[] num = new float[n];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            cat[i] = rng.nextInt(10);
            num[i] = (float) rng.nextDouble();
            labels[i] = cat[i] < 4 ? 1f : 0f;
        }
        return new Batch(n, cat, num, labels);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private ModelVersion announcement(CheckpointInfo saved) {
        return ModelVersion.newBuilder().setVersion(saved.version()).setPath(saved.directory().toString())
                .setSpecHash(spec.hash()).setExamplesTrained(saved.manifest().examplesTrained()).setStreamTime(0)
                .setCreatedMs(System.currentTimeMillis()).build();
    }

    private static void flipAByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
    }
}
