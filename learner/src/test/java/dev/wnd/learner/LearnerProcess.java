package dev.wnd.learner;

import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A learner in a process of its own, for the crash-resume test to kill: deterministic mode on the test's tiny spec
 * and model, resuming from the newest checkpoint in the model directory, running until the examples topic is
 * drained and upstream is done. Prints {@code @@READY <examples trained at start>}, the {@link ReportingModel} lines, and
 * {@code @@DONE <examples trained> <last version>}; exits 0 when done, 1 on an error.
 *
 * <p>Arguments: bootstrap servers, registry URL, model directory, batch size, checkpoint every N examples, seed, and
 * a file whose existence says that upstream is drained (no more examples will be produced).
 */
public final class LearnerProcess {

    private LearnerProcess() {
    }

    public static void main(String[] args) {
        try {
            String bootstrap = args[0];
            String registryUrl = args[1];
            Path modelDir = Path.of(args[2]);
            int batchSize = Integer.parseInt(args[3]);
            long checkpointEvery = Long.parseLong(args[4]);
            long seed = Long.parseLong(args[5]);
            Path upstreamDrained = Path.of(args[6]);
            AppTopics topics = new AppTopics(new HttpSchemaRegistryClient(registryUrl));
            LearnerConfig config = new LearnerConfig(KafkaConnection.plaintext(bootstrap), batchSize,
                    Duration.ofSeconds(1), checkpointEvery, Duration.ZERO, true, "wnd", null, 1,
                    // a serving snapshot after every batch between checkpoints: kills land in them too, and a
                    // restart must still resume from the newest full checkpoint
                    Duration.ofNanos(1));
            try (ReportingModel model = new ReportingModel(DjlTrainableModel.open(TestExamples.spec(),
                    TestExamples.modelConfig(seed), modelDir, 3), System.out);
                    OnlineLearner learner = new OnlineLearner(config, topics, model, new OnlineMetrics(1_000))) {
                System.out.println("@@READY " + model.examplesTrained());
                OnlineLearner.Summary summary = learner.run(() -> Files.exists(upstreamDrained));
                System.out.println("@@DONE " + summary.examplesTrained() + " " + summary.lastVersion());
            }
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.out.flush();
            System.exit(1);
        }
    }
}
