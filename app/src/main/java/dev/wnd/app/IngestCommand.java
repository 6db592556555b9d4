package dev.wnd.app;

import dev.wnd.app.metrics.StageMetrics;
import dev.wnd.ingest.replay.ReplaySummary;
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

    @Mixin
    LabelDelayOption labelDelay;

    @Override
    public Integer call() throws Exception {
        Progress progress = health.progress();
        try (Cluster c = Cluster.open(cluster, false); StageMetrics m = metrics.open("ingest");
                Heartbeat beat = Heartbeat.start(health.healthFile, progress::healthy)) {
            m.healthCheck(progress::healthy);
            c.ensureTopics();
            ReplaySummary summary = Replays.replay(c, data, max ? 0 : speed, labelDelay.value(),
                    progress.replay(m.ingest(TerminalProgress.onStderr())));
            return summary.complete() ? 0 : 1;
        }
    }
}
