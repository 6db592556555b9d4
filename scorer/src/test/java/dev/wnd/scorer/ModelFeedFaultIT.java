package dev.wnd.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wnd.embedded.EmbeddedRuntime;
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
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.TopicPlan;
import dev.wnd.schemas.topic.TopicReconciler;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Fault suite, scenario "Model feed": a scorer's model feed following the real {@code model-versions} topic on the
 * embedded broker is sent every announcement it must not trust (a missing version, a path outside its model
 * directory, {@code ..}, a symbolic link out of the directory, {@code /}, a string that is no path, an older and an
 * equal generation, full and delta, another feature spec in the announcement and in the manifest, corrupt and
 * missing files, a manifest that verifies but does not build, a mislabelled version, garbage bytes and an empty
 * record). Each must be refused with one log line saying why, the model served must not change, the feed's thread
 * must stay alive, and a good version announced after all of them must be swapped in.
 */
class ModelFeedFaultIT {

    private static final Duration REFUSAL_WAIT = Duration.ofSeconds(20);

    @TempDir
    Path work;

    private EmbeddedRuntime runtime;
    private AppTopics topics;
    private KafkaProducer<String, byte[]> producer;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final FeatureSpec spec = new FeatureSpec("feed-fault-v1",
            List.of(new CategoricalFeature("a", FeatureGroup.REQUEST, 10, 4, 1)),
            List.of(new NumericFeature("x", FeatureGroup.ITEM, NumericTransform.RAW, 0)));
    private final FeatureSpec foreignSpec = new FeatureSpec("feed-fault-other",
            List.of(new CategoricalFeature("a", FeatureGroup.REQUEST, 12, 4, 1)),
            List.of(new NumericFeature("x", FeatureGroup.ITEM, NumericTransform.RAW, 0)));
    private final ModelConfig config = ModelConfig.builder().deepHiddenUnits(List.of(16, 16)).seed(3).build();

