package dev.wnd.app;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.ingest.generate.GeneratorSummary;
import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.learner.DjlTrainableModel;
import dev.wnd.learner.LearnerConfig;
import dev.wnd.learner.OnlineLearner;
import dev.wnd.learner.OnlineMetrics;
import dev.wnd.model.ModelConfig;
import dev.wnd.eval.metrics.RankingMetrics;
import dev.wnd.scorer.ScorerMetrics;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.Score;
import dev.wnd.scorer.CheckpointModelFeed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole flow on one machine: generate a data set, replay it into the embedded broker, build features, learn,
 * score the test displays, and measure MAP@12 against the planted truth. Used by {@code wnd demo} and by the
 * end-to-end test.
 */
final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** What to run. */
    record Config(Path workDir, long displays, long dataSeed, long splitSeed, ModelConfig model, int batchSize,
            Duration labelDelay, Duration timeout) {
    }

    /** What happened, with the numbers the summary prints. */
    record Report(GeneratorSummary data, ReplaySummary replay, OnlineLearner.Summary learner, long scored,
            double map12, double map12Random, double map12Optimal, Map<String, Long> servedBy, Duration elapsed) {
    }

    private Pipeline() {
    }

    /**
     * Runs the whole flow.
     *
     * @param workDirLock the caller's hold on {@code config.workDir()}, handed to the embedded cluster
     */
    static Report run(Config config, ClusterOptions clusterOptions, WorkDirLock workDirLock, PrintStream out)
            throws Exception {
        long started = System.nanoTime();
        Path data = config.workDir().resolve("data");
        out.printf("[1/5] generating %,d displays (seed %d) into %s%n", config.displays(), config.dataSeed(), data);
        GeneratorSummary generated = DataGenerator.generate(GeneratorConfig.defaults(config.displays(),
                config.dataSeed()), data);

        out.println("[2/5] starting the embedded Kafka broker and schema registry");
        try (Cluster cluster = Cluster.open(clusterOptions, true, workDirLock)) {
            cluster.ensureTopics();
            out.printf("      Kafka on %s, registry on %s%n", cluster.bootstrap(), cluster.registryUrl());

            out.println("[3/5] replaying the CSVs into Kafka in event-time order");
            ReplaySummary replay = Replays.replay(cluster, data, 0, config.labelDelay());
            long requests = replay.sentPerTopic().getOrDefault(cluster.topics().scoreRequests.name(), 0L);

            out.println("[4/5] building features and learning (test-then-train)");
            Path state = cluster.stateDir();
            Path models = config.workDir().resolve("models");
            OnlineLearner.Summary learned = learn(cluster, state, models, config.splitSeed(), config.model(),
                    config.batchSize());
            out.printf("      trained on %,d examples, scored %,d validation examples; model %s%n",
                    learned.examplesTrained(), learned.validationExamples(), learned.lastVersion());

            out.printf("[5/5] scoring %,d test displays with model %s%n", requests, learned.lastVersion());
            Map<String, Long> servedBy = new java.util.TreeMap<>();
            Map<Long, List<Long>> rankings = score(cluster, state, models, requests, config.timeout(), servedBy);
            out.printf("      %,d of %,d test displays ranked%s%n", rankings.size(), requests,
                    rankings.size() < requests ? " (the rest went to the dead-letter topic)" : "");
            Map<Long, Long> clicked = readTruth(data.resolve("truth").resolve("clicks_test_truth.csv"));
            double apSum = 0;
            double randomSum = 0;
            int n = 0;
            for (Map.Entry<Long, List<Long>> e : rankings.entrySet()) {
                Long click = clicked.get(e.getKey());
                if (click != null) {
                    apSum += RankingMetrics.averagePrecisionAt12(e.getValue(), List.of(click));
                    randomSum += RankingMetrics.expectedRandomAp(e.getValue().size());
                    n++;
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            return new Report(generated, replay, learned, n, n == 0 ? Double.NaN : apSum / n,
                    n == 0 ? Double.NaN : randomSum / n, generated.map12Optimal(), servedBy, elapsed);
        }
    }

    /**
     * Runs the features topology and the learner until every input record has become an example and every
     * example has been learned from (or scored, for validation), then checkpoints into {@code modelDir}.
     */
    static OnlineLearner.Summary learn(Cluster cluster, Path stateDir, Path modelDir, long splitSeed,
            ModelConfig modelConfig, int batchSize) {
        return learn(cluster, stateDir, modelDir, splitSeed, modelConfig, batchSize, 1);
    }

    /**
     * As {@link #learn(Cluster, Path, Path, long, ModelConfig, int)}, with {@code epochs} passes over the examples:
     * the later passes start once the features topology has drained its inputs (see {@link OnlineLearner}).
     */
    static OnlineLearner.Summary learn(Cluster cluster, Path stateDir, Path modelDir, long splitSeed,
            ModelConfig modelConfig, int batchSize, int epochs) {
        StreamsStage features = Stages.startFeatures(cluster, stateDir, Stages.FeaturesOptions.of(splitSeed));
        try (Admin admin = cluster.admin();
                DjlTrainableModel model = DjlTrainableModel.open(FeatureSpec.standard(), modelConfig, modelDir, 2);
                OnlineLearner learner = new OnlineLearner(new LearnerConfig(cluster.kafka(), batchSize,
                        Duration.ofSeconds(1), 0, Duration.ZERO, false, "wnd", modelDir.resolve("metrics.jsonl"),
                        epochs),
                        cluster.topics(), model,
                        new OnlineMetrics(5_000));
                StageWatch watch = StageWatch.onFailure(List.of(features), learner::stop)) {
            OnlineLearner.Summary summary = learner.run(() -> Stages.featuresDrained(admin, features,
                    cluster.topics()));
            features.check(); // stopped because the features died
            return summary;
        } finally {
            features.close();
        }
    }

    /**
     * Runs the scorer over the score requests (features as of each request's time) with the newest checkpoint in
     * {@code modelDir}; returns each display's ads, best first.
     */
    static Map<Long, List<Long>> score(Cluster cluster, Path stateDir, Path modelDir, long requests,
            Duration timeout, Map<String, Long> servedBy) {
        try (CheckpointModelFeed feed = new CheckpointModelFeed(FeatureSpec.standard(), modelDir, cluster.topics(),
                null)) {
            StreamsStage scorer = Stages.startScorer(cluster, stateDir, feed, false, ScorerMetrics.NONE);
            try {
                return collectScores(cluster, scorer, requests, timeout, servedBy);
            } finally {
                scorer.close();
            }
        }
    }

    private static Map<Long, List<Long>> collectScores(Cluster cluster, StreamsStage scorer, long expected,
            Duration timeout, Map<String, Long> servedBy) {
        Map<Long, List<Long>> rankings = new HashMap<>();
        Properties p = cluster.kafka().properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "wnd-demo-" + System.nanoTime());
        try (KafkaConsumer<Long, Score> consumer = new KafkaConsumer<>(p,
                cluster.topics().scores.keySerde().deserializer(), cluster.topics().scores.valueSerde().deserializer())) {
            consumer.subscribe(List.of(cluster.topics().scores.name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietSince = System.nanoTime();
            try (Admin admin = cluster.admin()) {
                while (rankings.size() < expected) {
                    scorer.check();
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + rankings.size() + " of " + expected
                                + " test displays were scored within " + timeout.toSeconds() + " s");
                    }
                    var records = consumer.poll(Duration.ofMillis(200));
                    if (!records.isEmpty()) {
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > 3_000_000_000L && Stages.caughtUp(admin,
                            Stages.SCORER_APP_ID, List.of(cluster.topics().scoreRequests.name()))) {
                        break; // every request was handled; the missing ones were dead-lettered
                    }
                    for (ConsumerRecord<Long, Score> r : records) {
                    List<Long> ranked = new ArrayList<>();
                    for (AdScore ad : r.value().getAds()) {
                        ranked.add(ad.getAdId());
                    }
                    rankings.put(r.value().getDisplayId(), ranked);
                    servedBy.merge(r.value().getModelVersion(), 1L, Long::sum);
                    }
                }
            }
        }
        LOG.info("collected {} scored displays", rankings.size());
        return rankings;
    }

    private static Map<Long, Long> readTruth(Path file) throws IOException {
        Map<Long, Long> clicked = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line = in.readLine(); // header display_id,ad_id,clicked
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",");
                if (f.length == 3 && f[2].equals("1")) {
                    clicked.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
                }
            }
        }
        return clicked;
    }
}
