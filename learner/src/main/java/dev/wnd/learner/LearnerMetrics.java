package dev.wnd.learner;

import org.apache.kafka.clients.consumer.Consumer;

/**
 * What the learner tells a metrics registry: its input consumer (for lag and fetch rates), every optimizer step,
 * validation examples scored, checkpoints and dead letters. The learner names no metrics library; the
 * application maps these calls onto its meters.
 *
 * <p>Threading: {@link #consumerOpened} is called from {@link OnlineLearner}'s constructor, everything else on the
 * thread running {@link OnlineLearner#run}. Implementations run on the training path and must be quick; they may
 * be read (scraped) from other threads, so what they keep must be safe to publish.
 */
public interface LearnerMetrics {

    /** Metrics that are not kept. */
    LearnerMetrics NONE = new LearnerMetrics() {
    };

    /**
     * The learner's input consumer exists. An implementation may keep it only to read {@link Consumer#metrics()}
     * (thread-safe) until the learner is closed; it must not call anything else on it.
     */
    default void consumerOpened(Consumer<?, ?> consumer) {
    }

    /**
     * One optimizer step was taken.
     *
     * @param examples train examples in the step's batch
     * @param stepNanos wall time of the step (forward, backward, optimizer updates), in nanoseconds
     * @param loss the batch's mean logloss before the step
     */
    default void trained(int examples, long stepNanos, double loss) {
    }

    /** {@code examples} validation examples were scored for the online metrics (not trained on). */
    default void validationScored(int examples) {
    }

    /**
     * A checkpoint was written and announced.
     *
     * @param version the model version, {@code ckpt-<generation>-s<step>}
     * @param examplesTrained examples trained in all when it was taken (restored ones included)
     * @param wallMs wall clock (epoch ms) when it was written
     */
    default void checkpointed(String version, long examplesTrained, long wallMs) {
    }

    /**
     * A checkpoint could not be written (e.g. a full disk); the previous one stays the recovery point.
     *
     * @param examplesTrained examples trained in all when it was attempted
     * @param reason what failed, for a log or an event
     */
    default void checkpointFailed(long examplesTrained, String reason) {
    }

    /**
     * A serving snapshot (parameters only, for scorers) was written and announced.
     *
     * @param version the model version, {@code snap-<generation>-s<step>}
     * @param examplesTrained examples trained in all when it was taken (restored ones included)
     * @param wallMs wall clock (epoch ms) when it was written
     */
    default void servingSnapshotPublished(String version, long examplesTrained, long wallMs) {
    }

    /** A record from {@code sourceTopic} went to the dead-letter topic. */
    default void deadLettered(String sourceTopic) {
    }
}
