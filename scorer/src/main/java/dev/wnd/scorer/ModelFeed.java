package dev.wnd.scorer;

import dev.wnd.model.ClickPredictor;

/**
 * Where the scorer gets its models: the newest accepted version, and a thread-confined predictor for it.
 * Implementations are thread-safe; each stream thread asks for its own predictor and swaps it when the version
 * changes, so a swap never disturbs a request in flight on another thread.
 */
public interface ModelFeed {

    /** The newest accepted model version, or null while there is none. */
    String latestVersion();

    /**
     * A new predictor for the newest accepted model, owned by the caller (who closes it); null while there is none.
     * May be called from any thread: the scorer asks on a loader thread, or on the stream thread when this is
     * {@linkplain #newPredictorIsInstant() instant}, and hands each predictor to the one stream thread that uses it.
     */
    ClickPredictor newPredictor();

    /**
     * Whether {@link #newPredictor()} returns at once, building nothing (a handle on a version built already, as
     * {@link CheckpointModelFeed}'s): the scorer then asks for it on the stream thread, at the first request after a
     * new version was accepted. False by default: the scorer asks on a loader thread and keeps answering with the
     * version it has until the new predictor is ready.
     */
    default boolean newPredictorIsInstant() {
        return false;
    }
}
