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

    @Mixin
    LearnerOptions learner;

    @Override
    public Integer call() {
        // Counted down once the learner and the cluster connection are closed (the final checkpoint written and
        // announced). The shutdown hook waits for it, not for this thread: after call() returns, main calls
        // System.exit, which blocks while hooks run, so joining this thread would only wait out the timeout.
        CountDownLatch finished = new CountDownLatch(1);
        Progress progress = health.progress();
        try (Cluster c = Cluster.open(cluster, false); StageMetrics meters = metrics.open("learner")) {
            c.ensureTopics();
            LearnerConfig config = learner.toConfig(c.kafka(), modelDir.resolve("metrics.jsonl"));
            try (DjlTrainableModel m = DjlTrainableModel.open(FeatureSpec.seed(), model.toConfig(ModelConfig.defaults()),
                    modelDir, learner.keepCheckpoints(), learner.keepSnapshots(), learner.fullSnapshotEvery());
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
