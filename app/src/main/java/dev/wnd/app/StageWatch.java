package dev.wnd.app;

import java.util.List;

/**
 * Watches stages from a daemon thread and runs an action once, as soon as one of them dies: a command whose main
 * thread is busy elsewhere (training, waiting on a consumer) then stops within a fraction of a second instead of
 * going on without the stage. Closing stops the watch.
 */
final class StageWatch implements AutoCloseable {

    private static final long PERIOD_MS = 200;

    private final Thread thread;

    private StageWatch(List<StreamsStage> stages, Runnable onFailure) {
        this.thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    if (stages.stream().anyMatch(StreamsStage::failed)) {
                        onFailure.run();
                        return;
                    }
                    Thread.sleep(PERIOD_MS);
                }
            } catch (InterruptedException e) {
                // closed
            }
        }, "wnd-stage-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code onFailure} once, on the watch's thread, when any of {@code stages} has died. */
    static StageWatch onFailure(List<StreamsStage> stages, Runnable onFailure) {
        return new StageWatch(List.copyOf(stages), onFailure);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
