package dev.wnd.learner;

import java.time.Duration;
import java.util.Objects;

/**
 * When the learner trains a batch, checkpoints and publishes a serving snapshot, from what it has trained and how
 * long ago things happened; pure (times are given, in nanoseconds of a monotonic clock), not thread-safe.
 *
 * <ul>
 *   <li><b>Batches</b> are cut at {@link LearnerConfig#batchSize()} train examples; a partial batch is trained
 *       once its oldest example has waited {@link LearnerConfig#maxBatchWait()}, except in deterministic mode, where
 *       batches are cut by size alone.</li>
 *   <li><b>Checkpoints</b> are due every {@link LearnerConfig#checkpointEveryExamples()} train examples or every
 *       {@link LearnerConfig#checkpointEvery()} since the last attempt, written or failed (so a failed one is
 *       retried a full period later); more than {@link LearnerConfig#maxFailedCheckpoints()} failures in a row stop
 *       the learner.</li>
 *   <li><b>Serving snapshots</b> are due when no checkpoint is, {@link LearnerConfig#servingSnapshotEvery()} after
 *       the last published model version (checkpoint or snapshot) or the last failed snapshot; checked after each
 *       batch and, while no batch is due, on every poll ({@link #snapshotOwed}), so a trained batch never waits for
 *       the next one to be published.</li>
 * </ul>
 */
final class Cadence {

    /** What is due after a batch. */
    enum Due { NOTHING, CHECKPOINT, SERVING_SNAPSHOT }

    private final LearnerConfig config;
    private long oldestBufferedNanos;
    private long trainedSinceWritten;
    private long trainedSinceAttempt;
    private long lastAttemptNanos;
    private long lastPublishedNanos;
    private long trainedSincePublished;
    private int failedInARow;

    /** @param nowNanos the start: the time periods count from */
    Cadence(LearnerConfig config, long nowNanos) {
        this.config = Objects.requireNonNull(config, "config");
        this.lastAttemptNanos = nowNanos;
        this.lastPublishedNanos = nowNanos;
    }

    /** A train example was buffered; {@code buffered} is the buffer's size now. */
    void buffered(int buffered, long nowNanos) {
        if (buffered == 1) {
            oldestBufferedNanos = nowNanos;
        }
    }

    /** Whether a buffer of {@code buffered} train examples is a full batch. */
    boolean full(int buffered) {
        return buffered >= config.batchSize();
    }

    /** Whether a partial buffer has waited long enough to be trained (never in deterministic mode). */
    boolean waitedEnough(int buffered, long nowNanos) {
        return !config.deterministic() && buffered > 0
                && nowNanos - oldestBufferedNanos >= config.maxBatchWait().toNanos();
    }

    /** A batch of {@code examples} was trained. */
    void trained(int examples) {
        trainedSinceWritten += examples;
        trainedSinceAttempt += examples;
        trainedSincePublished += examples;
    }

    /** What is due now, after a batch. */
    Due due(long nowNanos) {
        boolean byCount = config.checkpointEveryExamples() > 0
                && trainedSinceAttempt >= config.checkpointEveryExamples();
        boolean byTime = !config.checkpointEvery().isZero()
                && nowNanos - lastAttemptNanos >= config.checkpointEvery().toNanos();
        if (byCount || byTime) {
            return Due.CHECKPOINT;
        }
        Duration snapshots = config.servingSnapshotEvery();
        return !snapshots.isZero() && nowNanos - lastPublishedNanos >= snapshots.toNanos()
                ? Due.SERVING_SNAPSHOT : Due.NOTHING;
    }

    /** A checkpoint was written (and is being announced). */
    void checkpointWritten(long nowNanos) {
        failedInARow = 0;
        trainedSinceWritten = 0;
        trainedSinceAttempt = 0;
        lastAttemptNanos = nowNanos;
    }

    /**
     * A checkpoint failed; the next is due a full period later.
     *
     * @return true when more have now failed in a row than the learner tolerates: it must stop
     */
    boolean checkpointFailed(long nowNanos) {
        failedInARow++;
        trainedSinceAttempt = 0;
        lastAttemptNanos = nowNanos;
        return failedInARow > config.maxFailedCheckpoints();
    }

    /**
     * Whether a serving snapshot is owed between batches: something was trained since the last published version
     * and a full {@link LearnerConfig#servingSnapshotEvery()} has passed since it (or since the last failed snapshot).
     */
    boolean snapshotOwed(long nowNanos) {
        Duration snapshots = config.servingSnapshotEvery();
        return !snapshots.isZero() && trainedSincePublished > 0
                && nowNanos - lastPublishedNanos >= snapshots.toNanos();
    }

    /** A model version was announced: the next snapshot is a full period away. */
    void published(long nowNanos) {
        lastPublishedNanos = nowNanos;
        trainedSincePublished = 0;
    }

    /** A serving snapshot failed: the next try is a full period away, and what it would have published is owed. */
    void snapshotFailed(long nowNanos) {
        lastPublishedNanos = nowNanos;
    }

    /** Checkpoints that failed in a row since the last one written. */
    int failedInARow() {
        return failedInARow;
    }

    /** Train examples since the newest checkpoint written (a failed one does not count). */
    long trainedSinceWritten() {
        return trainedSinceWritten;
    }
}
