package dev.wnd.app;

import dev.wnd.eval.EvaluationResult;
import dev.wnd.eval.Evaluator;
import dev.wnd.eval.EvaluatorConfig;
import dev.wnd.eval.ExamplesTopicReader;
import dev.wnd.eval.ExamplesTopicReader.Collected;
import dev.wnd.eval.GbdtConfig;
import dev.wnd.eval.GbdtPeer;
import dev.wnd.eval.LearningCurve;
import dev.wnd.eval.PeerScores;
import dev.wnd.eval.PlantedTruth;
import dev.wnd.eval.Report;
import dev.wnd.eval.ReportWriter;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.model.Batch;
import dev.wnd.model.WideDeepPredictor;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Offline evaluation of a trained model on the validation split: exact MAP@12, AUC, logloss, calibration and a
 * per-day breakdown beside a random and a point-in-time ad-CTR baseline, as a summary table, JSON and an HTML
 * report.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, defaultValueProvider = EvaluateCommand.Defaults.class,
        description = {"Replay DIR through Kafka (a fresh embedded broker under --work-dir unless --bootstrap is "
                + "given), build the features, score every VALIDATION example with the newest valid checkpoint in "
                + "the model directory, and measure exact MAP@12 (all ads of a display ranked together), AUC, "
                + "logloss, calibration and MAP@12 per day, beside a random ranking and a point-in-time ad-CTR "
                + "baseline on the same displays, and beside a GBDT peer (XGBoost trained on the same TRAIN "
                + "examples, scored on the same VALIDATION examples). Prints a summary table; --json and --report "
                + "write every number and an HTML page with charts (including the learner's online learning curves "
                + "from <model-dir>/metrics.jsonl, and the planted optimum on data from `wnd generate`)."})
final class EvaluateCommand implements Callable<Integer> {

    private static final String DEFAULT_WORK_DIR = ".wnd/evaluate";

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory of Outbrain CSV files.")
    Path data;

    @Option(names = "--model-dir", required = true, paramLabel = "DIR",
            description = "Checkpoint directory; its newest valid checkpoint is evaluated.")
    Path modelDir;

    @Mixin
    JsonOption json;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write an HTML report (index.html, PNG charts, report.json) into DIR.")
    Path report;

    @Mixin
    LabelDelayOption labelDelay;

    @Mixin
    SplitSeedOption splitSeed;

    @Option(names = "--ctr-prior", defaultValue = "10", paramLabel = "M",
            description = "Prior strength of the ad-CTR baseline, in views: (clicks + M * global CTR) / (views + M) "
                    + "(default: ${DEFAULT-VALUE}).")
    double ctrPrior;

