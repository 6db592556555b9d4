package dev.wnd.bench;

import dev.wnd.app.OptionDefaults;
import dev.wnd.app.DisplaysOption;
import dev.wnd.app.WorkDirOption;
import dev.wnd.app.JsonOption;
import dev.wnd.app.Cluster;
import dev.wnd.app.Stages;
import dev.wnd.app.Workspace;
import dev.wnd.app.WorkDirLock;
import dev.wnd.app.Replays;
import dev.wnd.app.ModelOptions;
import dev.wnd.features.spec.EventTime;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.learner.DjlTrainableModel;
import dev.wnd.model.ModelConfig;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.scorer.CheckpointModelFeed;
import dev.wnd.scorer.ScorerMetrics;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLongArray;
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
@Command(name = "scorer", mixinStandardHelpOptions = true, defaultValueProvider = BenchScorerCommand.Defaults.class,
        description = "Start the embedded broker, fill the feature state from a generated data set, start the live "
                + "scorer with a seed-shaped model, then send score requests at a fixed rate (up to 12 ads each) and "
                + "measure from request produced to answer consumed: p50/p99 latency and throughput.")
final class BenchScorerCommand implements Callable<Integer> {

    /** This command's own defaults for shared options. */
    static final class Defaults extends OptionDefaults {
        @Override
        protected java.util.Map<String, String> values() {
            return java.util.Map.of("--work-dir", ".wnd/bench-scorer", "--displays", "5000");
        }
    }

    /** Display id of the first request sent; request {@code i} has {@code FIRST_DISPLAY_ID + i}. */
    private static final long FIRST_DISPLAY_ID = 2_000_000_000L;

    @Option(names = "--rate", defaultValue = "1000", description = "Requests (displays) per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "20", description = "Length of the timed load (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "120", description = "Untimed load first (default: "
            + "${DEFAULT-VALUE}: the JIT compiler takes most of a core for the first 40-100 s, and the timed part "
            + "should see the scorer as it runs for hours; cpu_cores_by_thread in the result shows whether it was "
            + "still compiling).")
    int warmupSeconds;

    @Option(names = "--passthrough", description = "Answer every request at once with its ads at probability 0, "
            + "without features or a model, on the scorer's Kafka settings: the latency that the broker, the "
            + "clients and Kafka Streams alone give on this machine at the same load, a floor under the scorer's.")
    boolean passthrough;

    @Mixin
    DisplaysOption displays;

    @Mixin
    WorkDirOption workDir;

    @Mixin
    JsonOption json;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        WorkDirLock lock = Workspace.claimFresh(workDir.value());
        Path data = workDir.value().resolve("data");
        DataGenerator.generate(GeneratorConfig.defaults(displays.value(), 1), data);
        Path modelDir = workDir.value().resolve("models");
        try (DjlTrainableModel m = DjlTrainableModel.open(FeatureSpec.standard(), model.toConfig(ModelConfig.defaults()),
                modelDir, 1)) {
            m.checkpoint(Map.of(), 0, 0);
        }
        try (Cluster cluster = Cluster.open(Workspace.embedded(workDir.value()), true, lock)) {
            cluster.ensureTopics();
            long replayed = Replays.replay(cluster, data, 0, Duration.ofHours(1)).sentPerTopic()
                    .getOrDefault(cluster.topics().scoreRequests.name(), 0L);
            List<ScoreRequest> templates = readRequests(cluster, replayed);
            try (CheckpointModelFeed feed = new CheckpointModelFeed(FeatureSpec.standard(), modelDir, cluster.topics(),
                    cluster.kafka())) {
                ProcessingTimes processing = new ProcessingTimes();
                String appId = passthrough ? ScorerPassthroughTopology.APP_ID : Stages.SCORER_APP_ID;
                KafkaStreams scorer = passthrough
                        ? ScorerPassthroughTopology.start(cluster, workDir.value().resolve("state"))
                        : Stages.startScorer(cluster, workDir.value().resolve("state"), feed, true, processing).streams();
                try (Admin admin = cluster.admin()) {
                    Stages.await("the scorer to catch up with the replayed state", Duration.ofMinutes(10),
                            () -> Stages.caughtUp(admin, appId,
                                    List.of(cluster.topics().scoreRequests.name(), cluster.topics().labels.name())));
                }
                Map<String, Object> result = load(cluster, templates, processing);
                result.put("stream_thread", BenchCommand.threadTimes(scorer));
                scorer.close();
                BenchCommand.report(result, json);
            }
        }
        return 0;
    }

