package dev.wnd.learner;

import dev.wnd.schemas.kafka.KafkaConnection;
import java.time.Duration;
import java.util.Objects;

/**
 * The learner loop's settings. Immutable, validated on construction.
 *
 * @param kafka the cluster and the client settings (security) of the learner's consumer and producer
 * @param batchSize examples per optimizer step (the seed's {@code --global-batch-size})
 * @param maxBatchWait a partial batch is trained after waiting this long for more examples; ignored when
 *     {@code deterministic}, where batches are cut by size alone so that they depend only on the input offsets
 * @param checkpointEveryExamples checkpoint after this many trained examples (0 = never by count)
 * @param checkpointEvery checkpoint after this much time (zero = never by time)
 * @param deterministic make the parameters a function of the input log alone, so that a crashed and restarted
 *     learner ends bit-identical to an uninterrupted one (with a fixed seed and the same number of PyTorch threads):
 *     records are processed in a canonical merge order of the partitions (record timestamp, then partition),
 *     batches are cut by size only, and a stop does not train a partial batch (see {@link OnlineLearner}); a
 *     partition that receives nothing then holds the learner back until upstream is drained
 * @param modelName key of the ModelVersion announcements
 * @param metricsLog where to append one JSON line of online metrics per progress report (and at the end), for
 *     the evaluation report's learning curves; null for none
 * @param epochs passes over the examples topic, at least 1 (the seed's {@code --num_epochs}; a stream learner
 *     makes one): once the input is drained, the learner reads the topic again from its beginning, until it has
 *     made this many passes; see {@link OnlineLearner}
 * @param servingSnapshotEvery publish a serving snapshot (parameters only, for scorers; never resumed from) after
 *     the first batch trained this long after the last published model version, checkpoint or snapshot (zero =
 *     never): scorers get new versions at this cadence while full checkpoints, the recovery points, follow
 *     {@code checkpointEvery} and {@code checkpointEveryExamples}
 * @param maxFailedCheckpoints how many checkpoints in a row may fail to be written (a full disk) while the learner
 *     trains on and tries again at each next checkpoint moment; one more and {@link OnlineLearner#run} throws
 *     {@link CheckpointFailedException}. 0 stops at the first failure. The default is
 *     {@value #DEFAULT_MAX_FAILED_CHECKPOINTS}
 */
public record LearnerConfig(KafkaConnection kafka, int batchSize, Duration maxBatchWait,
        long checkpointEveryExamples, Duration checkpointEvery, boolean deterministic, String modelName,
        java.nio.file.Path metricsLog, int epochs, Duration servingSnapshotEvery, int maxFailedCheckpoints) {

    /** The default of {@link #maxFailedCheckpoints()}. */
    public static final int DEFAULT_MAX_FAILED_CHECKPOINTS = 10;

    /** A config that tolerates {@value #DEFAULT_MAX_FAILED_CHECKPOINTS} failed checkpoints in a row. */
    public LearnerConfig(KafkaConnection kafka, int batchSize, Duration maxBatchWait, long checkpointEveryExamples,
            Duration checkpointEvery, boolean deterministic, String modelName, java.nio.file.Path metricsLog,
            int epochs, Duration servingSnapshotEvery) {
        this(kafka, batchSize, maxBatchWait, checkpointEveryExamples, checkpointEvery, deterministic, modelName,
                metricsLog, epochs, servingSnapshotEvery, DEFAULT_MAX_FAILED_CHECKPOINTS);
    }

    /** A config without serving snapshots: every model version is a full checkpoint. */
    public LearnerConfig(KafkaConnection kafka, int batchSize, Duration maxBatchWait, long checkpointEveryExamples,
            Duration checkpointEvery, boolean deterministic, String modelName, java.nio.file.Path metricsLog,
            int epochs) {
        this(kafka, batchSize, maxBatchWait, checkpointEveryExamples, checkpointEvery, deterministic, modelName,
                metricsLog, epochs, Duration.ZERO);
    }

    /** A config for one pass over the input. */
    public LearnerConfig(KafkaConnection kafka, int batchSize, Duration maxBatchWait, long checkpointEveryExamples,
            Duration checkpointEvery, boolean deterministic, String modelName, java.nio.file.Path metricsLog) {
        this(kafka, batchSize, maxBatchWait, checkpointEveryExamples, checkpointEvery, deterministic,
                modelName, metricsLog, 1);
    }

    public LearnerConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(maxBatchWait, "maxBatchWait");
        Objects.requireNonNull(checkpointEvery, "checkpointEvery");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(servingSnapshotEvery, "servingSnapshotEvery");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (checkpointEveryExamples < 0) {
            throw new IllegalArgumentException("checkpointEveryExamples must be >= 0");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (maxBatchWait.isNegative() || checkpointEvery.isNegative() || servingSnapshotEvery.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (maxFailedCheckpoints < 0) {
            throw new IllegalArgumentException("maxFailedCheckpoints must be >= 0, got " + maxFailedCheckpoints);
        }
    }
}