    @BeforeEach
    void start() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")));
        topics = new AppTopics(new HttpSchemaRegistryClient(runtime.registryUrl()));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", runtime.bootstrapServers()))) {
            new TopicReconciler(admin, Optional.empty(), Duration.ofSeconds(60)).apply(List.of(
                    TopicPlan.forApp(topics, 1).find(topics.modelVersions.name()).orElseThrow()));
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        log.start();
        ((Logger) LoggerFactory.getLogger(CheckpointModelFeed.class)).addAppender(log);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(CheckpointModelFeed.class)).detachAppender(log);
        producer.close();
        runtime.close();
    }

    @Test
    void shouldRefuseEveryUntrustworthyAnnouncementWithOneLineStayAliveAndThenSwapInAGoodVersion()
            throws Exception {
        Path models = Files.createDirectories(work.resolve("models"));
        Path outside = Files.createDirectories(work.resolve("outside"));
        CheckpointStore store = new CheckpointStore(models, 10, 10);
        RecordingMetrics metrics = new RecordingMetrics();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointInfo older = store.save(trainer, Map.of(), null);                        // generation 1
            trainer.trainBatch(batch(1));
            CheckpointInfo olderDelta = store.saveServingDelta(trainer, older.version(), Map.of(), 0, null); // 2
            trainer.trainBatch(batch(2));
            CheckpointInfo served = store.saveServingSnapshot(trainer, Map.of(), 0, null);      // 3

            // Valid versions of a higher generation elsewhere: loading any of them would be a swap.
            CheckpointStore elsewhere = new CheckpointStore(outside, 1, 1);
            CheckpointInfo foreignPlace = null;
            for (int i = 0; i < 20; i++) {
                foreignPlace = elsewhere.saveServingSnapshot(trainer, Map.of(), 0, null);
            }
            Path linkOut = Files.createSymbolicLink(models.resolve(foreignPlace.version()),
                    foreignPlace.directory());

            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, models, topics,
                    KafkaConnection.plaintext(runtime.bootstrapServers()), metrics)) {
                assertThat(feed.latestVersion()).isEqualTo(served.version());
                awaitFollowing();

                // Versions in the model directory that must not load (each newer than the one served).
                trainer.trainBatch(batch(3));
                CheckpointInfo corrupt = store.saveServingSnapshot(trainer, Map.of(), 0, null);  // 4
                flipAByte(corrupt.directory().resolve("parameters.bin"));
                CheckpointInfo missingFile = store.saveServingSnapshot(trainer, Map.of(), 0, null); // 5
                Files.delete(missingFile.directory().resolve("parameters.bin"));
                CheckpointInfo unbuildable = store.saveServingSnapshot(trainer, Map.of(), 0, null); // 6
                rewriteManifestWithWiderLayers(unbuildable.directory());
                CheckpointInfo corruptDelta = store.saveServingDelta(trainer, unbuildable.version(), Map.of(), 0,
                        null);                                                                     // 7
                flipAByte(corruptDelta.directory().resolve("delta.bin"));
                CheckpointInfo foreignManifest;
                try (WideDeepTrainer other = WideDeepTrainer.create(foreignSpec, config)) {
                    foreignManifest = store.saveServingSnapshot(other, Map.of(), 0, null);        // 8
                }

                String missing = models.resolve("snap-0000000090-s9").toString();
                refused(announce(missing, "snap-0000000090-s9", spec.hash()), "snap-0000000090-s9", null);
                String elsewherePath = foreignPlace.directory().toString();
                refused(announce(elsewherePath, foreignPlace.version(), spec.hash()), foreignPlace.version(),
                        elsewherePath);
                String dotDot = models + "/../outside/" + foreignPlace.version();
                refused(announce(dotDot, foreignPlace.version(), spec.hash()), foreignPlace.version(), dotDot);
                refused(announce(linkOut.toString(), foreignPlace.version(), spec.hash()), foreignPlace.version(),
                        linkOut.toString());
                refused(announce("/", "snap-0000000091-s9", spec.hash()), "snap-0000000091-s9", null);
                refused(announce(models + "/snap-\u0000-s1", "snap-0000000092-s9", spec.hash()),
                        "snap-0000000092-s9", null);
                refused(announce(older.directory().toString(), older.version(), spec.hash()), older.version(), null);
                refused(announce(olderDelta.directory().toString(), olderDelta.version(), spec.hash()),
                        olderDelta.version(), null);
                refused(announce(served.directory().toString(), served.version(), spec.hash()), served.version(),
                        null);
                refused(announce(models.resolve("snap-0000000094-s9").toString(), "snap-0000000094-s9",
                        "not-this-spec"), "snap-0000000094-s9", null);
                refused(announce(foreignManifest.directory().toString(), foreignManifest.version(), spec.hash()),
                        foreignManifest.version(), null);
                refused(announce(corrupt.directory().toString(), corrupt.version(), spec.hash()), corrupt.version(),
                        null);
                refused(announce(missingFile.directory().toString(), missingFile.version(), spec.hash()),
                        missingFile.version(), null);
                refused(announce(unbuildable.directory().toString(), unbuildable.version(), spec.hash()),
                        unbuildable.version(), null);
                refused(announce(corruptDelta.directory().toString(), corruptDelta.version(), spec.hash()),
                        corruptDelta.version(), null);
                refused(announce(corrupt.directory().toString(), "snap-0000000093-s9", spec.hash()),
                        "snap-0000000093-s9", null);
                RecordMetadata garbage = send("garbage, not an announcement".getBytes(StandardCharsets.UTF_8));
                refused(garbage, "announcement model-versions-0@" + garbage.offset(), null);
                RecordMetadata empty = send(null);
                refused(empty, "announcement model-versions-0@" + empty.offset(), null);

                assertThat(feed.latestVersion()).isEqualTo(served.version());
                try (ClickPredictor predictor = feed.newPredictor()) {
                    assertThat(predictor.modelVersion()).isEqualTo(served.version());
                }
                assertThat(metrics.refused).contains("snap-0000000094-s9 " + ScorerMetrics.REFUSED_SPEC,
                        foreignManifest.version() + " " + ScorerMetrics.REFUSED_SPEC);
                assertThat(metrics.refused).contains(
                        "snap-0000000090-s9 " + ScorerMetrics.REFUSED_UNLOADABLE,
                        foreignPlace.version() + " " + ScorerMetrics.REFUSED_OUTSIDE_MODEL_DIR,
                        "snap-0000000091-s9 " + ScorerMetrics.REFUSED_OUTSIDE_MODEL_DIR,
                        "snap-0000000092-s9 " + ScorerMetrics.REFUSED_MALFORMED,
                        older.version() + " " + ScorerMetrics.REFUSED_NOT_NEWER,
                        olderDelta.version() + " " + ScorerMetrics.REFUSED_NOT_NEWER,
                        served.version() + " " + ScorerMetrics.REFUSED_NOT_NEWER,
                        corrupt.version() + " " + ScorerMetrics.REFUSED_UNLOADABLE,
                        missingFile.version() + " " + ScorerMetrics.REFUSED_UNLOADABLE,
                        unbuildable.version() + " " + ScorerMetrics.REFUSED_UNLOADABLE,
                        corruptDelta.version() + " " + ScorerMetrics.REFUSED_UNLOADABLE,
                        "snap-0000000093-s9 " + ScorerMetrics.REFUSED_MALFORMED,
                        "announcement model-versions-0@" + garbage.offset() + " " + ScorerMetrics.REFUSED_MALFORMED,
                        "announcement model-versions-0@" + empty.offset() + " " + ScorerMetrics.REFUSED_MALFORMED);
                assertThat(metrics.skipped).isEmpty();
                assertThat(metrics.accepted).containsExactly(served.version());

                // Still alive: a good version announced after all that is swapped in.
                trainer.trainBatch(batch(4));
                CheckpointInfo good = store.saveServingSnapshot(trainer, Map.of(), 0, null);
                announce(good.directory().toString(), good.version(), spec.hash());
                await().atMost(REFUSAL_WAIT).until(() -> good.version().equals(feed.latestVersion()));
                try (ClickPredictor predictor = feed.newPredictor()) {
                    assertThat(predictor.modelVersion()).isEqualTo(good.version());
                    // the same parameters (a predictor may sum in another order than the trainer: a few ulps)
                    assertThat(predictor.predict(batch(9))).containsExactly(trainer.predict(batch(9)),
                            within(1e-6f));
                }
            }
        }
    }

    /**
     * Probes with announcements of another feature spec until the feed refuses one: then its consumer is positioned
     * on the topic, and everything announced from here on reaches it.
     */
    private void awaitFollowing() throws Exception {
        for (int i = 0; i < 60; i++) {
            String probe = "probe-" + i;
            announce("/nowhere/" + probe, probe, "a-probe-spec");
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                if (lines(probe, null).size() == 1) {
                    return;
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the feed never refused a probe: it does not follow " + topics.modelVersions.name());
    }

    /**
     * Awaits the feed's one refusal line for the announcement at {@code sent}: the line that begins "refusing model
     * {@code label}" (and names {@code path}, unless null), with the feed's thread alive throughout.
     */
    private void refused(RecordMetadata sent, String label, String path) {
        try {
            await().atMost(REFUSAL_WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> !lines(label, path).isEmpty() || !followerAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no refusal of " + label + " (offset " + sent.offset() + "); the feed logged "
                    + messages(), e);
        }
        assertThat(followerAlive()).as("the feed's thread is alive after %s", label).isTrue();
        assertThat(lines(label, path)).as("refusal lines for %s", label).hasSize(1);
    }

    /** The feed's refusal lines for {@code label} that name {@code path} (any path if null). */
    private List<String> lines(String label, String path) {
        return messages().stream().filter(m -> (m.startsWith("refusing model " + label + " ")
                || m.startsWith("refusing model " + label + ":")) && (path == null || m.contains(path))).toList();
    }

    private List<String> messages() {
        return new ArrayList<>(log.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static boolean followerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("model-feed") && t.isAlive());
    }

    private RecordMetadata announce(String path, String version, String specHash) throws Exception {
        ModelVersion v = ModelVersion.newBuilder().setVersion(version).setPath(path).setSpecHash(specHash)
                .setExamplesTrained(0).setStreamTime(0).setCreatedMs(System.currentTimeMillis()).build();
        return send(topics.modelVersions.valueSerde().serializer().serialize(topics.modelVersions.name(), v));
    }

    private RecordMetadata send(byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(topics.modelVersions.name(), "wnd", value)).get();
    }

    /** Rewrites the manifest to claim wider hidden layers than the tensors have, with a matching digest. */
    private static void rewriteManifestWithWiderLayers(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
        ArrayNode hidden = ((ObjectNode) manifest.get("modelConfig")).putArray("deepHiddenUnits");
        hidden.add(32).add(32);
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        Files.write(dir.resolve("manifest.json"), bytes);
        Files.writeString(dir.resolve("manifest.sha256"),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + "\n");
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

    /** A batch of 16 rows over the test spec, with labels; the same per seed. */
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

    /** The feed's accepted, refused and skipped models, from any thread. */
    private static final class RecordingMetrics implements ScorerMetrics {
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final List<String> refused = new CopyOnWriteArrayList<>();
        final List<String> skipped = new CopyOnWriteArrayList<>();

        @Override
        public void modelSkipped(String version) {
            skipped.add(version);
        }

        @Override
        public void modelAccepted(String version) {
            accepted.add(version);
        }

        @Override
        public void modelRefused(String version, String cause) {
            refused.add(version + " " + cause);
        }
    }
}
