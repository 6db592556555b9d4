package dev.wnd.app;

import dev.wnd.model.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The main job on the embedded default, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true, defaultValueProvider = DemoCommand.Defaults.class,
        description = "Generate a data set, start broker + registry in-process, replay, build features, learn, "
                + "score the test displays live, evaluate, print the summary. Resets its work directory first.")
final class DemoCommand implements Callable<Integer> {

    /** One pass over small data: small batches ({@link BatchSizeOption}). */
    static final class Defaults extends OptionDefaults {
        @Override
        protected java.util.Map<String, String> values() {
            return java.util.Map.of("--global-batch-size", BatchSizeOption.ONE_PASS_DEFAULT, "--work-dir", ".wnd/demo");
        }
    }

    /**
     * How long step 5 may take to score every test display. Ten minutes was too short for 100k displays with the
     * seed's MLP on the 2-core machine under load (7,799 of 21,990 scored, docs/benchmarks-history.md#the-seed-model-through-the-pipeline); predict allows two hours.
     */
    private static final Duration SCORING_TIMEOUT = Duration.ofHours(1);

    @Mixin
    DisplaysOption displays;

    @Option(names = "--data-seed", defaultValue = "1",
            description = "Seed of the generated data: same seed, same bytes (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Mixin
    WorkDirOption workDir;

    @Mixin
    BatchSizeOption batchSize;

    @Mixin
    LabelDelayOption labelDelay;

    @Option(names = "--partitions", defaultValue = "1", paramLabel = "N",
            description = "Partitions of every topic; with more than one the features run a stream thread per "
                    + "partition and their tasks, and the scorer's, exchange CTR updates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        WorkDirLock lock = Workspace.claimFresh(workDir.value());
        ClusterOptions cluster = Workspace.embedded(workDir.value());
        cluster.partitions = partitions;
        // The demo's default model is small so that it runs in minutes on a laptop CPU; every seed flag still applies.
        ModelConfig base = ModelOptions.compactDefaults();
        Pipeline.Report r;
        try (lock) {
            r = Pipeline.run(new Pipeline.Config(workDir.value(), displays.value(), dataSeed, 0L, model.toConfig(base), batchSize.value(),
                    labelDelay.value(), SCORING_TIMEOUT), cluster, lock, System.out);
        }
        System.out.println();
        System.out.println("wnd demo summary");
        System.out.printf("  data          %,d displays (%,d train, %,d test), seed %d%n", r.data().displays(),
                r.data().trainDisplays(), r.data().testDisplays(), r.data().seed());
        System.out.printf("  replay        %,d records in %.1f s%n", r.replay().sent(),
                r.replay().elapsed().toMillis() / 1000.0);
        System.out.printf("  learner       %,d examples trained, %,d validation examples scored, model %s%n",
                r.learner().examplesTrained(), r.learner().validationExamples(), r.learner().lastVersion());
        System.out.printf("  validation    online window: logloss %.4f, AUC %.4f, MAP@12 %.4f%n",
                r.learner().validation().logloss(), r.learner().validation().auc(), r.learner().validation().map12());
        System.out.printf("  scorer        %,d test displays ranked, by model version %s%n", r.scored(), r.servedBy());
        System.out.printf("  MAP@12        %.4f on the test displays (random ranking %.4f, planted optimum %.4f)%n",
                r.map12(), r.map12Random(), r.map12Optimal());
        double normalized = (r.map12() - r.map12Random()) / (r.map12Optimal() - r.map12Random());
        System.out.printf("  normalized    %.3f of the way from random to the planted optimum%n", normalized);
        System.out.printf("  elapsed       %.1f s%n", r.elapsed().toMillis() / 1000.0);
        return 0;
    }
}
