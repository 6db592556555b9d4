package dev.wnd.app;

import dev.wnd.app.metrics.StageMetrics;
import dev.wnd.ingest.replay.ProgressListener;
import dev.wnd.ingest.replay.ReplayConfig;
import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.ingest.replay.Replayer;
import dev.wnd.ingest.replay.TerminalProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Replays an Outbrain data directory into the raw topics, in event-time order. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Replay the Outbrain CSVs of DIR into the raw topics as one event-time ordered stream "
                + "(page views, displays, label releases, score requests). Resumes where an interrupted replay stopped.")
final class IngestCommand implements Callable<Integer> {

    /** The longest pause between two tries of a replay that cannot reach the cluster. */
    static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(15);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestCommand.class);

    @Mixin
    ClusterOptions cluster;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    HealthOptions health;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory of Outbrain CSV files.")
    Path data;

    @Option(names = "--speed", defaultValue = "0", paramLabel = "X",
            description = "Replay at X times real time; 0 = as fast as the broker takes it (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--max", description = "Backfill as fast as the broker takes it (same as --speed 0).")
    boolean max;

    @Option(names = "--label-delay", defaultValue = "PT1H", paramLabel = "DURATION",
            description = "How long after a display its labels are released, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration labelDelay;

    @Override
    public Integer call() throws Exception {
        Progress progress = health.progress();
        try (Cluster c = Cluster.open(cluster, false); StageMetrics m = metrics.open("ingest");
                Heartbeat beat = Heartbeat.start(health.healthFile, progress::healthy)) {
            m.healthCheck(progress::healthy);
            c.ensureTopics();
            ReplaySummary summary = replay(c, data, max ? 0 : speed, labelDelay,
                    progress.replay(m.ingest(TerminalProgress.onStderr())));
            return summary.complete() ? 0 : 1;
        }
    }

    static ReplaySummary replay(Cluster c, Path data, double speed, Duration labelDelay) throws Exception {
        return replay(c, data, speed, labelDelay, TerminalProgress.onStderr());
    }

    /**
     * Replays {@code data}, waiting out broker outages: a replay that fails because the cluster cannot be reached
     * starts again after a pause (1 s, doubling up to {@link #MAX_RETRY_PAUSE}), saying so, and resumes exactly at
     * its last committed position (the replay is transactional), so nothing is lost or sent twice. Any other
     * failure ends it.
     */
    static ReplaySummary replay(Cluster c, Path data, double speed, Duration labelDelay, ProgressListener progress)
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
