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
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models from the learner's model directory: the newest valid full version there at start (checkpoint or serving
 * snapshot) with the chain of delta snapshots on it, then each version announced on the model-versions topic,
 * whichever kind. Only what a scorer loads is verified: the manifest and the parameters (or the delta file), never
 * a checkpoint's optimizer state ({@link CheckpointStore#loadServable}).
 *
 * <p><b>What it refuses.</b> The feed cannot be pointed at anything else, and cannot be killed by what it is sent.
 * An announcement is served only if all of these hold, checked in this order; otherwise the current model keeps
 * serving, the feed logs one line that begins {@code refusing model <version>} and says why, and counts it
 * ({@link ScorerMetrics#modelRefused}, see {@link ModelRefusal.Cause} for which cause each counts as):
 * <ol>
 *   <li>it decodes, and was built for this scorer's feature spec (the announcement's spec hash);</li>
 *   <li>its path names a version directly in this scorer's model directory ({@link ModelDirectoryGuard}: after
 *       {@code ..} and every symbolic link are resolved; the version directory itself must not be a link), and the
 *       directory's name is the announced version;</li>
 *   <li>its generation is newer than the one served: an older or equal version, full or delta, never replaces a
 *       newer one (so a replayed or stray announcement cannot roll the model back);</li>
 *   <li>it verifies ({@link CheckpointStore#loadServable} or {@link CheckpointStore#loadServableDelta}), its
 *       manifest names this scorer's feature spec, and it builds (or, for a delta, applies).</li>
 * </ol>
 * The follower thread survives everything an announcement can bring (garbage bytes, empty records, paths that are no
 * paths, missing or corrupt files, exceptions while building) and broker trouble (it retries after a pause), and
 * then serves the next good version. The generation rule means that a scorer does not follow a learner that starts
 * over in a new, empty model directory at the same path: restart the scorer then.
 *
 * <p><b>The master copy.</b> The feed holds the newest accepted version built once (a {@link WideDeepPredictor}
 * used for nothing but copying) and hands out copies of it ({@link #newPredictor()}: one native copy, no disk
 * read). A full version is built from its parameters file. A delta is applied to a copy of the master, and only if
 * the master is exactly the delta's base; the finished copy then replaces the master in one step, so no predictor
 * is ever handed out half-applied and the old master is closed only after the swap. A delta whose base is not the
 * master (a version was missed) is reached by applying the missed deltas still on disk; failing that (a gap, a
 * missing base, a checksum failure), the feed falls back to the newest full version on disk plus its delta chain,
 * and swaps to it only if it is newer than what it serves: otherwise the current version keeps serving.
 *
 * <p><b>Threading.</b> Thread-safe: one background thread (the follower) loads and applies versions, stream or
 * loader threads take predictors. Copies are taken and masters swapped and closed under one lock.
 */
public final class CheckpointModelFeed implements ModelFeed, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointModelFeed.class);
    /** The pause before the follower tries again after the broker failed it. */
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    /** A built version: the master predictor and the generation of its version (newer is larger). */
    private record Built(WideDeepPredictor predictor, long generation) {
        String version() {
            return predictor.modelVersion();
        }
    }

    /** Where following a delta chain got: the version reached, and why it stopped short, if it did. */
    private record Reached(Built built, String problem) {
    }

    private final FeatureSpec spec;
    private final CheckpointStore store;
    private final ModelDirectoryGuard guard;
    private final Object lock = new Object();
    /** The master; replaced and closed under {@link #lock}, written only by the constructor and the follower. */
    private Built master;
    private volatile String latest;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AppTopics topics;
    private final Thread follower;
    private final ScorerMetrics metrics;
    private volatile boolean closing;
    private volatile boolean following;
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
            this.guard = new ModelDirectoryGuard(modelDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the model directory " + modelDir, e);
        }
        Optional<Built> newest = newestFullWithChain(Long.MIN_VALUE, false);
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

    /**
     * Whether the follower is running and positioned on the model-versions topic: from then on every announcement
     * reaches the feed. False without a cluster, before the follower found the topic, and after {@link #close()}.
     */
    public boolean isFollowing() {
        return following;
    }

    /**
     * The follower: positions itself at the end of the topic, then handles what each poll brings. Nothing an
     * announcement holds ends it (see the class comment); an error of the consumer (the broker away, the topic
     * missing) is logged and retried after {@link #RETRY_PAUSE}. Only {@link #close()} ends it.
     */
    private void follow() {
        try {
            while (!closing) {
                try {
                    if (!following) {
                        position();
                        continue;
                    }
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                    List<ModelVersion> batch = new ArrayList<>();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        decode(record).ifPresent(batch::add);
                    }
                    for (ModelVersion announced : newestOfEachRun(batch)) {
                        onAnnouncement(announced);
                    }
                } catch (WakeupException | InterruptException e) {
                    // close() wakes the consumer up; anything else (a stray interrupt) is not a reason to stop
                    Thread.interrupted();
                    if (!closing) {
                        LOG.warn("model feed: interrupted while not closing ({}); following on", e.toString());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("model feed: {} failed: {}; trying again in {} ms", topics.modelVersions.name(),
                            e.toString(), RETRY_PAUSE.toMillis());
                    pause();
                }
            }
        } finally {
            following = false;
            try {
                consumer.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the model feed's consumer: {}", e.toString());
            }
        }
    }

    /** Assigns every partition of the topic and positions the consumer at its end; pauses if there is none yet. */
    private void position() {
        List<TopicPartition> partitions = consumer.partitionsFor(topics.modelVersions.name(), Duration.ofSeconds(30))
                .stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        if (partitions.isEmpty()) {
            LOG.warn("model feed: no topic {} yet; looking again in {} ms", topics.modelVersions.name(),
                    RETRY_PAUSE.toMillis());
            pause();
            return;
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition tp : partitions) {
            consumer.position(tp); // resolves the end now: announcements from here on are seen
        }
        following = true;
        LOG.info("model feed following {} from its end", partitions);
    }

    /** Waits {@link #RETRY_PAUSE}; only {@link #close()} ends the follower, so an interrupt merely cuts it short. */
    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            LOG.debug("model feed: pause interrupted");
        }
    }

    /** The announcement in {@code record}, or empty (with its refusal logged) if there is none to read. */
    private Optional<ModelVersion> decode(ConsumerRecord<String, byte[]> record) {
        String label = "announcement " + record.topic() + "-" + record.partition() + "@" + record.offset();
        if (record.value() == null) {
            refuse(label, null, new ModelRefusal(ModelRefusal.Cause.MALFORMED, "an empty record"));
            return Optional.empty();
        }
        try {
            ModelVersion v = topics.modelVersions.valueSerde().deserializer().deserialize(record.topic(),
                    record.value());
            if (v == null || v.getVersion() == null || v.getPath() == null || v.getSpecHash() == null) {
                refuse(label, null, new ModelRefusal(ModelRefusal.Cause.MALFORMED, "no version, path or spec hash"));
                return Optional.empty();
            }
            return Optional.of(v);
        } catch (RuntimeException e) {
            refuse(label, null, new ModelRefusal(ModelRefusal.Cause.MALFORMED, "cannot decode it: " + e.getMessage()));
            return Optional.empty();
        }
    }

    /**
     * The announcements worth loading out of one poll: a delta with this scorer's spec is dropped when a later one
     * in the same poll also has it, lies in the model directory and has a larger generation, since that version is
     * reached through the chain on disk (or a full load) anyway, and building each would only queue the follower
     * behind versions already superseded. Everything else is kept, in order.
     */
    List<ModelVersion> newestOfEachRun(List<ModelVersion> batch) {
        List<ModelVersion> kept = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ModelVersion v = batch.get(i);
            boolean superseded = false;
            long generation = ownGeneration(v);
            if (generation >= 0 && CheckpointStore.isDelta(Path.of(v.getVersion()))) {
                for (int j = i + 1; j < batch.size() && !superseded; j++) {
                    superseded = ownGeneration(batch.get(j)) > generation;
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
     * The generation of an announced version with this scorer's spec whose path may be loaded
     * ({@link ModelDirectoryGuard#locate}); -1 for any other.
     */
    private long ownGeneration(ModelVersion v) {
        if (!spec.hash().equals(v.getSpecHash())) {
            return -1;
        }
        try {
            guard.locate(v.getPath(), v.getVersion());
            return CheckpointStore.generationOf(v.getVersion()).orElse(-1);
        } catch (ModelRefusal | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Serves an announced model if it passes every check of the class comment; otherwise logs one line saying why,
     * counts the refusal, and keeps the current one. Never throws. Called by the follower (and by tests), one call
     * at a time.
     */
    void onAnnouncement(ModelVersion announced) {
        String version = String.valueOf(announced.getVersion());
        try {
            load(announced);
        } catch (ModelRefusal r) {
            refuse(version, announced.getPath(), r);
        } catch (RuntimeException | Error e) {
            refuse(version, announced.getPath(), new ModelRefusal(ModelRefusal.Cause.UNLOADABLE,
                    "failed while loading: " + e));
        }
    }

    private void load(ModelVersion announced) throws ModelRefusal {
        if (!spec.hash().equals(announced.getSpecHash())) {
            throw new ModelRefusal(ModelRefusal.Cause.FOREIGN_SPEC, "trained on feature spec "
                    + announced.getSpecHash() + ", this scorer builds " + spec.hash());
        }
        Path dir = guard.locate(announced.getPath(), announced.getVersion());
        long generation = CheckpointStore.generationOf(announced.getVersion()).orElseThrow();
        requireNewer(generation);
        guard.requireExists(dir);
        if (CheckpointStore.isDelta(dir)) {
            onDelta(announced.getVersion(), dir, generation);
            return;
        }
        ServableModel model;
        try {
            model = store.loadServable(dir);
        } catch (IOException e) {
            throw new ModelRefusal(ModelRefusal.Cause.UNLOADABLE, e.getMessage());
        }
        requireSpec(model);
        Built built;
        try {
            built = new Built(model.newPredictor(spec), generation);
        } catch (IOException | RuntimeException e) {
            throw new ModelRefusal(ModelRefusal.Cause.UNLOADABLE, "cannot build it: " + e);
        }
        if (!accept(built)) {
            throw new ModelRefusal(ModelRefusal.Cause.NOT_NEWER, "a newer version was accepted meanwhile");
        }
    }

    /** Refuses generation {@code generation} unless it is newer than the one served. */
    private void requireNewer(long generation) throws ModelRefusal {
        Built current = master;
        if (current != null && generation <= current.generation()) {
            throw new ModelRefusal(ModelRefusal.Cause.NOT_NEWER, "generation " + generation + " is not newer than "
                    + "the served " + current.version() + " (generation " + current.generation() + ")");
        }
    }

    private void requireSpec(ServableModel model) throws ModelRefusal {
        String hash = model.manifest().featureSpec().hash();
        if (!spec.hash().equals(hash)) {
            throw new ModelRefusal(ModelRefusal.Cause.FOREIGN_SPEC, "its manifest says feature spec " + hash
                    + ", this scorer builds " + spec.hash());
        }
    }

    /** Logs the one line of a refusal and counts it. */
    private void refuse(String version, String path, ModelRefusal refusal) {
        String where = path == null ? "" : " at " + path;
        String still = latest == null ? ScorerTopology.NO_MODEL : latest;
        if (refusal.kind() == ModelRefusal.Cause.NOT_NEWER) {
            LOG.info("refusing model {}{}: {}; still serving {}", version, where, refusal.getMessage(), still);
        } else {
            LOG.warn("refusing model {}{}: {}; still serving {}", version, where, refusal.getMessage(), still);
        }
        try {
            metrics.modelRefused(version, refusal.kind().metricsCause());
        } catch (RuntimeException e) {
            LOG.debug("metrics refused the refusal of {}: {}", version, e.toString());
        }
    }

    /**
     * Reaches the announced delta: on the master by its chain on disk (normally the announced delta alone), else
     * by the newest full version and its chain; swaps to the newest of what it reached, and refuses the delta if
     * that is not the delta itself.
     */
    private void onDelta(String version, Path dir, long generation) throws ModelRefusal {
        Built current = master;
        Reached reached = current == null ? new Reached(null, "no model is loaded to apply it on")
                : followChain(current, version);
        if (reached.built() != null && reached.built().version().equals(version)) {
            if (!accept(reached.built())) {
                throw new ModelRefusal(ModelRefusal.Cause.NOT_NEWER, "a newer version was accepted meanwhile");
            }
            return;
        }
        String why = reached.problem() != null ? reached.problem() : explainMiss(dir, reached.built());
        Built best = reached.built();
        long above = best == null ? Long.MIN_VALUE : best.generation();
        Optional<Built> fallback = newestFullWithChain(above, true);
        if (fallback.isPresent()) {
            if (best != null && best != current) {
                best.predictor().close();
            }
            best = fallback.get();
        }
        if (best != null && best != current) {
            accept(best);
        }
        if (!version.equals(latestVersion())) {
            Built now = master;
            boolean moved = now != null && now != current;
            throw new ModelRefusal(moved && now.generation() > generation ? ModelRefusal.Cause.NOT_NEWER
                    : ModelRefusal.Cause.UNLOADABLE, why + (moved ? "; moved on to " + now.version()
                            + " instead (what the deltas on disk, or the newest full version and its deltas, reach)"
                            : ""));
        }
    }

    /** Why the delta in {@code dir} did not apply after the chain reached {@code reached}. */
    private String explainMiss(Path dir, Built reached) {
        try {
            ServableDelta delta = store.loadServableDelta(dir);
            return "it applies on " + delta.baseVersion() + ", which is not on disk or not reachable from "
                    + (reached == null ? ScorerTopology.NO_MODEL : reached.version());
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /**
     * Applies the deltas on disk that chain from {@code from}, in order, until {@code target} (or, with a null
     * target, as far as the chain goes) or the first one that fails to verify, to one copy of {@code from}'s
     * tables; returns the version reached ({@code from} itself if none applied, or if applying failed) and why it
     * stopped short of {@code target}, if it did. {@code from} is not changed.
     */
    private Reached followChain(Built from, String target) {
        List<ServableDelta> chain = new ArrayList<>();
        String at = from.version();
        String problem = null;
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
                problem = next.get().getFileName() + " on " + at + ": " + e.getMessage();
                LOG.debug("skipping delta {}", problem);
                break;
            }
        }
        if (chain.isEmpty()) {
            return new Reached(from, problem);
        }
        try {
            return new Reached(new Built(ServableDelta.applyChain(from.predictor(), chain, spec),
                    chain.get(chain.size() - 1).info().manifest().generation()), problem);
        } catch (IOException | RuntimeException e) {
            String failed = "cannot apply deltas " + chain.stream().map(ServableDelta::version).toList() + " on "
                    + from.version() + ": " + e.getMessage();
            LOG.debug(failed);
            return new Reached(from, failed);
        }
    }

    /**
     * The newest full version that verifies and builds, with the deltas on disk that chain from it applied; empty
     * if there is none or if it is not newer than generation {@code above} (its chain would lead where the caller
     * already is, and building it costs seconds for a seed-sized model). Refusals of the version it finds are
     * logged and counted unless {@code quiet} (a fallback for an announced version, whose refusal says it all).
     */
    private Optional<Built> newestFullWithChain(long above, boolean quiet) {
        Optional<ServableModel> newest = store.loadNewestServable();
        if (newest.isEmpty() || newest.get().manifest().generation() <= above) {
            return Optional.empty();
        }
        ServableModel model = newest.get();
        Built full;
        try {
            requireSpec(model);
            full = new Built(model.newPredictor(spec), model.manifest().generation());
        } catch (ModelRefusal r) {
            if (!quiet) {
                refuse(model.version(), model.info().directory().toString(), r);
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            ModelRefusal r = new ModelRefusal(ModelRefusal.Cause.UNLOADABLE, "cannot build it: " + e);
            if (!quiet) {
                refuse(model.version(), model.info().directory().toString(), r);
            }
            return Optional.empty();
        }
        Reached reached = followChain(full, null);
        if (reached.built() != full) {
            full.predictor().close();
        }
        return Optional.of(reached.built());
    }

    /**
     * Makes {@code next} the master and closes the previous one, under the lock copies are taken under; refuses
     * (closing {@code next}) when the feed is closed or {@code next} is not newer than the master, so that no
     * path through the feed can roll the model back.
     *
     * @return whether {@code next} is now the master
     */
    private boolean accept(Built next) {
        synchronized (lock) {
            if (closed || (master != null && next.generation() <= master.generation())) {
                if (master == null || next.predictor() != master.predictor()) {
                    next.predictor().close();
                }
                return false;
            }
            Built old = master;
            master = next;
            latest = next.version();
            if (old != null && old.predictor() != next.predictor()) {
                old.predictor().close();
            }
        }
        try {
            metrics.modelAccepted(next.version());
        } catch (RuntimeException e) {
            LOG.debug("metrics refused the acceptance of {}: {}", next.version(), e.toString());
        }
        LOG.info("model {} accepted", next.version());
        return true;
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
