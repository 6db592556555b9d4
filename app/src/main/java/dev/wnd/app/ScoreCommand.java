package dev.wnd.app;

import dev.wnd.app.metrics.StageMetrics;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.scorer.CheckpointModelFeed;
import dev.wnd.scorer.ScorerMetrics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the scorer: score requests in, ranked probabilities out, with the newest model. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Run the scorer until Ctrl-C: requests on score-requests (Avro) and score-requests.json (JSON), "
                + "answers on scores and scores.json, with the newest model (hot reload on each announcement). "
                + "Without --bootstrap it starts the embedded broker on 127.0.0.1:9092 and the registry on "
                + "127.0.0.1:8081.")
final class ScoreCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    HealthOptions health;

    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path modelDir;

    @Override
    public Integer call() {
        if (!cluster.external()) {
            cluster.kafkaPort = cluster.kafkaPort == 0 ? 9092 : cluster.kafkaPort;
            cluster.registryPort = cluster.registryPort == 0 ? 8081 : cluster.registryPort;
        }
        try (Cluster c = Cluster.open(cluster, false); StageMetrics m = metrics.open("scorer")) {
            c.ensureTopics();
            if (c.embedded()) {
                System.out.println("embedded Kafka on " + c.bootstrap() + ", schema registry on " + c.registryUrl());
            }
            ScorerMetrics meters = m.scorer();
            try (CheckpointModelFeed feed = new CheckpointModelFeed(FeatureSpec.standard(), modelDir, c.topics(),
                    c.kafka(), meters)) {
                StreamsStage stage = Stages.startScorer(c, c.stateDir(), feed, true, meters);
                FeaturesCommand.watch(m, stage);
                FeaturesCommand.awaitRunning(stage);
                System.out.println("scoring: requests on score-requests / score-requests.json, answers on scores /"
                        + " scores.json. Ctrl-C stops.");
                FeaturesCommand.waitForCtrlC(stage, health.healthFile);
            }
        }
        return 0;
    }
}
