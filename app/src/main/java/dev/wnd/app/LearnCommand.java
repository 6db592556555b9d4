package dev.wnd.app;

import dev.wnd.app.metrics.StageMetrics;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.learner.DjlTrainableModel;
import dev.wnd.learner.LearnerConfig;
import dev.wnd.learner.OnlineLearner;
import dev.wnd.learner.OnlineMetrics;
import dev.wnd.model.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the learner alone: examples in, checkpoints and model versions out, until Ctrl-C. */
@Command(name = "learn", mixinStandardHelpOptions = true,
        description = "Run the learner: train on the examples topic in micro-batches, checkpoint into the model "
                + "directory with the consumed offsets, publish parameters-only serving snapshots in between, "
                + "announce each version. Ctrl-C checkpoints and stops.")
final class LearnCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ModelOptions model;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    HealthOptions health;

    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path modelDir;

    @Option(names = "--global-batch-size", defaultValue = "4096",
            description = "Examples per optimizer step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-batch-wait", defaultValue = "PT1S",
            description = "Train a partial batch after waiting this long (default: ${DEFAULT-VALUE}).")
    Duration maxBatchWait;

    @Option(names = "--checkpoint-every-examples", defaultValue = "1000000",
            description = "Checkpoint after this many examples (default: ${DEFAULT-VALUE}).")
    long checkpointEveryExamples;

    @Option(names = "--checkpoint-every", defaultValue = "PT5M",
            description = "Checkpoint after this much time (default: ${DEFAULT-VALUE}).")
    Duration checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "3", description = "Checkpoints kept (default: ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--serving-snapshot-every", defaultValue = "PT10S",
            description = "Publish a serving snapshot (the parameters alone, for scorers; never resumed from, not "
                    + "forced to disk) after the first batch this long after the last published model version; "
                    + "PT0S for none (default: ${DEFAULT-VALUE}).")
    Duration servingSnapshotEvery;

    @Option(names = "--keep-serving-snapshots", defaultValue = "3",
            description = "Serving snapshots kept (default: ${DEFAULT-VALUE}).")
    int keepSnapshots;

    @Option(names = "--full-snapshot-every", defaultValue = "PT1M",
            description = "The longest time between full model versions (checkpoint or full serving snapshot); "
                    + "serving snapshots between them are deltas: the dense parameters and the table rows trained "
                    + "since the previous version, applied by scorers on exactly that version; PT0S for full "
                    + "snapshots only (default: ${DEFAULT-VALUE}).")
    Duration fullSnapshotEvery;

    @Option(names = "--deterministic", description = "Cut batches by size only, so a restart reproduces the same "
            + "parameters bit for bit (one thread, fixed seed).")
    boolean deterministic;

    @Override
    public Integer call() {
        // Counted down once the learner and the cluster connection are closed (the final checkpoint written and
        // announced). The shutdown hook waits for it, not for this thread: after call() returns, main calls
        // System.exit, which blocks while hooks run, so joining this thread would only wait out the timeout.
        CountDownLatch finished = new CountDownLatch(1);
        Progress progress = health.progress();
        try (Cluster c = Cluster.open(cluster, false); StageMetrics meters = metrics.open("learner")) {
            c.ensureTopics();
            LearnerConfig config = new LearnerConfig(c.kafka(), batchSize, maxBatchWait, checkpointEveryExamples,
                    checkpointEvery, deterministic, "wnd", modelDir.resolve("metrics.jsonl"), 1,
                    servingSnapshotEvery);
            try (DjlTrainableModel m = DjlTrainableModel.open(FeatureSpec.seed(), model.toConfig(ModelConfig.defaults()),
                    modelDir, keep, keepSnapshots, fullSnapshotEvery);
                    OnlineLearner learner = new OnlineLearner(config, c.topics(), m, new OnlineMetrics(10_000),
                            progress.learner(meters.learner()))) {
                Thread hook = new Thread(() -> {
                    learner.stop();
                    try {
                        finished.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "wnd-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                meters.healthCheck(progress::healthy);
                try (Heartbeat beat = Heartbeat.start(health.healthFile, progress::healthy)) {
                    OnlineLearner.Summary summary = learner.run(() -> false);
                    System.out.printf("trained %,d examples; last checkpoint %s%n", summary.examplesTrained(),
                            summary.lastVersion());
                }
            }
        } catch (RuntimeException | Error e) {
            // Logged here: once the latch is down the JVM may halt during a shutdown, before main reports it.
            LoggerFactory.getLogger(LearnCommand.class).error("learn failed", e);
            throw e;
        } finally {
            finished.countDown();
        }
        return 0;
    }
}
