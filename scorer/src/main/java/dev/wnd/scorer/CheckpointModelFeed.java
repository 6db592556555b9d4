package dev.wnd.scorer;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ClickPredictor;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.ServableModel;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.AppTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models from the learner's model directory: the newest valid version there at start, checkpoint or serving
 * snapshot, then each one announced on the model-versions topic, whichever kind. Only what a scorer loads is
 * verified: the manifest and the parameters, never a checkpoint's optimizer state
 * ({@link CheckpointStore#loadServable}). A model trained on another feature spec is refused (the current one keeps
 * serving and the log says why); a version that fails to load is skipped the same way. Thread-safe: one background
 * thread follows the announcements, stream threads take predictors.
 */
public final class CheckpointModelFeed implements ModelFeed, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointModelFeed.class);

    private final FeatureSpec spec;
    private final CheckpointStore store;
    private final AtomicReference<ServableModel> current = new AtomicReference<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final AppTopics topics;
    private final Thread follower;
    private final ScorerMetrics metrics;
    private volatile boolean closing;

    /**
     * @param kafka the cluster to follow announcements on; null to serve only what is in {@code modelDir}
     */
    public CheckpointModelFeed(FeatureSpec spec, Path modelDir, AppTopics topics, KafkaConnection kafka) {
        this(spec, modelDir, topics, kafka, ScorerMetrics.NONE);
    }

    /**
     * As {@link #CheckpointModelFeed(FeatureSpec, Path, AppTopics, KafkaConnection)}, telling {@code metrics} of
     * every model accepted or refused (from the constructor's thread for the version found at start, then from
     * the follower).
     */
    public CheckpointModelFeed(FeatureSpec spec, Path modelDir, AppTopics topics, KafkaConnection kafka,
            ScorerMetrics metrics) {
        this.spec = spec;
        this.metrics = metrics;
        this.topics = topics;
        try {
            this.store = new CheckpointStore(modelDir, Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the model directory " + modelDir, e);
        }
        Optional<ServableModel> newest = store.loadNewestServable();
        newest.ifPresentOrElse(this::offer, () -> LOG.warn("no valid model version in {} yet: answering with the "
                + "uniform prior until a model is announced", modelDir));
        if (kafka == null) {
            consumer = null;
            follower = null;
            return;
        }
        Properties p = kafka.properties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(p, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        follower = new Thread(this::follow, "model-feed");
        follower.setDaemon(true);
        follower.start();
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.modelVersions.name(),
                    Duration.ofSeconds(30)).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ModelVersion announced;
                    try {
                        announced = topics.modelVersions.valueSerde().deserializer()
                                .deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        LOG.warn("ignoring an undecodable model announcement at {}-{}@{}: {}", record.topic(),
                                record.partition(), record.offset(), e.getMessage());
                        continue;
                    }
                    onAnnouncement(announced);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Loads an announced model if it fits this scorer; otherwise keeps the current one. */
    void onAnnouncement(ModelVersion announced) {
        if (!spec.hash().equals(announced.getSpecHash())) {
            metrics.modelRefused(announced.getVersion(), ScorerMetrics.REFUSED_SPEC);
            LOG.warn("refusing model {}: trained on feature spec {}, this scorer builds {}; still serving {}",
                    announced.getVersion(), announced.getSpecHash(), spec.hash(), latestVersion());
            return;
        }
        try {
            offer(store.loadServable(Path.of(announced.getPath())));
        } catch (IOException | RuntimeException e) {
            metrics.modelRefused(announced.getVersion(), ScorerMetrics.REFUSED_UNLOADABLE);
            LOG.warn("refusing model {} at {}: {}; still serving {}", announced.getVersion(), announced.getPath(),
                    e.getMessage(), latestVersion());
        }
    }

    private void offer(ServableModel model) {
        String hash = model.manifest().featureSpec().hash();
        if (!spec.hash().equals(hash)) {
            metrics.modelRefused(model.version(), ScorerMetrics.REFUSED_SPEC);
            LOG.warn("refusing model {}: trained on feature spec {}, this scorer builds {}",
                    model.version(), hash, spec.hash());
            return;
        }
        current.set(model);
        metrics.modelAccepted(model.version());
        LOG.info("model {} accepted ({} examples trained)", model.version(),
                model.manifest().examplesTrained());
    }

    @Override
    public String latestVersion() {
        ServableModel c = current.get();
        return c == null ? null : c.version();
    }

    @Override
    public ClickPredictor newPredictor() {
        ServableModel c = current.get();
        if (c == null) {
            return null;
        }
        try {
            return c.newPredictor(spec);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + c.version(), e);
        }
    }

    @Override
    public void close() {
        closing = true;
        if (consumer != null) {
            consumer.wakeup();
            try {
                follower.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
