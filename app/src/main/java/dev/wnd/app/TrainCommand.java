package dev.wnd.app;

import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.learner.OnlineLearner;
import dev.wnd.model.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Backfill: replay a data directory through Kafka, learn, checkpoint, exit when drained. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Backfill: replay DIR through Kafka (embedded unless --bootstrap is given), build features, "
                + "learn (one pass unless --epochs), checkpoint into the model directory, exit when the data is drained. Works on "
                + "any subset of the nine Outbrain files.")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ModelOptions model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory of Outbrain CSV files.")
    Path data;

    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path modelDir;

    @Option(names = "--global-batch-size", defaultValue = "32",
            description = "Examples per optimizer step (default: ${DEFAULT-VALUE}; the seed uses 131072 for 120 "
                    + "epochs over 60M rows). With the seed's mean loss, Adagrad and FTRL move a rarely seen id's "
                    + "weights about 1/batch per example, so one pass over small data needs small batches: on "
                    + "100k generated displays, normalized test MAP@12 0.75 with 4096, 0.84 with 256, 0.85 with 32 "
                    + "(docs/design.md#one-pass-and-the-batch-size). Larger batches train more examples per second.")
    int batchSize;

    @Option(names = "--epochs", defaultValue = "1",
            description = "Passes over the examples (default: ${DEFAULT-VALUE}, one pass, as a stream learner makes). "
                    + "Each later pass re-reads the examples topic from its beginning once the data is drained; "
                    + "validation examples are scored in the first pass only and never trained. A restart resumes "
                    + "the pass recorded in the newest checkpoint at its offsets.")
    int epochs;

    @Option(names = "--label-delay", defaultValue = "PT1H", description = "Label release delay (default: ${DEFAULT-VALUE}).")
    Duration labelDelay;

    @Option(names = "--split-seed", defaultValue = "0", description = "Seed of the validation split (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Override
    public Integer call() throws Exception {
        try (Cluster c = Cluster.open(cluster, !cluster.external())) {
            c.ensureTopics();
            ReplaySummary replay = Replays.replay(c, data, 0, labelDelay);
            OnlineLearner.Summary s = Pipeline.learn(c, c.stateDir(), modelDir, splitSeed,
                    model.toConfig(ModelConfig.defaults()), batchSize, epochs);
            System.out.printf("replayed %,d records; trained on %,d examples, scored %,d validation examples "
                    + "(online window: logloss %.4f, AUC %.4f, MAP@12 %.4f); checkpoint %s in %s%n", replay.sent(),
                    s.examplesTrained(), s.validationExamples(), s.validation().logloss(), s.validation().auc(),
                    s.validation().map12(), s.lastVersion(), modelDir);
        }
        return 0;
    }
}
