package dev.wnd.app;

import dev.wnd.ingest.replay.ProgressListener;
import dev.wnd.ingest.replay.ReplayConfig;
import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.ingest.replay.Replayer;
import dev.wnd.ingest.replay.TerminalProgress;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Replays of a data directory into a cluster's raw topics, as every command that needs one runs it. */
public final class Replays {

    /** The longest pause between two tries of a replay that cannot reach the cluster. */
    static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(Replays.class);

    private Replays() {
    }

    /** As {@link #replay(Cluster, Path, double, Duration, ProgressListener)}, with a progress bar on stderr. */
    public static ReplaySummary replay(Cluster c, Path data, double speed, Duration labelDelay) throws Exception {
        return replay(c, data, speed, labelDelay, TerminalProgress.onStderr());
    }

    /**
     * Replays {@code data} into the raw topics of {@code c}, waiting out broker outages: a replay that fails because the cluster cannot be reached
     * starts again after a pause (1 s, doubling up to {@link #MAX_RETRY_PAUSE}), saying so, and resumes exactly at
     * its last committed position (the replay is transactional), so nothing is lost or sent twice. Any other
     * failure ends it.
     */
    public static ReplaySummary replay(Cluster c, Path data, double speed, Duration labelDelay, ProgressListener progress)
            throws Exception {
        ReplayConfig config = ReplayConfig.defaults(data, c.kafka()).withSpeed(speed).withLabelDelay(labelDelay)
                .withTopicLayout(c.partitions(), c.replicationFactor());
        Duration pause = Duration.ofSeconds(1);
        while (true) {
            try {
                return Replayer.run(config, c.topics(), progress);
            } catch (RuntimeException e) {
                if (!Outages.isOutage(e)) {
                    throw e;
                }
                LOG.warn("the Kafka cluster {} cannot be reached ({}); the replay resumes from its last committed "
                        + "position in {} s", c.bootstrap(), Outages.describe(e), pause.toSeconds());
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(MAX_RETRY_PAUSE) > 0 ? MAX_RETRY_PAUSE : pause.multipliedBy(2);
            }
        }
    }
}
