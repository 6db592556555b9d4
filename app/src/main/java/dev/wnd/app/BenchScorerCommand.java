package dev.wnd.app;

import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.learner.DjlTrainableModel;
import dev.wnd.model.ModelConfig;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.scorer.CheckpointModelFeed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** End-to-end scoring latency under a steady request rate, through the embedded broker. */
@Command(name = "scorer", mixinStandardHelpOptions = true,
        description = "Start the embedded broker, fill the feature state from a generated data set, start the live "
                + "scorer with a seed-shaped model, then send score requests at a fixed rate (up to 12 ads each) and "
                + "measure from request produced to answer consumed: p50/p99 latency and throughput.")
final class BenchScorerCommand implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "1000", description = "Requests (displays) per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "20", description = "Length of the timed load (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Untimed load first (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--displays", defaultValue = "5000", description = "Generated displays behind the state (default: ${DEFAULT-VALUE}).")
    long displays;

    @Option(names = "--work-dir", defaultValue = ".wnd/bench-scorer", description = "Reset at start (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
    Path json;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        Workspace.reset(workDir);
        Path data = workDir.resolve("data");
        DataGenerator.generate(GeneratorConfig.defaults(displays, 1), data);
        Path modelDir = workDir.resolve("models");
        try (DjlTrainableModel m = DjlTrainableModel.open(FeatureSpec.seed(), model.toConfig(ModelConfig.defaults()),
                modelDir, 1)) {
            m.checkpoint(Map.of(), 0, 0);
        }
        try (Cluster cluster = Cluster.open(Workspace.embedded(workDir), true)) {
            cluster.ensureTopics();
            long replayed = IngestCommand.replay(cluster, data, 0, Duration.ofHours(1)).sentPerTopic()
                    .getOrDefault(cluster.topics().scoreRequests.name(), 0L);
            List<ScoreRequest> templates = readRequests(cluster, replayed);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(FeatureSpec.seed(), modelDir, cluster.topics(),
                    cluster.kafka())) {
                KafkaStreams scorer = Stages.startScorer(cluster, workDir.resolve("state"), feed, true);
                try (Admin admin = cluster.admin()) {
                    Stages.await("the scorer to catch up with the replayed state", Duration.ofMinutes(10),
                            () -> Stages.caughtUp(admin, Stages.SCORER_APP_ID,
                                    List.of(cluster.topics().scoreRequests.name(), cluster.topics().labels.name())));
                }
                Map<String, Object> result = load(cluster, templates);
                scorer.close();
                BenchCommand.report(result, json);
            }
        }
        return 0;
    }

    private Map<String, Object> load(Cluster cluster, List<ScoreRequest> templates) throws Exception {
        Properties pp = cluster.kafka().properties();
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        Properties cp = cluster.kafka().properties();
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latenciesMicros = new ArrayList<>();
        long firstTimed = 2_000_000_000L + (long) warmupSeconds * rate;
        long total = (long) (warmupSeconds + seconds) * rate;
        Random random = new Random(7);
        try (KafkaProducer<String, ScoreRequest> producer = new KafkaProducer<>(pp,
                cluster.topics().scoreRequests.keySerde().serializer(),
                cluster.topics().scoreRequests.valueSerde().serializer());
                KafkaConsumer<Long, Score> consumer = new KafkaConsumer<>(cp,
                        cluster.topics().scores.keySerde().deserializer(),
                        cluster.topics().scores.valueSerde().deserializer())) {
            TopicPartition scores = new TopicPartition(cluster.topics().scores.name(), 0);
            consumer.assign(List.of(scores));
            consumer.seekToEnd(List.of(scores));
            consumer.position(scores);
            Thread reader = new Thread(() -> {
                long received = 0;
                while (received < total && !Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<Long, Score> r : consumer.poll(Duration.ofMillis(5))) {
                        long now = System.nanoTime();
                        Long sent = sentAt.remove(r.value().getDisplayId());
                        if (sent != null) {
                            received++;
                            if (r.value().getDisplayId() >= firstTimed) {
                                synchronized (latenciesMicros) {
                                    latenciesMicros.add((now - sent) / 1_000);
                                }
                            }
                        }
                    }
                }
            }, "bench-reader");
            reader.start();
            long start = System.nanoTime();
            long timedStart = 0;
            long intervalNanos = 1_000_000_000L / rate;
            for (long i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    // park, not spin: on a 2-core machine a spinning load generator would take a core from the scorer
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                if (i == (long) warmupSeconds * rate) {
                    timedStart = System.nanoTime();
                }
                ScoreRequest t = templates.get(random.nextInt(templates.size()));
                long displayId = 2_000_000_000L + i;
                List<Long> ads = new ArrayList<>(t.getAdIds());
                while (ads.size() < 12 && ads.size() < 2 + random.nextInt(11)) {
                    ads.add(templates.get(random.nextInt(templates.size())).getAdIds().get(0));
                }
                ScoreRequest request = ScoreRequest.newBuilder(t).setDisplayId(displayId).setAdIds(ads).build();
                sentAt.put(displayId, System.nanoTime());
                producer.send(cluster.topics().scoreRequests.record(t.getUuid(), request,
                        FeatureFunctions.EPOCH_BASE_MS + t.getTimestamp()));
            }
            producer.flush();
            reader.join(30_000);
            reader.interrupt();
            double timedSeconds = (System.nanoTime() - timedStart) / 1e9;
            long[] sorted;
            synchronized (latenciesMicros) {
                sorted = latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("target_displays_per_s", rate);
            out.put("answered_displays_per_s", sorted.length / timedSeconds);
            out.put("answered", sorted.length);
            out.put("sent_timed", (long) seconds * rate);
            out.put("lost", sentAt.size());
            out.put("p50_ms", percentile(sorted, 0.50) / 1000.0);
            out.put("p99_ms", percentile(sorted, 0.99) / 1000.0);
            out.put("max_ms", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0);
            out.put("ads_per_request", "2..12");
            out.put("deep_hidden_units", model.toConfig(ModelConfig.defaults()).deepHiddenUnits());
            out.put("cores", Runtime.getRuntime().availableProcessors());
            return out;
        }
    }

    /** The replayed score requests, as templates for the load. */
    private static List<ScoreRequest> readRequests(Cluster cluster, long count) {
        Properties cp = cluster.kafka().properties();
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ScoreRequest> requests = new ArrayList<>();
        try (KafkaConsumer<String, ScoreRequest> consumer = new KafkaConsumer<>(cp,
                cluster.topics().scoreRequests.keySerde().deserializer(),
                cluster.topics().scoreRequests.valueSerde().deserializer())) {
            TopicPartition tp = new TopicPartition(cluster.topics().scoreRequests.name(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (requests.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> requests.add(r.value()));
            }
        }
        if (requests.isEmpty()) {
            throw new IllegalStateException("the generated data set has no test displays to use as requests");
        }
        return requests;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }
}
