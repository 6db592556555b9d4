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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
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

    private static final Logger LOG = LoggerFactory.getLogger(LearnCommand.class);

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
        AtomicReference<OnlineLearner> running = new AtomicReference<>();
        AtomicBoolean stopped = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopped.set(true);
            OnlineLearner l = running.get();
            if (l != null) {
                l.stop();
            }
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wnd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Cluster c = Cluster.open(cluster, false); StageMetrics meters = metrics.open("learner");
                Heartbeat beat = Heartbeat.start(health.healthFile, progress::healthy)) {
            c.ensureTopics();
            meters.healthCheck(progress::healthy);
            LearnerConfig config = learner.toConfig(c.kafka(), modelDir.resolve("metrics.jsonl"));
            Duration pause = Duration.ofSeconds(1);
            while (!stopped.get()) {
                try (DjlTrainableModel m = DjlTrainableModel.open(FeatureSpec.standard(),
                        model.toConfig(ModelConfig.defaults()), modelDir, learner.keepCheckpoints(),
                        learner.keepSnapshots(), learner.fullSnapshotEvery());
                        OnlineLearner learner = new OnlineLearner(config, c.topics(), m, new OnlineMetrics(10_000),
                                progress.learner(meters.learner()))) {
                    running.set(learner);
                    if (stopped.get()) {
                        learner.stop();
                    }
                    OnlineLearner.Summary summary = learner.run(() -> false);
                    System.out.printf("trained %,d examples; last checkpoint %s%n", summary.examplesTrained(),
                            summary.lastVersion());
                    break;
                } catch (RuntimeException e) {
                    // An outage is waited out: the learner starts again from its newest checkpoint, whose offsets
                    // say where, so nothing is trained twice or lost.
                    if (!Outages.isOutage(e) || stopped.get()) {
                        throw e;
                    }
                    LOG.warn("the Kafka cluster {} cannot be reached ({}); the learner resumes from its newest "
                            + "checkpoint in {} s", c.bootstrap(), Outages.describe(e), pause.toSeconds());
                    Thread.sleep(pause.toMillis());
                    pause = Outages.nextPause(pause);
                } finally {
                    running.set(null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // Logged here: once the latch is down the JVM may halt during a shutdown, before main reports it.
            LOG.error("learn failed", e);
            throw e;
        } finally {
            finished.countDown();
        }
        return 0;
    }
}