    private Map<String, Object> load(Cluster cluster, List<ScoreRequest> templates, ProcessingTimes processing)
            throws Exception {
        Properties pp = cluster.kafka().properties();
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        Properties cp = cluster.kafka().properties();
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        long total = (long) (warmupSeconds + seconds) * rate;
        long firstTimed = (long) warmupSeconds * rate;
        // Primitive arrays indexed by request number, not maps of boxed longs: the bench shares the JVM with the
        // scorer, and 20,000 live boxes per run surviving young collections lengthened the scorer's GC pauses.
        AtomicLongArray sentNanos = new AtomicLongArray((int) total);
        long[] latenciesMicros = new long[(int) total];
        // Per timed answer, the wall-clock milliseconds of its three hops (see tailBreakdown).
        long[] sentMillis = new long[(int) total];
        int[][] hops = new int[3][(int) total];
        // Per timed answer, the request it answers, and when the client read it (wall clock), to tell which answers
        // were in flight during a collection.
        int[] requestOfAnswer = new int[(int) total];
        long[] readMillis = new long[(int) total];
        int[] timedAnswered = new int[1];
        boolean[] answered = new boolean[(int) total];
        Random random = new Random(7);
        try (KafkaProducer<String, ScoreRequest> producer = new KafkaProducer<>(pp,
                cluster.topics().scoreRequests.keySerde().serializer(),
                cluster.topics().scoreRequests.valueSerde().serializer());
                KafkaConsumer<Long, Score> consumer = new KafkaConsumer<>(cp,
                        cluster.topics().scores.keySerde().deserializer(),
                        cluster.topics().scores.valueSerde().deserializer());
                GcPauses pauses = new GcPauses()) {
            TopicPartition scores = new TopicPartition(cluster.topics().scores.name(), 0);
            consumer.assign(List.of(scores));
            consumer.seekToEnd(List.of(scores));
            consumer.position(scores);
            Thread reader = new Thread(() -> {
                long received = 0;
                while (received < total && !Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<Long, Score> r : consumer.poll(Duration.ofMillis(5))) {
                        long now = System.nanoTime();
                        long nowMillis = System.currentTimeMillis();
                        long n = r.value().getDisplayId() - FIRST_DISPLAY_ID;
                        if (n >= 0 && n < total && !answered[(int) n] && sentNanos.get((int) n) != 0) {
                            answered[(int) n] = true;
                            received++;
                            if (n >= firstTimed) {
                                int k = timedAnswered[0]++;
                                latenciesMicros[k] = (now - sentNanos.get((int) n)) / 1_000;
                                hops[0][k] = (int) (r.value().getReceivedMs() - sentMillis[(int) n]);
                                hops[1][k] = (int) (r.value().getAnsweredMs() - r.value().getReceivedMs());
                                hops[2][k] = (int) (nowMillis - r.value().getAnsweredMs());
                                requestOfAnswer[k] = (int) n;
                                readMillis[k] = nowMillis;
                            }
                        }
                    }
                }
            }, "bench-reader");
            reader.start();
            long start = System.nanoTime();
            long timedStart = 0;
            GcTotals gcAtStart = GcTotals.now();
            ThreadCpu cpuAtStart = ThreadCpu.now();
            long intervalNanos = 1_000_000_000L / rate;
            for (long i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    // park, not spin: on a 2-core machine a spinning load generator would take a core from the scorer
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                if (i == firstTimed) {
                    gcAtStart = GcTotals.now();
                    cpuAtStart = ThreadCpu.now();
                    timedStart = System.nanoTime();
                    processing.start();
                }
                ScoreRequest t = templates.get(random.nextInt(templates.size()));
                long displayId = FIRST_DISPLAY_ID + i;
                List<Long> ads = new ArrayList<>(t.getAdIds());
                while (ads.size() < 12 && ads.size() < 2 + random.nextInt(11)) {
                    ads.add(templates.get(random.nextInt(templates.size())).getAdIds().get(0));
                }
                ScoreRequest request = ScoreRequest.newBuilder(t).setDisplayId(displayId).setAdIds(ads).build();
                sentMillis[(int) i] = System.currentTimeMillis();
                sentNanos.set((int) i, System.nanoTime());
                producer.send(cluster.topics().scoreRequests.record(t.getUuid(), request,
                        EventTime.EPOCH_BASE_MS + t.getTimestamp()));
            }
            Map<String, Double> cores = ThreadCpu.now().coresSince(cpuAtStart, 8);
            producer.flush();
            reader.join(30_000);
            reader.interrupt();
            reader.join();
            double timedSeconds = (System.nanoTime() - timedStart) / 1e9;
            GcTotals gc = GcTotals.now().minus(gcAtStart);
            pauses.close();
            long[] sorted = Arrays.copyOf(latenciesMicros, timedAnswered[0]);
            Arrays.sort(sorted);
            Map<String, Object> tail = tailBreakdown(latenciesMicros, hops, timedAnswered[0],
                    percentile(sorted, 0.99));
            long lost = 0;
            for (boolean a : answered) {
                lost += a ? 0 : 1;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("target_displays_per_s", rate);
            out.put("answered_displays_per_s", sorted.length / timedSeconds);
            out.put("answered", sorted.length);
            out.put("sent_timed", (long) seconds * rate);
            out.put("lost", lost);
            out.put("p50_ms", percentile(sorted, 0.50) / 1000.0);
            out.put("p99_ms", percentile(sorted, 0.99) / 1000.0);
            out.put("max_ms", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0);
            long[] inside = processing.sorted();
            out.put("scorer_processing_p50_ms", percentile(inside, 0.50) / 1e6);
            out.put("scorer_processing_p99_ms", percentile(inside, 0.99) / 1e6);
            out.put("tail_breakdown_ms", tail);
            // The whole JVM's collections (broker, registry, client and scorer share it), over the timed part.
            out.put("gc_collections", gc.count());
            out.put("gc_time_ms", gc.millis());
            // Whether the collections make the tail: the share of answers in flight during one (their whole JVM
            // stops, broker and clients included), and the latency of the others.
            long[] outside = new long[timedAnswered[0]];
            int clear = 0;
            for (int k = 0; k < timedAnswered[0]; k++) {
                if (!pauses.overlaps(sentMillis[requestOfAnswer[k]], readMillis[k])) {
                    outside[clear++] = latenciesMicros[k];
                }
            }
            long[] outsideSorted = Arrays.copyOf(outside, clear);
            Arrays.sort(outsideSorted);
            out.put("answers_during_gc_share", timedAnswered[0] == 0 ? Double.NaN
                    : (double) (timedAnswered[0] - clear) / timedAnswered[0]);
            out.put("p99_ms_outside_gc", percentile(outsideSorted, 0.99) / 1000.0);
            // Where the cores went while the timed requests were sent: the scorer, the broker, the clients, the JIT.
            out.put("cpu_cores_by_thread", cores);
            out.put("ads_per_request", "2..12");
            out.put("passthrough", passthrough);
            out.put("deep_hidden_units", model.toConfig(ModelConfig.defaults()).deepHiddenUnits());
            out.put("cores", Runtime.getRuntime().availableProcessors());
            return out;
        }
    }

