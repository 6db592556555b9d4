package dev.wnd.scorer;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ClickPredictor;
import dev.wnd.model.ServingModel;
import dev.wnd.model.ServingPredictor;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.ServableDelta;
import dev.wnd.model.checkpoint.ServableModel;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.AppTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * An announcement that a newer one supersedes before it is applied is not refused but skipped (see below). The
 * feed's threads survive everything an announcement can bring (garbage bytes, empty records, paths that are no
 * paths, missing or corrupt files, exceptions while building) and broker trouble (the follower retries after a
 * pause), and then serve the next good version. The generation rule means that a scorer does not follow a learner that starts
 * over in a new, empty model directory at the same path: restart the scorer then.
 *
 * <p><b>Versions, shared.</b> The feed holds the newest accepted version as one {@link ServingModel}, which every
 * stream thread scores with through its own light predictor ({@link #newPredictor()}: a volatile read and a
 * reference count, no copy, no lock). A full version is built from its parameters file. A delta is applied to the
 * version served, and only if that version is exactly the delta's base: {@link ServingModel#withDeltas} derives
 * the new version in time proportional to the rows the delta changes, and never writes the version it came from,
 * which keeps answering until the new one replaces it in one step (a volatile write). So no pass ever sees a
 * half-applied version, and a thread that took the old version finishes its pass with it. A delta whose base is not
 * the version served (a version was missed) is reached by applying the missed deltas still on disk, all at once;
 * failing that (a gap, a missing base, a checksum failure), the feed falls back to the newest full version on disk
 * plus its delta chain, and swaps to it only if it is newer than what it serves: otherwise the current version keeps
 * serving.
 *
 * <p><b>Never behind itself.</b> With a cluster, one thread (the follower, {@code model-feed}) reads the
 * announcements and refuses at once those it can judge without the disk (spec, path, generation); another (the
 * applier, {@code model-feed-applier}) applies them. Between them is a mailbox of one ({@link NewestOnly}): an
 * announcement replaces the one waiting, which is skipped ({@link ScorerMetrics#modelSkipped}), so however fast
 * versions come and however long one takes to apply, the applier goes from the version it serves straight to the
 * newest announced, through the chain of deltas on disk. Each version accepted is timed
 * ({@link ScorerMetrics#modelApplied}).
 *
 * <p><b>Threading.</b> Thread-safe: the follower and the applier run in the background, stream threads take
 * predictors from any thread and never wait for either. Only the applier (the constructor before it, a test calling
 * {@link #onAnnouncement}) builds and swaps versions.
 */
public final class CheckpointModelFeed implements ModelFeed, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointModelFeed.class);
    /** The pause before the follower tries again after the broker failed it. */
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    /** A version served, or built to be: the model and the generation of its version (newer is larger). */
    private record Served(ServingModel model, long generation) {
        String version() {
            return model.version();
        }
    }

    /** When the feed started on a version: wall clock and the thread's CPU time (-1 where not measured), in ns. */
    private record Started(long nanos, long cpuNanos) {
        static Started now() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            return new Started(System.nanoTime(), threads.isCurrentThreadCpuTimeSupported()
                    ? threads.getCurrentThreadCpuTime() : -1);
        }
    }

    /** Where following a delta chain got: the version reached, and why it stopped short, if it did. */
    private record Reached(Served served, String problem) {
    }

    /**
     * An announcement that passed the checks that need no disk: this scorer's spec, a version directory in the
     * model directory, newer than the version served when it arrived.
     */
    private record Admitted(ModelVersion announced, Path dir, long generation) {
        String version() {
            return String.valueOf(announced.getVersion());
        }
    }

    private final FeatureSpec spec;
    private final CheckpointStore store;
    private final ModelDirectoryGuard guard;
    /** Guards the swaps of {@link #active} (and {@link #closed}); readers of {@link #active} do not take it. */
    private final Object lock = new Object();
    /** The version served; written under {@link #lock} only by the applier (the constructor before it). */
    private volatile Served active;
    private volatile String latest;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AppTopics topics;
    private final Thread follower;
    private final Thread applier;
    private final NewestOnly<Admitted> mailbox = new NewestOnly<>();
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
     * every model accepted, refused or skipped (from the constructor's thread for the version found at start, then
     * from the follower and the applier). Builds the version found at start before returning (seconds for a
     * seed-sized model).
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
        Started start = Started.now();
        Optional<Served> newest = newestFullWithChain(Long.MIN_VALUE, false);
        newest.ifPresentOrElse(served -> accept(served, ScorerMetrics.APPLIED_FULL, start),
                () -> LOG.warn("no valid model version in {} yet: answering with the uniform prior until a model is "
                        + "announced", modelDir));
        if (kafka == null) {
            consumer = null;
            follower = null;
            applier = null;
            return;
        }
        Properties p = kafka.properties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(p, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        applier = new Thread(this::applyAnnounced, "model-feed-applier");
        applier.setDaemon(true);
        applier.start();
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
     * The follower: positions itself at the end of the topic, then hands what each poll brings to the applier
     * ({@link #offer}), the newest last. Nothing an announcement holds ends it (see the class comment); an error of the
     * consumer (the broker away, the topic missing) is logged and retried after {@link #RETRY_PAUSE}. Only
     * {@link #close()} ends it. It never loads anything, so it never falls behind the topic.
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
                    for (ConsumerRecord<String, byte[]> record : records) {
                        decode(record).ifPresent(this::offer);
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

    /**
     * The applier: applies the newest announcement waiting, one at a time, until {@link #close()}. Never throws
     * (see {@link #apply}); an interrupt merely wakes it.
     */
    private void applyAnnounced() {
        while (!closing) {
            Admitted next;
            try {
                next = mailbox.take();
            } catch (InterruptedException e) {
                continue;
            }
            if (next == null) {
                return; // closed
            }
            apply(next);
        }
    }

    /**
     * What the applier does with the announcement waiting in the mailbox, if there is one, on the caller's thread:
     * for tests without a cluster (there is no applier then).
     *
     * @return whether there was one
     */
    boolean applyWaiting() {
        Admitted next = mailbox.poll();
        if (next == null) {
            return false;
        }
        apply(next);
        return true;
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
     * Hands an announcement to the applier if it passes the checks that need no disk ({@link #admit}), else refuses
     * it; the announcement it replaces in the mailbox, or the announcement itself if one at least as new waits
     * there, is skipped. Called by the follower (and by tests, with {@link #applyWaiting}, in place of the applier).
     */
    void offer(ModelVersion announced) {
        Admitted admitted = admitOrRefuse(announced);
        if (admitted == null) {
            return;
        }
        Admitted dropped = mailbox.offer(admitted, admitted.generation());
        if (dropped != null && !closing) {
            skip(dropped.version(), dropped == admitted ? "a version at least as new waits to be applied"
                    : admitted.version() + " was announced before it could be applied");
        }
    }

    /**
     * Serves an announced model if it passes every check of the class comment; otherwise logs one line saying why,
     * counts the refusal, and keeps the current one. Never throws. What the follower and the applier do for one
     * announcement, in one call on the caller's thread: for tests, one call at a time, without a cluster.
     */
    void onAnnouncement(ModelVersion announced) {
        Admitted admitted = admitOrRefuse(announced);
        if (admitted != null) {
            apply(admitted);
        }
    }

    /** The announcement admitted ({@link #admit}), or null with its refusal logged and counted. Never throws. */
    private Admitted admitOrRefuse(ModelVersion announced) {
        String version = String.valueOf(announced.getVersion());
        try {
            return admit(announced);
        } catch (ModelRefusal r) {
            refuse(version, announced.getPath(), r);
        } catch (RuntimeException e) {
            refuse(version, announced.getPath(), new ModelRefusal(ModelRefusal.Cause.UNLOADABLE,
                    "failed while checking it: " + e));
        }
        return null;
    }

    /**
     * The checks of an announcement that need no disk, in the order of the class comment: this scorer's spec, a
     * version directory in the model directory, newer than the version served.
     */
    private Admitted admit(ModelVersion announced) throws ModelRefusal {
        if (!spec.hash().equals(announced.getSpecHash())) {
            throw new ModelRefusal(ModelRefusal.Cause.FOREIGN_SPEC, "trained on feature spec "
                    + announced.getSpecHash() + ", this scorer builds " + spec.hash());
        }
        Path dir = guard.locate(announced.getPath(), announced.getVersion());
        long generation = CheckpointStore.generationOf(announced.getVersion()).orElseThrow();
        requireNewer(generation);
        return new Admitted(announced, dir, generation);
    }

    /**
     * Loads and serves an admitted announcement, timing it; skips it if the feed serves a version at least as new by
     * now (reached through the deltas on disk, or a fallback), refuses it (one line, counted) if it does not load.
     * Never throws.
     */
    private void apply(Admitted admitted) {
        String version = admitted.version();
        Served current = active;
        if (current != null && admitted.generation() <= current.generation()) {
            skip(version, "the feed moved on to " + current.version() + " meanwhile");
            return;
        }
        try {
            load(admitted, Started.now());
        } catch (ModelRefusal r) {
            refuse(version, admitted.announced().getPath(), r);
        } catch (RuntimeException | Error e) {
            refuse(version, admitted.announced().getPath(), new ModelRefusal(ModelRefusal.Cause.UNLOADABLE,
                    "failed while loading: " + e));
        }
    }

    private void load(Admitted admitted, Started start) throws ModelRefusal {
        requireNewer(admitted.generation());
        guard.requireExists(admitted.dir());
        if (CheckpointStore.isDelta(admitted.dir())) {
            onDelta(admitted.version(), admitted.dir(), admitted.generation(), start);
            return;
        }
        ServableModel model;
        try {
            model = store.loadServable(admitted.dir());
        } catch (IOException e) {
            throw new ModelRefusal(ModelRefusal.Cause.UNLOADABLE, e.getMessage());
        }
        requireSpec(model);
        Served built;
        try {
            built = new Served(model.loadServing(spec), admitted.generation());
        } catch (IOException | RuntimeException e) {
            throw new ModelRefusal(ModelRefusal.Cause.UNLOADABLE, "cannot build it: " + e);
        }
        if (!accept(built, ScorerMetrics.APPLIED_FULL, start)) {
            throw new ModelRefusal(ModelRefusal.Cause.NOT_NEWER, "a newer version was accepted meanwhile");
        }
    }

    /** Refuses generation {@code generation} unless it is newer than the one served. */
    private void requireNewer(long generation) throws ModelRefusal {
        Served current = active;
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

    /** Logs the one line of a skipped version and counts it. */
    private void skip(String version, String why) {
        LOG.info("skipping model {}: {}", version, why);
        try {
            metrics.modelSkipped(version);
        } catch (RuntimeException e) {
            LOG.debug("metrics refused the skip of {}: {}", version, e.toString());
        }
    }

    /**
     * Reaches the announced delta: on the version served by its chain on disk (normally the announced delta alone),
     * else by the newest full version and its chain; swaps to the newest of what it reached, and refuses the delta
     * if that is not the delta itself.
     */
    private void onDelta(String version, Path dir, long generation, Started start) throws ModelRefusal {
        Served current = active;
        Reached reached = current == null ? new Reached(null, "no model is loaded to apply it on")
                : followChain(current, version);
        if (reached.served() != null && reached.served().version().equals(version)) {
            if (!accept(reached.served(), ScorerMetrics.APPLIED_DELTA, start)) {
                throw new ModelRefusal(ModelRefusal.Cause.NOT_NEWER, "a newer version was accepted meanwhile");
            }
            return;
        }
        String why = reached.problem() != null ? reached.problem() : explainMiss(dir, reached.served());
        Served best = reached.served();
        String kind = ScorerMetrics.APPLIED_DELTA;
        long above = best == null ? Long.MIN_VALUE : best.generation();
        Optional<Served> fallback = newestFullWithChain(above, true);
        if (fallback.isPresent()) {
            if (best != null && best != current) {
                best.model().close();
            }
            best = fallback.get();
            kind = ScorerMetrics.APPLIED_FULL;
        }
        if (best != null && best != current) {
            accept(best, kind, start);
        }
        if (!version.equals(latestVersion())) {
            Served now = active;
            boolean moved = now != null && now != current;
            throw new ModelRefusal(moved && now.generation() > generation ? ModelRefusal.Cause.NOT_NEWER
                    : ModelRefusal.Cause.UNLOADABLE, why + (moved ? "; moved on to " + now.version()
                            + " instead (what the deltas on disk, or the newest full version and its deltas, reach)"
                            : ""));
        }
    }

    /** Why the delta in {@code dir} did not apply after the chain reached {@code reached}. */
    private String explainMiss(Path dir, Served reached) {
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
     * target, as far as the chain goes) or the first one that fails to verify, in one derivation of {@code from}
     * ({@link ServableDelta#applyChain}: the cost of the chain's rows); returns the version reached ({@code from}
     * itself if none applied, or if applying failed) and why it stopped short of {@code target}, if it did.
     * {@code from} does not change.
     */
    private Reached followChain(Served from, String target) {
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
            return new Reached(new Served(ServableDelta.applyChain(from.model(), chain, spec),
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
    private Optional<Served> newestFullWithChain(long above, boolean quiet) {
        Optional<ServableModel> newest = store.loadNewestServable();
        if (newest.isEmpty() || newest.get().manifest().generation() <= above) {
            return Optional.empty();
        }
        ServableModel model = newest.get();
        Served full;
        try {
            requireSpec(model);
            full = new Served(model.loadServing(spec), model.manifest().generation());
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
        if (reached.served() != full) {
            full.model().close();
        }
        return Optional.of(reached.served());
    }

    /**
     * Makes {@code next} the version served (one volatile write) and closes the previous one, whose predictors keep
     * working until their threads close them; refuses (closing {@code next}) when the feed is closed or {@code next}
     * is not newer than the version served, so that no path through the feed can roll the model back. Tells the
     * metrics how long it took since {@code start}, and logs it with the CPU time the feed's thread spent.
     *
     * @return whether {@code next} is now served
     */
    private boolean accept(Served next, String kind, Started start) {
        Served old;
        synchronized (lock) {
            if (closed || (active != null && next.generation() <= active.generation())) {
                if (active == null || next.model() != active.model()) {
                    next.model().close();
                }
                return false;
            }
            old = active;
            active = next;
            latest = next.version();
        }
        if (old != null && old.model() != next.model()) {
            old.model().close();
        }
        Started end = Started.now();
        long nanos = end.nanos() - start.nanos();
        try {
            metrics.modelAccepted(next.version());
            metrics.modelApplied(next.version(), kind, nanos);
        } catch (RuntimeException e) {
            LOG.debug("metrics refused the acceptance of {}: {}", next.version(), e.toString());
        }
        LOG.info("model {} accepted ({} in {} ms{})", next.version(), kind, nanos / 1_000_000,
                start.cpuNanos() < 0 || end.cpuNanos() < 0 ? ""
                        : ", " + (end.cpuNanos() - start.cpuNanos()) / 1_000_000 + " ms of it on the CPU");
        return true;
    }

    @Override
    public String latestVersion() {
        return latest;
    }

    /**
     * A predictor of the version served, or null while there is none or after {@link #close()}: a volatile read and
     * a reference count ({@link ServingModel#tryNewPredictor}), never a wait for the applier or a lock.
     */
    @Override
    public ClickPredictor newPredictor() {
        while (true) {
            Served served = active;
            if (served == null) {
                return null;
            }
            ServingPredictor p = served.model().tryNewPredictor();
            if (p != null) {
                return p;
            }
            // replaced and closed between the read and the take: the next read sees its successor (or null)
            Thread.onSpinWait();
        }
    }

    /** True: {@link #newPredictor()} hands out a version already built, so stream threads may ask for it. */
    @Override
    public boolean newPredictorIsInstant() {
        return true;
    }

    @Override
    public void close() {
        closing = true;
        mailbox.close();
        if (consumer != null) {
            consumer.wakeup();
            try {
                follower.join(5_000);
                applier.join(5_000); // a full load in progress finishes first: accept() then closes what it built
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Served last;
        synchronized (lock) {
            closed = true;
            last = active;
            active = null;
        }
        if (last != null) {
            last.model().close();
        }
    }
}
