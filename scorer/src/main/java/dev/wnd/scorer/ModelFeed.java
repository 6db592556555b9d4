package dev.wnd.scorer;

import dev.wnd.model.ClickPredictor;

/**
 * Where the scorer gets its models: the newest accepted version, and a fresh thread-confined predictor for it.
 * Implementations are thread-safe; each stream thread asks for its own predictor and swaps it when the version
 * changes, so a swap never disturbs a request in flight on another thread.
 */
public interface ModelFeed {

    /** The newest accepted model version, or null while there is none. */
    String latestVersion();

    /**
     * A new predictor for the newest accepted model, owned by the caller; null while there is none. May be called
     * from any thread: the scorer builds predictors on a loader thread and hands each to the one stream thread
     * that uses it.
     */
    ClickPredictor newPredictor();
}
