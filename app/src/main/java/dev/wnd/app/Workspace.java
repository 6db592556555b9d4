package dev.wnd.app;

import java.nio.file.Path;

/** Work directories of the self-contained commands (demo, benchmarks): reset at start, embedded cluster inside. */
public final class Workspace {

    private Workspace() {
    }

    /**
     * Takes {@code dir} for this command ({@link WorkDirLock}) and deletes what an earlier run left in it, so that
     * nothing of it is reused. The caller passes the lock on to {@link Cluster#open(ClusterOptions, boolean,
     * WorkDirLock)}, which releases it when the cluster closes.
     *
     * @throws WorkDirLock.WorkDirBusyException when another command holds {@code dir}; nothing is deleted then
     */
    public static WorkDirLock claimFresh(Path dir) {
        WorkDirLock lock = WorkDirLock.claim(dir);
        try {
            lock.resetContents();
            return lock;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Options for an embedded, single-partition cluster inside {@code dir}. */
    public static ClusterOptions embedded(Path dir) {
        ClusterOptions options = new ClusterOptions();
        options.workDir(dir);
        options.partitions = 1;
        return options;
    }
}
