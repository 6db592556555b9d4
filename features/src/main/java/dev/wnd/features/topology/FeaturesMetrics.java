package dev.wnd.features.topology;

import dev.wnd.features.streams.DeadLetterListener;
/**
 * What the features topology tells a metrics registry: examples emitted and records dead-lettered. The topology
 * names no metrics library; the application maps these calls onto its meters.
 *
 * <p>Threading: called on the stream threads, concurrently when there are several, so implementations must be
 * thread-safe and quick.
 */
public interface FeaturesMetrics extends DeadLetterListener {

    /** Metrics that are not kept. */
    FeaturesMetrics NONE = new FeaturesMetrics() {
    };

    /**
     * A labelled display became {@code count} Examples (one per ad), sent to the examples topic.
     *
     * @param validation whether they belong to the validation split (scored by the learner, not trained on)
     */
    default void examplesEmitted(boolean validation, int count) {
    }

    @Override
    default void deadLettered(String sourceTopic) {
    }
}
