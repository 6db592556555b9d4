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
        try (Cluster c = Cluster.open(cluster, false); StageMetrics m = metrics.open("ingest");
                Heartbeat beat = Heartbeat.start(health.healthFile, () -> true)) {
            c.ensureTopics();
            ReplaySummary summary = replay(c, data, max ? 0 : speed, labelDelay, m.ingest(TerminalProgress.onStderr()));
            return summary.complete() ? 0 : 1;
        }
    }

    static ReplaySummary replay(Cluster c, Path data, double speed, Duration labelDelay) throws Exception {
        return replay(c, data, speed, labelDelay, TerminalProgress.onStderr());
    }

    static ReplaySummary replay(Cluster c, Path data, double speed, Duration labelDelay, ProgressListener progress)
            throws Exception {
        ReplayConfig config = ReplayConfig.defaults(data, c.kafka()).withSpeed(speed).withLabelDelay(labelDelay)
                .withTopicLayout(c.partitions(), c.replicationFactor());
        return Replayer.run(config, c.topics(), progress);
    }
}
