package dev.wnd.learner;

import dev.wnd.features.spec.EventTime;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.WideDeepTrainer;
import dev.wnd.model.checkpoint.CheckpointInfo;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import dev.wnd.model.checkpoint.ModelDirectoryLock;
import dev.wnd.model.checkpoint.UnsupportedCheckpointFormatException;
import dev.wnd.model.checkpoint.UnverifiableCheckpointsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Wide &amp; Deep trainer on DJL behind the learner loop, with its checkpoint store. Resumes from the newest
 * valid full checkpoint in the model directory (corrupt ones are skipped by the store; serving snapshots are never
 * resumed from), or starts fresh when the directory holds no checkpoint at all.
 *
 * <p><b>What it refuses.</b> {@link #open} throws rather than start on a directory it cannot trust
 * ({@link CheckpointStore#loadForResume}): a checkpoint of another format version (written by another build), or
 * checkpoints none of which verifies (a fresh model there would out-generation them and scorers would serve it).
 * And it holds the directory's {@link ModelDirectoryLock} from {@link #open} to {@link #close()}, so a second
 * learner on the same directory, in this process or another, is refused with the holder's pid; the OS releases the
 * lock when the process ends, however it ends.
 *
 * <p><b>Delta serving snapshots.</b> With a non-zero {@code fullSnapshotEvery}, a serving snapshot is written as a
 * delta on the previous model version this instance wrote (only the dense parameters and the table rows trained
 * since; see {@link CheckpointStore#saveServingDelta}) unless that much time has passed since the last full version
 * (checkpoint or full snapshot), the first snapshot after opening is due, or the previous write failed: then it is
 * a full snapshot, which the following deltas build on. Checkpoints are always full and start a new chain.
 * Thread-confined, like the trainer.
 */
public final class DjlTrainableModel implements TrainableModel {

    private static final Logger LOG = LoggerFactory.getLogger(DjlTrainableModel.class);

    private final FeatureSpec spec;
    private final CheckpointStore store;
    private final WideDeepTrainer trainer;
    private final Map<String, Long> restoredOffsets;
    private final int restoredEpoch;
    private final Duration fullSnapshotEvery;
    /** The version last written, the base of the next delta; null before the first and after a failed write. */
    private String lastVersion;
    private long lastFullNanos;

    private final ModelDirectoryLock lock;

    private DjlTrainableModel(FeatureSpec spec, CheckpointStore store, ModelDirectoryLock lock,
            WideDeepTrainer trainer, Map<String, Long> restoredOffsets, int restoredEpoch,
            Duration fullSnapshotEvery) {
        this.lock = lock;
        this.fullSnapshotEvery = fullSnapshotEvery;
        this.spec = spec;
        this.store = store;
        this.trainer = trainer;
        this.restoredOffsets = Map.copyOf(restoredOffsets);
        this.restoredEpoch = restoredEpoch;
    }

    /**
     * Opens the model in {@code modelDir}: the newest valid checkpoint there, or a fresh model built with
     * {@code config} if there is no checkpoint; locks the directory until {@link #close()}.
     *
     * @throws IllegalStateException with a message naming the directory and what to do, when another learner holds
     *     the directory, when the newest checkpoint was trained on another feature spec, when a checkpoint has a
     *     format version this build does not read, or when there are checkpoints and none verifies
     */
    public static DjlTrainableModel open(FeatureSpec spec, ModelConfig config, Path modelDir, int keepLast) {
        return open(spec, config, modelDir, keepLast, keepLast);
    }

    /**
     * As {@link #open(FeatureSpec, ModelConfig, Path, int)}, keeping the newest {@code keepSnapshots} serving
     * snapshots beside the newest {@code keepLast} checkpoints.
     */
    public static DjlTrainableModel open(FeatureSpec spec, ModelConfig config, Path modelDir, int keepLast,
            int keepSnapshots) {
        return open(spec, config, modelDir, keepLast, keepSnapshots, Duration.ZERO);
    }

    /**
     * As {@link #open(FeatureSpec, ModelConfig, Path, int, int)}, writing serving snapshots as deltas between full
     * versions (see the class comment).
     *
     * @param fullSnapshotEvery the longest time between full model versions; between them serving snapshots are
     *     deltas. Zero: every serving snapshot is full (no deltas)
     */
    public static DjlTrainableModel open(FeatureSpec spec, ModelConfig config, Path modelDir, int keepLast,
            int keepSnapshots, Duration fullSnapshotEvery) {
        if (fullSnapshotEvery == null || fullSnapshotEvery.isNegative()) {
            throw new IllegalArgumentException("fullSnapshotEvery must be zero or positive, got " + fullSnapshotEvery);
        }
        ModelDirectoryLock lock;
        try {
            lock = ModelDirectoryLock.acquire(modelDir);
        } catch (ModelDirectoryLock.ModelDirectoryLockedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the model directory " + modelDir, e);
        }
        try {
            CheckpointStore store = new CheckpointStore(modelDir, keepLast, keepSnapshots);
            Optional<LoadedCheckpoint> newest = store.loadForResume();
            if (newest.isPresent()) {
                LoadedCheckpoint checkpoint = newest.get();
                String hash = checkpoint.manifest().featureSpec().hash();
                if (!spec.hash().equals(hash)) {
                    throw new IllegalStateException("checkpoint " + checkpoint.version() + " in " + modelDir
                            + " was trained on feature spec " + hash + ", this build uses " + spec.hash()
                            + ": use a new --model-dir");
                }
                LOG.info("resuming from checkpoint {} ({} examples trained, pass {} over the input)",
                        checkpoint.version(), checkpoint.manifest().examplesTrained(), checkpoint.epoch() + 1);
                return new DjlTrainableModel(spec, store, lock, checkpoint.restoreTrainer(spec),
                        checkpoint.offsets(), checkpoint.epoch(), fullSnapshotEvery);
            }
            LOG.info("no checkpoint in {}: starting a fresh model ({})", modelDir, config);
            return new DjlTrainableModel(spec, store, lock, WideDeepTrainer.create(spec, config), Map.of(), 0,
                    fullSnapshotEvery);
        } catch (UnsupportedCheckpointFormatException | UnverifiableCheckpointsException e) {
            release(lock, e);
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            release(lock, e);
            throw new UncheckedIOException("cannot open the model directory " + modelDir, e);
        } catch (RuntimeException | Error e) {
            release(lock, e);
            throw e;
        }
    }

    private static void release(ModelDirectoryLock lock, Throwable cause) {
        try {
            lock.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public double train(Batch batch) {
        return trainer.trainBatch(batch).loss();
    }

    @Override
    public float[] predict(Batch batch) {
        return trainer.predict(batch);
    }

    @Override
    public String specHash() {
        return spec.hash();
    }

    @Override
    public Checkpointed checkpoint(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
            long streamTime) {
        lastVersion = null;
        try {
            CheckpointInfo info = store.save(trainer, nextOffsets, epoch,
                    Instant.ofEpochMilli(EventTime.EPOCH_BASE_MS + streamTime));
            lastVersion = info.version();
            lastFullNanos = System.nanoTime();
            return new Checkpointed(info.version(), info.directory().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint into " + store.directory(), e);
        }
    }

    @Override
    public Checkpointed servingSnapshot(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
            long streamTime) {
        String base = lastVersion;
        boolean delta = base != null && !fullSnapshotEvery.isZero()
                && System.nanoTime() - lastFullNanos < fullSnapshotEvery.toNanos();
        lastVersion = null; // a failure part-way leaves no known base: the next version is full
        try {
            Instant time = Instant.ofEpochMilli(EventTime.EPOCH_BASE_MS + streamTime);
            CheckpointInfo info = delta ? store.saveServingDelta(trainer, base, nextOffsets, epoch, time)
                    : store.saveServingSnapshot(trainer, nextOffsets, epoch, time);
            if (!delta) {
                lastFullNanos = System.nanoTime();
            }
            lastVersion = info.version();
            return new Checkpointed(info.version(), info.directory().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a serving snapshot into " + store.directory(), e);
        }
    }

    @Override
    public Map<String, Long> restoredOffsets() {
        return restoredOffsets;
    }

    @Override
    public int restoredEpoch() {
        return restoredEpoch;
    }

    @Override
    public long examplesTrained() {
        return trainer.examplesTrained();
    }

    /** Closes the trainer and releases the model directory's lock. */
    @Override
    public void close() {
        try {
            trainer.close();
        } finally {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("cannot release the lock on {}: {}", store.directory(), e.toString());
            }
        }
    }
}
