package dev.wnd.app;

import dev.wnd.learner.LearnerConfig;
import dev.wnd.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The learner loop's options, declared once for every command that runs the learner (learn, bench freshness). A
 * command that needs other defaults sets them through its default value provider ({@link OptionDefaults}).
 */
public final class LearnerOptions {

    @Mixin
    BatchSizeOption batchSize;

    @Option(names = "--max-batch-wait", defaultValue = "PT1S", paramLabel = "DURATION",
            description = "Train a partial batch after waiting this long (default: ${DEFAULT-VALUE}).")
    Duration maxBatchWait;

    @Option(names = "--checkpoint-every-examples", defaultValue = "1000000", paramLabel = "N",
            description = "Checkpoint after this many examples (default: ${DEFAULT-VALUE}).")
    long checkpointEveryExamples;

    @Option(names = "--checkpoint-every", defaultValue = "PT5M", paramLabel = "DURATION",
            description = "Checkpoint after the first batch this long after the last one (default: ${DEFAULT-VALUE}).")
    Duration checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "3", paramLabel = "N",
            description = "Checkpoints kept (default: ${DEFAULT-VALUE}).")
    int keepCheckpoints;

    @Option(names = "--serving-snapshot-every", defaultValue = "PT10S", paramLabel = "DURATION",
            description = "Publish a serving snapshot (the parameters alone, for scorers; never resumed from, not "
                    + "forced to disk) after the first batch this long after the last published model version; "
                    + "PT0S for none (default: ${DEFAULT-VALUE}).")
    Duration servingSnapshotEvery;

    @Option(names = "--keep-serving-snapshots", defaultValue = "3", paramLabel = "N",
            description = "Serving snapshots kept (default: ${DEFAULT-VALUE}).")
    int keepSnapshots;

    @Option(names = "--full-snapshot-every", defaultValue = "PT1M", paramLabel = "DURATION",
            description = "The longest time between full model versions (checkpoint or full serving snapshot); "
                    + "serving snapshots between them are deltas: the dense parameters and the table rows trained "
                    + "since the previous version, applied by scorers on exactly that version; PT0S for full "
                    + "snapshots only (default: ${DEFAULT-VALUE}).")
    Duration fullSnapshotEvery;

    @Option(names = "--deterministic", description = "Cut batches by size only, so a restart reproduces the same "
            + "parameters bit for bit (one thread, fixed seed).")
    boolean deterministic;

    /** Examples per optimizer step. */
    public int batchSize() {
        return batchSize.value();
    }

    /** Checkpoints kept. */
    public int keepCheckpoints() {
        return keepCheckpoints;
    }

    /** Serving snapshots kept. */
    public int keepSnapshots() {
        return keepSnapshots;
    }

    /** The longest time between full model versions. */
    public Duration fullSnapshotEvery() {
        return fullSnapshotEvery;
    }

    /** The learner's config from these options (one pass, the model name {@code wnd}). */
    public LearnerConfig toConfig(KafkaConnection kafka, Path metricsLog) {
        return new LearnerConfig(kafka, batchSize.value(), maxBatchWait, checkpointEveryExamples, checkpointEvery,
                deterministic, "wnd", metricsLog, 1, servingSnapshotEvery);
    }
}
