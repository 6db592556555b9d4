package dev.wnd.ingest.replay;

/**
 * Follows a replay. Called on the replaying thread, so implementations must be quick; an exception thrown here
 * aborts the replay (its open transaction is aborted, what was committed stays).
 */
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** The replay has planned its input and is about to produce. */
    default void onStart(ReplayStart start) {
    }

    /** A few times a second while records flow. */
    default void onProgress(ReplayProgress progress) {
    }

    /** The replay has ended (completely, stopped by its limit, or interrupted). */
    default void onFinish(ReplaySummary summary) {
    }
}