    @Option(names = "--device", defaultValue = "cpu", description = "Device to predict on: cpu, gpu or gpu:N "
            + "(default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = {"--predict-batch-size", "--batch-size"}, defaultValue = "4096",
            description = "Validation examples per prediction batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--gbdt", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Train and score the GBDT peer beside the model (--no-gbdt leaves it out; default: "
                    + "${DEFAULT-VALUE}).")
    boolean gbdt;

    @Option(names = "--gbdt-categorical", defaultValue = "codes", paramLabel = "MODE",
            description = "How the GBDT peer takes the categorical slots: codes (each hashed bucket as a number) or "
                    + "none (left out) (default: ${DEFAULT-VALUE}).")
    String gbdtCategorical;

    @Option(names = "--timeout", defaultValue = "PT30M", paramLabel = "DURATION",
            description = "Longest wait for the features to drain the replayed topics (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** Evaluate keeps its embedded broker in its own work directory, away from train's (the mixin's default). */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
            return argSpec.isOption() && ((CommandLine.Model.OptionSpec) argSpec).longestName().equals("--work-dir")
                    ? DEFAULT_WORK_DIR : null;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("no model directory " + modelDir);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--predict-batch-size must be >= 1, got " + batchSize);
        }
        EvaluatorConfig config = new EvaluatorConfig(labelDelay.value().toMillis(), ctrPrior);
        GbdtPeer peer = null;
        if (gbdt) {
            GbdtConfig.Categorical mode;
            try {
                mode = GbdtConfig.Categorical.valueOf(gbdtCategorical.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--gbdt-categorical must be codes or none, got " + gbdtCategorical);
            }
            try {
                GbdtPeer.checkNativeLibrary();
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; --no-gbdt evaluates without the GBDT peer", e);
            }
            peer = gbdtPeer(FeatureSpec.standard(), GbdtConfig.defaults().withCategorical(mode));
        }
        LoadedCheckpoint checkpoint = new CheckpointStore(modelDir, Integer.MAX_VALUE).loadNewestValid()
                .orElseThrow(() -> new IllegalArgumentException("no valid checkpoint in " + modelDir));
        System.err.printf("evaluating checkpoint %s (%,d examples trained)%n", checkpoint.version(),
                checkpoint.manifest().examplesTrained());

        Collected collected;
        try (Cluster c = Cluster.open(cluster, !cluster.external())) {
            c.ensureTopics();
            Replays.replay(c, data, 0, labelDelay.value());
            drainFeatures(c);
            collected = collect(c, checkpoint, peer);
        }
        if (collected.scored().isEmpty()) {
            throw new IllegalStateException("the examples topic holds no VALIDATION examples to evaluate (is "
                    + "--split-seed right, and does " + data + " have clicks_train.csv?)");
        }
        List<PeerScores> peers = new ArrayList<>();
        if (peer != null) {
            System.err.printf("training the GBDT peer on %,d TRAIN examples%n", peer.trainExamplesSeen());
            peers.add(peer.fit());
        }
        EvaluationResult result = Evaluator.evaluate(collected.scored(), collected.train(), peers, config);
        Report r = new Report(new Report.Context(data.toAbsolutePath().normalize().toString(),
                modelDir.toAbsolutePath().normalize().toString(), checkpoint.version(),
                checkpoint.manifest().examplesTrained(), Instant.now()), result,
                LearningCurve.read(modelDir.resolve(LearningCurve.FILE_NAME)), PlantedTruth.read(data));

        System.out.print(r.toText());
        if (collected.skipped() > 0) {
            System.out.printf("  (%,d examples skipped: unreadable or built with another feature spec)%n",
                    collected.skipped());
        }
        if (json.write(r.toJson())) {
            System.out.println("wrote " + json.file());
        }
        if (report != null) {
            System.out.println("wrote " + ReportWriter.write(r, report));
        }
        return 0;
    }

    /** Runs the features topology until it has consumed and committed everything the replay wrote. */
    private void drainFeatures(Cluster c) {
        StreamsStage features = Stages.startFeatures(c, c.stateDir(), Stages.FeaturesOptions.of(splitSeed.value()));
        try (Admin admin = c.admin()) {
            Stages.await("the features topology to drain the replayed topics", timeout,
                    () -> Stages.featuresDrained(admin, features, c.topics()));
        } finally {
            features.close();
        }
    }

    /**
     * The scored VALIDATION rows and the TRAIN labels of the examples topic, read to its end; every Example also goes
     * to the GBDT peer when there is one.
     */
    private Collected collect(Cluster c, LoadedCheckpoint checkpoint, GbdtPeer peer) throws java.io.IOException {
        FeatureSpec featureSpec = FeatureSpec.standard();
        try (WideDeepPredictor predictor = checkpoint.newPredictor(featureSpec,
                checkpoint.modelConfig().toBuilder().device(device).build())) {
            return new ExamplesTopicReader(c.kafka(), c.topics().examples, featureSpec.hash(), batchSize, timeout)
                    .read(batch -> predictor.predict(Batch.fromExamples(batch)), peer == null ? e -> { } : peer);
        }
    }

    /** A GBDT peer that names its columns after the spec's features (slot i of a multi-slot feature: name_i). */
    static GbdtPeer gbdtPeer(FeatureSpec spec, GbdtConfig config) {
        List<String> numeric = spec.numeric().stream().map(NumericFeature::name).toList();
        List<String> slots = new ArrayList<>();
        for (CategoricalFeature f : spec.categorical()) {
            for (int i = 0; i < f.slots(); i++) {
                slots.add(f.slots() == 1 ? f.name() : f.name() + "_" + i);
            }
        }
        return new GbdtPeer(config, numeric, slots);
    }
}
