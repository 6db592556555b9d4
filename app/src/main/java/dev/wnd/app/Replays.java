package dev.wnd.app;

import dev.wnd.ingest.replay.ProgressListener;
import dev.wnd.ingest.replay.ReplayConfig;
import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.ingest.replay.Replayer;
import dev.wnd.ingest.replay.TerminalProgress;
import java.nio.file.Path;
import java.time.Duration;

/** Replays of a data directory into a cluster's raw topics, as every command that needs one runs it. */
public final class Replays {

    private Replays() {
    }

    /** As {@link #replay(Cluster, Path, double, Duration, ProgressListener)}, with a progress bar on stderr. */
    public static ReplaySummary replay(Cluster c, Path data, double speed, Duration labelDelay) throws Exception {
        return replay(c, data, speed, labelDelay, TerminalProgress.onStderr());
    }

    /**
     * Replays {@code data} into the raw topics of {@code c}, waiting out broker outages ({@link Outages#waitOut}):
     * a replay that fails because the cluster cannot be reached starts again after a pause, saying so, and resumes
     * exactly at its last committed position (the replay is transactional), so nothing is lost or sent twice. Any other
     * failure ends it.
     */
    public static ReplaySummary replay(Cluster c, Path data, double speed, Duration labelDelay, ProgressListener progress)
            throws Exception {
        ReplayConfig config = ReplayConfig.defaults(data, c.kafka()).withSpeed(speed).withLabelDelay(labelDelay)
                .withTopicLayout(c.partitions(), c.replicationFactor());
        return Outages.waitOut("the replay resumes from its last committed position", c.bootstrap(), () -> {
            try {
                return Replayer.run(config, c.topics(), progress);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
