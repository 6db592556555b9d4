package dev.wnd.scorer;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ClickPredictor;
import dev.wnd.model.WideDeepPredictor;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.ServableDelta;
import dev.wnd.model.checkpoint.ServableModel;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.AppTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models from the learner's model directory: the newest valid full version there at start (checkpoint or serving
 * snapshot) with the chain of delta snapshots on it, then each version announced on the model-versions topic,
 * whichever kind. Only what a scorer loads is verified: the manifest and the parameters (or the delta file), never
 * a checkpoint's optimizer state ({@link CheckpointStore#loadServable}). A model trained on another feature spec is
 * refused (the current one keeps serving and the log says why); a version that fails to load is skipped the same
 * way.
 *
 * <p><b>The master copy.</b> The feed holds the newest accepted version built once (a {@link WideDeepPredictor}
 * used for nothing but copying) and hands out copies of it ({@link #newPredictor()}: one native copy, no disk
 * read). A full version is built from its parameters file. A delta is applied to a copy of the master, and only if
 * the master is exactly the delta's base; the finished copy then replaces the master in one step, so no predictor
 * is ever handed out half-applied and the old master is closed only after the swap. A delta whose base is not the
 * master (a version was missed) is reached by applying the missed deltas still on disk; failing that (a gap, a
 * missing base, a checksum failure), the feed falls back to the newest full version on disk plus its delta chain,
 * with a WARN line, and swaps to it only if it is newer than what it serves: otherwise the current version keeps
 * serving.
 *
 * <p><b>Threading.</b> Thread-safe: one background thread (the follower) loads and applies versions, stream or
 * loader threads take predictors. Copies are taken and masters swapped and closed under one lock.
 */
public final class CheckpointModelFeed implements ModelFeed, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointModelFeed.class);

    /** A built version: the master predictor and the generation of its version (newer is larger). */
    private record Built(WideDeepPredictor predictor, long generation) {
        String version() {
            return predictor.modelVersion();
        }
    }

    private final FeatureSpec spec;
    private final CheckpointStore store;
    private final Object lock = new Object();
    /** The master; replaced and closed under {@link #lock}, written only by the constructor and the follower. */
    private Built master;
    private volatile String latest;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AppTopics topics;
    private final Thread follower;
    private final ScorerMetrics metrics;
    private volatile boolean closing;
    private boolean closed;

    /**
     * @param kafka the cluster to follow announcements on; null to serve only what is in {@code modelDir}
     */
    public CheckpointModelFeed(FeatureSpec spec, Path modelDir, AppTopics topics, KafkaConnection kafka) {
        this(spec, modelDir, topics, kafka, ScorerMetrics.NONE);
    }

    /**
     * As {@link #CheckpointModelFeed(FeatureSpec, Path, AppTopics, KafkaConnection)}, telling {@code metrics} of
     * every model accepted or refused (from the constructor's thread for the version found at start, then from
     * the follower). Builds the version found at start before returning (seconds for a seed-sized model).
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
        Optional<Built> newest = newestFullWithChain(Long.MIN_VALUE);
        newest.ifPresentOrElse(this::accept, () -> LOG.warn("no valid model version in {} yet: answering with the "
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
                List<ModelVersion> batch = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        batch.add(topics.modelVersions.valueSerde().deserializer()
                                .deserialize(record.topic(), record.value()));
                    } catch (RuntimeException e) {
                        LOG.warn("ignoring an undecodable model announcement at {}-{}@{}: {}", record.topic(),
                                record.partition(), record.offset(), e.getMessage());
                    }
                }
                for (ModelVersion announced : newestOfEachRun(batch)) {
                    onAnnouncement(announced);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /**
     * The announcements worth loading out of one poll: a delta with this scorer's spec is dropped when a later one
     * in the same poll also has it, since the later version is reached through the chain on disk (or a full load)
     * anyway, and building each would only queue the follower behind versions already superseded. Refusals (other
     * specs) and full versions are kept, in order.
     */
    List<ModelVersion> newestOfEachRun(List<ModelVersion> batch) {
        List<ModelVersion> kept = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ModelVersion v = batch.get(i);
            boolean superseded = false;
            if (spec.hash().equals(v.getSpecHash()) && CheckpointStore.isDelta(Path.of(v.getPath()))) {
                for (int j = i + 1; j < batch.size() && !superseded; j++) {
                    superseded = spec.hash().equals(batch.get(j).getSpecHash());
                }
            }
            if (superseded) {
                LOG.debug("skipping delta {}: a newer version was announced in the same poll", v.getVersion());
            } else {
                kept.add(v);
            }
        }
        return kept;
    }

    /**
     * Loads an announced model if it fits this scorer; otherwise keeps the current one. Called by the follower
     * (and by tests), one call at a time.
     */
    void onAnnouncement(ModelVersion announced) {
        if (!spec.hash().equals(announced.getSpecHash())) {
            metrics.modelRefused(announced.getVersion(), ScorerMetrics.REFUSED_SPEC);
            LOG.warn("refusing model {}: trained on feature spec {}, this scorer builds {}; still serving {}",
                    announced.getVersion(), announced.getSpecHash(), spec.hash(), latestVersion());
            return;
        }
        Path dir = Path.of(announced.getPath());
        if (CheckpointStore.isDelta(dir)) {
            onDelta(announced.getVersion(), dir);
            return;
        }
        try {
            ServableModel model = store.loadServable(dir);
            if (offerable(model)) {
                accept(new Built(model.newPredictor(spec), model.manifest().generation()));
            }
        } catch (IOException | RuntimeException e) {
            metrics.modelRefused(announced.getVersion(), ScorerMetrics.REFUSED_UNLOADABLE);
            LOG.warn("refusing model {} at {}: {}; still serving {}", announced.getVersion(), announced.getPath(),
                    e.getMessage(), latestVersion());
        }
    }

    /**
     * Reaches the announced delta: on the master by its chain on disk (normally the announced delta alone), else
     * by the newest full version and its chain; swaps to the newest of what it reached.
     */
    private void onDelta(String version, Path dir) {
        Built current = master;
        Built reached = current == null ? null : followChain(current, version);
        if (reached != null && reached.version().equals(version)) {
            accept(reached);
            return;
        }
        String reason = current == null ? "no model is loaded" : explainMiss(dir, reached);
        LOG.warn("cannot apply delta {} on {}: {}; falling back to the newest full version", version,
                reached == null ? ScorerTopology.NO_MODEL : reached.version(), reason);
        Optional<Built> fallback = newestFullWithChain(reached == null ? Long.MIN_VALUE : reached.generation());
        Built best = reached;
        if (fallback.isPresent() && (best == null || fallback.get().generation() > best.generation())) {
            if (best != null && best != current) {
                best.predictor().close();
            }
            best = fallback.get();
        } else {
            fallback.ifPresent(f -> f.predictor().close());
        }
        if (best != null && best != current) {
            accept(best);
        }
        if (!version.equals(latestVersion())) {
            metrics.modelRefused(version, ScorerMetrics.REFUSED_UNLOADABLE);
            LOG.warn("refusing model {}: not reachable by deltas or a full load; still serving {}", version,
                    latestVersion());
        }
    }

    /** Why the delta in {@code dir} did not apply after the chain reached {@code reached}. */
    private String explainMiss(Path dir, Built reached) {
        try {
            ServableDelta delta = store.loadServableDelta(dir);
            return "it applies on " + delta.baseVersion() + ", which is not on disk or not reachable from "
                    + reached.version();
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /**
     * Applies the deltas on disk that chain from {@code from}, in order, until {@code target} (or, with a null
     * target, as far as the chain goes) or the first one that fails to verify, to one copy of {@code from}'s
     * tables; returns the version reached ({@code from} itself if none applied, or if applying failed). {@code from}
     * is not changed.
     */
    private Built followChain(Built from, String target) {
        List<ServableDelta> chain = new ArrayList<>();
        String at = from.version();
        while (target == null || !at.equals(target)) {
            Optional<Path> next = store.deltaOn(at);
            if (next.isEmpty()) {
                break;
            }
            try {
                ServableDelta delta = store.loadServableDelta(next.get());
                chain.add(delta);
                at = delta.version();
            } catch (IOException | RuntimeException e) {
                LOG.warn("skipping delta {} on {}: {}", next.get(), at, e.getMessage());
                break;
            }
        }
        if (chain.isEmpty()) {
            return from;
        }
        try {
            return new Built(ServableDelta.applyChain(from.predictor(), chain, spec),
                    chain.get(chain.size() - 1).info().manifest().generation());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot apply deltas {} on {}: {}", chain.stream().map(ServableDelta::version).toList(),
                    from.version(), e.getMessage());
            return from;
        }
    }

    /**
     * The newest full version that verifies and builds, with the deltas on disk that chain from it applied; empty
     * if there is none or if it is not newer than generation {@code above} (its chain would lead where the caller
     * already is, and building it costs seconds for a seed-sized model).
     */
    private Optional<Built> newestFullWithChain(long above) {
        Optional<ServableModel> newest = store.loadNewestServable();
        if (newest.isEmpty() || newest.get().manifest().generation() <= above || !offerable(newest.get())) {
            return Optional.empty();
        }
        ServableModel model = newest.get();
        Built full;
        try {
            full = new Built(model.newPredictor(spec), model.manifest().generation());
        } catch (IOException | RuntimeException e) {
            metrics.modelRefused(model.version(), ScorerMetrics.REFUSED_UNLOADABLE);
            LOG.warn("cannot load model {}: {}", model.version(), e.getMessage());
            return Optional.empty();
        }
        Built reached = followChain(full, null);
        if (reached != full) {
            full.predictor().close();
        }
        return Optional.of(reached);
    }

    private boolean offerable(ServableModel model) {
        String hash = model.manifest().featureSpec().hash();
        if (!spec.hash().equals(hash)) {
            metrics.modelRefused(model.version(), ScorerMetrics.REFUSED_SPEC);
            LOG.warn("refusing model {}: trained on feature spec {}, this scorer builds {}",
                    model.version(), hash, spec.hash());
            return false;
        }
        return true;
    }

    /** Makes {@code next} the master and closes the previous one, under the lock copies are taken under. */
    private void accept(Built next) {
        synchronized (lock) {
            if (closed) {
                next.predictor().close();
                return;
            }
            Built old = master;
            master = next;
            latest = next.version();
            if (old != null && old != next) {
                old.predictor().close();
            }
        }
        metrics.modelAccepted(next.version());
        LOG.info("model {} accepted", next.version());
    }

    @Override
    public String latestVersion() {
        return latest;
    }

    @Override
    public ClickPredictor newPredictor() {
        synchronized (lock) {
            return master == null || closed ? null : master.predictor().copy();
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
        synchronized (lock) {
            closed = true;
            if (master != null) {
                master.predictor().close();
                master = null;
            }
        }
    }
}