    /**
     * The scorer's own time per request (features and model, inside its processor), from the timed part of the load
     * on: the rest of a request's latency is Kafka's (produce, fetch, commit) and queueing.
     */
    private static final class ProcessingTimes implements ScorerMetrics {
        private long[] nanos = new long[1 << 16];
        private int size;
        private volatile boolean started;

        void start() {
            started = true;
        }

        @Override
        public void answered(String face, long requestTimestampMs, long answeredMs, long processingNanos) {
            if (started) {
                synchronized (this) {
                    if (size == nanos.length) {
                        nanos = Arrays.copyOf(nanos, size * 2);
                    }
                    nanos[size++] = processingNanos;
                }
            }
        }

        synchronized long[] sorted() {
            long[] sorted = Arrays.copyOf(nanos, size);
            Arrays.sort(sorted);
            return sorted;
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

    /**
     * Where the slowest 1% of answers spent their time: the mean, over the answers at or above the p99 latency, of
     * each hop in wall-clock milliseconds (the Score's {@code received_ms} and {@code answered_ms} against the
     * client's clock, so each hop is exact to about 1 ms): {@code to_scorer} from the send until the scorer read
     * the request (producer, broker, the scorer's fetch and queue), {@code in_scorer} from then until it produced
     * the answer (held for a batch, features, model), {@code to_client} from then until the client read it.
     */
    static Map<String, Object> tailBreakdown(long[] latenciesMicros, int[][] hops, int count, double p99Micros) {
        double[] sums = new double[hops.length];
        int tail = 0;
        for (int k = 0; k < count; k++) {
            if (latenciesMicros[k] >= p99Micros) {
                tail++;
                for (int h = 0; h < hops.length; h++) {
                    sums[h] += hops[h][k];
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("answers", tail);
        String[] names = {"to_scorer", "in_scorer", "to_client"};
        for (int h = 0; h < hops.length; h++) {
            out.put(names[h], tail == 0 ? Double.NaN : Math.round(sums[h] / tail * 10) / 10.0);
        }
        return out;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }
}
