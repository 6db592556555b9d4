package dev.wnd.app;

import dev.wnd.app.metrics.StageMetrics;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the features topology alone, until Ctrl-C. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Run the features topology (displays, page views and labels in; examples out) until Ctrl-C.")
final class FeaturesCommand implements Runnable {

    /** How long a stage may take to restore its state and join its group before its command gives up. */
    static final java.time.Duration STARTUP_TIMEOUT = java.time.Duration.ofMinutes(30);

    @Mixin
    ClusterOptions cluster;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    HealthOptions health;

    @Mixin
    SplitSeedOption splitSeed;

    @Option(names = "--at-least-once", description = "Use at-least-once instead of exactly-once processing.")
    boolean atLeastOnce;

    @Option(names = "--commit-interval-ms", paramLabel = "MS", defaultValue = "" + Stages.FEATURES_COMMIT_INTERVAL_MS,
            description = "How often the features commit (default: ${DEFAULT-VALUE}). Examples reach a read_committed "
                    + "learner at a commit, and every CTR and user value changed since the last one is written to "
                    + "RocksDB and its changelog then: longer is fewer writes, later Examples (docs/benchmarks-history.md#dimension-readers-per-stream-thread-and-the-commit-interval).")
    long commitIntervalMs;

    @Override
    public void run() {
        if (commitIntervalMs < 1) {
            throw new IllegalArgumentException("--commit-interval-ms must be >= 1, got " + commitIntervalMs);
        }
        try (Cluster c = Cluster.open(cluster, false); StageMetrics m = metrics.open("features")) {
            c.ensureTopics();
            StreamsStage stage = Stages.startFeatures(c, c.stateDir(), Stages.FeaturesOptions.of(splitSeed.value())
                    .withExactlyOnce(!atLeastOnce).withCommitIntervalMs(commitIntervalMs).withMetrics(m.features()));
            watch(m, stage);
            awaitRunning(stage);
            System.out.println("features: displays, page views and labels in, Examples out. Ctrl-C stops.");
            waitForCtrlC(stage, health.healthFile);
        }
    }

    /**
     * Waits until the stage has started (restored its state and joined its group).
     *
     * @throws StageFailedException when it dies first
     */
    static void awaitRunning(StreamsStage stage) {
        Stages.await("the " + stage.name() + " stage to start", STARTUP_TIMEOUT, () -> {
            stage.check();
            return stage.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING;
        });
    }

    /** Binds a Streams stage's client metrics (lag) and makes {@code /health} follow its state. */
    static void watch(StageMetrics metrics, StreamsStage stage) {
        metrics.bindStreams(stage.streams());
        metrics.healthCheck(stage::healthy);
    }

    /**
     * Blocks until Ctrl-C or SIGTERM (or the application dies), then closes the application cleanly. The shutdown
     * hook waits for the close, so the JVM does not exit while state stores and transactions are still being closed.
     *
     * @param healthFile rewritten while the application is running or rebalancing (see {@link Heartbeat}); null
     *     for none
     * @throws StageFailedException when the stage died, after closing it: the command exits non-zero, naming the
     *     cause
     */
    static void waitForCtrlC(StreamsStage stage, java.nio.file.Path healthFile) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wnd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // The state is polled: a state listener can only be set before start(), and the streams are started.
        boolean failed = false;
        try (Heartbeat beat = Heartbeat.start(healthFile, stage::healthy)) {
            while (!stop.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (stage.failed()) {
                    failed = true;
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StageFailedException failure = failed ? stage.failure() : null;
        stage.close();
        closed.countDown();
        if (failure != null) {
            throw failure;
        }
    }
}
