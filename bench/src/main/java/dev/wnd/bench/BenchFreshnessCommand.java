package dev.wnd.bench;

import dev.wnd.app.DisplaysOption;
import dev.wnd.app.WorkDirOption;
import dev.wnd.app.OptionDefaults;
import dev.wnd.app.LearnerOptions;
import dev.wnd.app.JsonOption;
import dev.wnd.app.Cluster;
import dev.wnd.app.Stages;
import dev.wnd.app.Workspace;
import dev.wnd.app.WorkDirLock;
import dev.wnd.app.Replays;
import dev.wnd.app.ModelOptions;
import dev.wnd.features.spec.EventTime;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.fn.Splits;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.learner.DjlTrainableModel;
import dev.wnd.learner.LearnerConfig;
import dev.wnd.learner.OnlineLearner;
import dev.wnd.learner.OnlineMetrics;
import dev.wnd.learner.TrainableModel;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.model.ModelConfig;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.avro.Split;
import dev.wnd.scorer.CheckpointModelFeed;
import dev.wnd.scorer.ModelFeed;
import dev.wnd.scorer.ScorerMetrics;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

/**
 * Freshness: from a label's arrival to the first answer served by a model that learned from it, through the whole
 * live system on the embedded broker (features topology, learner, serving snapshots and checkpoints, announcements,
 * scorer).
 *
 * <p>After an untimed catch-up on a generated data set, the benchmark produces new training displays and, a second
 * later each, their labels at a steady rate, while score requests arrive at another steady rate. For each probe
 * label it takes the example offsets the features topology derived from it (read from the examples topic), the
 * first model version (serving snapshot or checkpoint) whose recorded consumed offsets lie past them, and the first
 * Score answered by that version or a newer one. The legs come from observers around the real components: the learner's model and the scorer's
 * model feed are wrapped (timestamps only, no behaviour change), the topics are read by the benchmark. The feed's
 * own metrics give the time it took to apply each version from the start of the timed window ({@code delta_apply},
 * {@code full_apply}: for a delta, when its predictor is ready for every stream thread) and the announced versions
 * it skipped because a newer one came first ({@code versions_skipped_in_run}).
 */
@Command(name = "freshness", mixinStandardHelpOptions = true, defaultValueProvider = BenchFreshnessCommand.Defaults.class,
        description = "Label arrival to the first answer by a model that learned from it, through features, learner, "
                + "serving snapshot or checkpoint, announcement and scorer on the embedded broker: p50/p99/max and the "
                + "legs.")
final class BenchFreshnessCommand implements Callable<Integer> {

    /** A model version, checkpoint, serving snapshot or delta: all kinds share one generation sequence. */
    private static final Pattern GENERATION = Pattern.compile("(?:ckpt|snap|delta)-(\\d+)-s\\d+");
    /** Display ids of the probe displays start here, far above the generated ones. */
    private static final long FIRST_PROBE_DISPLAY = 1_000_000_000L;
    private static final long FIRST_REQUEST_DISPLAY = 3_000_000_000L;

    @Option(names = "--labels-per-second", defaultValue = "10",
            description = "Probe labels per second (default: ${DEFAULT-VALUE}).")
    int labelsPerSecond;

    @Option(names = "--requests-per-second", defaultValue = "50",
            description = "Score requests per second during the run (default: ${DEFAULT-VALUE}).")
    int requestsPerSecond;

    @Option(names = "--seconds", defaultValue = "30", description = "Timed probe labels for this long (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "10", description = "Untimed labels first (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Mixin
    DisplaysOption displays;

    @Mixin
    LearnerOptions learnerOptions;

    /**
     * The learner's defaults here: versions every second (deltas in between, a full one a minute), batches cut after
     * 0.2 s, so that a label's example reaches a version quickly; a checkpoint a minute.
     */
    static final class Defaults extends OptionDefaults {
        @Override
        protected Map<String, String> values() {
            return Map.of("--work-dir", ".wnd/bench-freshness", "--displays", "2000",
                    "--max-batch-wait", "PT0.2S", "--checkpoint-every", "PT1M", "--keep-checkpoints", "6",
                    "--serving-snapshot-every", "PT1S", "--keep-serving-snapshots", "6", "--checkpoint-every-examples",
                    "0");
        }
    }

    @Mixin
    WorkDirOption workDir;

    @Mixin
    JsonOption json;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        WorkDirLock lock = Workspace.claimFresh(workDir.value());
        Path data = workDir.value().resolve("data");
        DataGenerator.generate(GeneratorConfig.defaults(displays.value(), 1), data);
        Path models = workDir.value().resolve("models");
        Path state = workDir.value().resolve("state");
        FeatureSpec spec = FeatureSpec.standard();
        ModelConfig modelConfig = model.toConfig(ModelConfig.defaults());
        Timeline timeline = new Timeline();
        try (Cluster cluster = Cluster.open(Workspace.embedded(workDir.value()), true, lock)) {
            cluster.ensureTopics();
            Map<String, Long> sent = Replays.replay(cluster, data, 0, Duration.ofHours(1)).sentPerTopic();
            // Probe displays copy the users, pages and ads of replayed ones from the training days; their event
            // times come from a live clock (probeEventTime).
            List<Display> displayTemplates = readAll(cluster, cluster.topics().displays.name(),
                    sent.getOrDefault(cluster.topics().displays.name(), 0L),
                    cluster.topics().displays.valueSerde().deserializer()).stream()
                    .filter(d -> FeatureFunctions.day(d.getTimestamp()) < Splits.FIRST_ALL_VALIDATION_DAY
                            && !d.getAdIds().isEmpty())
                    .toList();
            List<ScoreRequest> requestTemplates = readAll(cluster, cluster.topics().scoreRequests.name(),
                    sent.getOrDefault(cluster.topics().scoreRequests.name(), 0L),
                    cluster.topics().scoreRequests.valueSerde().deserializer());

            try (TimedFeed feed = new TimedFeed(new CheckpointModelFeed(spec, models, cluster.topics(),
                    cluster.kafka(), timeline.feedMetrics()), timeline);
                    Observers observers = new Observers(cluster, timeline, feed)) {
                KafkaStreams scorer = Stages.startScorer(cluster, state, feed, true, ScorerMetrics.NONE).streams();
                KafkaStreams features = Stages.startFeatures(cluster, state, Stages.FeaturesOptions.of(0)).streams();
                try (DjlTrainableModel djl = DjlTrainableModel.open(spec, modelConfig, models,
                        learnerOptions.keepCheckpoints(), learnerOptions.keepSnapshots(),
                        learnerOptions.fullSnapshotEvery());
                        OnlineLearner learner = new OnlineLearner(learnerOptions.toConfig(cluster.kafka(), null),
                                cluster.topics(),
                                new TimedModel(djl, timeline), new OnlineMetrics(5_000))) {
                    Thread learning = new Thread(() -> learner.run(() -> false), "bench-learner");
                    learning.start();
                    try (Admin admin = cluster.admin()) {
                        Stages.await("features, learner and scorer to catch up with the replay",
                                Duration.ofMinutes(15), () -> caughtUp(admin, cluster, timeline));
                    }
                    System.err.println("caught up; producing probe labels for " + (warmupSeconds + seconds) + " s");
                    long timedFrom;
                    long timedUntil;
                    try (Probes probes = new Probes(cluster, timeline, displayTemplates, requestTemplates)) {
                        timedFrom = probes.timedFrom();
                        timedUntil = timedFrom + seconds * 1_000L;
                        Thread.sleep(Math.max(0, timedUntil - System.currentTimeMillis()));
                        Stages.await("the last probe labels to reach the scorer", Duration.ofMinutes(3),
                                () -> timeline.allAnswered(timedFrom, timedUntil));
                    }
                    learner.stop();
                    learning.join(120_000);
                    Map<String, Object> result = timeline.report(timedFrom, timedUntil);
                    result.put("model_deep_hidden_units", modelConfig.deepHiddenUnits());
                    LearnerConfig used = learnerOptions.toConfig(cluster.kafka(), null);
                    result.put("global_batch_size", used.batchSize());
                    result.put("max_batch_wait_ms", used.maxBatchWait().toMillis());
                    result.put("checkpoint_every_ms", used.checkpointEvery().toMillis());
                    result.put("serving_snapshot_every_ms", used.servingSnapshotEvery().toMillis());
                    result.put("full_snapshot_every_ms", learnerOptions.fullSnapshotEvery().toMillis());
                    result.put("labels_per_second", labelsPerSecond);
                    result.put("requests_per_second", requestsPerSecond);
                    result.put("checkpoint_bytes", newestVersionBytes(models, "ckpt-"));
                    result.put("serving_snapshot_bytes", newestVersionBytes(models, "snap-"));
                    result.put("delta_snapshot_bytes", newestVersionBytes(models, "delta-"));
                    result.put("cores", Runtime.getRuntime().availableProcessors());
                    result.put("load_average_before", loadBefore);
                    result.put("load_average_after",
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    BenchCommand.report(result, json);
                } finally {
                    features.close();
                    scorer.close();
                }
            }
        }
        return 0;
    }

    /** The features application, the learner and the scorer have all handled every replayed record. */
    private static boolean caughtUp(Admin admin, Cluster cluster, Timeline timeline) {
        var t = cluster.topics();
        return Stages.caughtUp(admin, Stages.FEATURES_APP_ID, List.of(t.pageViews.name(), t.displays.name(),
                t.labels.name()))
                && Stages.caughtUp(admin, Stages.SCORER_APP_ID, List.of(t.scoreRequests.name(), t.labels.name()))
                && timeline.trainedEverySeenExample();
    }

    /**
     * Sends probe displays and, a second later each, their labels at {@code labelsPerSecond}, and score requests at
     * {@code requestsPerSecond}, each on its own thread, until {@link #close()}. Labels keep flowing after the timed
     * window, as in a live system: the learner checkpoints after a batch, so the last labels of a stream that stops
     * would wait for a batch that never comes.
     */
    private final class Probes implements AutoCloseable {
        private final Cluster cluster;
        private final Timeline timeline;
        private final List<Display> displayTemplates;
        private final List<ScoreRequest> requestTemplates;
        private final Properties producerProps = new Properties();
        private final long startMs = System.currentTimeMillis() + 200;
        private final Thread labels = new Thread(this::sendLabels, "bench-labels");
        private final Thread requests = new Thread(this::sendRequests, "bench-requests");
        private volatile boolean stopping;

        Probes(Cluster cluster, Timeline timeline, List<Display> displayTemplates,
                List<ScoreRequest> requestTemplates) {
            this.cluster = cluster;
            this.timeline = timeline;
            this.displayTemplates = displayTemplates;
            this.requestTemplates = requestTemplates;
            producerProps.putAll(cluster.kafka().properties());
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            labels.start();
            requests.start();
        }

        /** Wall clock (ms) from which labels count: after the warm-up (labels lag their displays by 1 s). */
        long timedFrom() {
            return startMs + warmupSeconds * 1_000L + 1_000L;
        }

        private void sendLabels() {
            Random random = new Random(11);
            try (KafkaProducer<String, Display> displaysOut = new KafkaProducer<>(producerProps,
                    cluster.topics().displays.keySerde().serializer(),
                    cluster.topics().displays.valueSerde().serializer());
                    KafkaProducer<String, Label> labelsOut = new KafkaProducer<>(producerProps,
                            cluster.topics().labels.keySerde().serializer(),
                            cluster.topics().labels.valueSerde().serializer())) {
                java.util.ArrayDeque<Display> pending = new java.util.ArrayDeque<>();
                long nextId = FIRST_PROBE_DISPLAY;
                long intervalMicros = 1_000_000L / labelsPerSecond;
                for (long i = 0; !stopping; i++) {
                    sleepUntil(startMs * 1_000 + i * intervalMicros);
                    Display t = displayTemplates.get(random.nextInt(displayTemplates.size()));
                    long eventTime = probeEventTime(startMs, System.currentTimeMillis());
                    while (Splits.isValidation(nextId, eventTime, 0)) {
                        nextId++;
                    }
                    Display d = Display.newBuilder(t).setDisplayId(nextId++).setTimestamp(eventTime).build();
                    displaysOut.send(cluster.topics().displays.record(d.getUuid(), d,
                            EventTime.EPOCH_BASE_MS + d.getTimestamp()));
                    pending.add(d);
                    if (i >= labelsPerSecond) {
                        Display l = pending.removeFirst();
                        List<Long> ads = l.getAdIds();
                        Label label = new Label(l.getDisplayId(), l.getUuid(), l.getTimestamp(),
                                l.getTimestamp() + 1_000, ads, List.of(ads.get(random.nextInt(ads.size()))));
                        timeline.labelSent(l.getDisplayId(), System.currentTimeMillis());
                        labelsOut.send(cluster.topics().labels.record(l.getUuid(), label,
                                EventTime.EPOCH_BASE_MS + label.getReleaseTimestamp()));
                    }
                }
            }
        }

        private void sendRequests() {
            Random random = new Random(13);
            try (KafkaProducer<String, ScoreRequest> out = new KafkaProducer<>(producerProps,
                    cluster.topics().scoreRequests.keySerde().serializer(),
                    cluster.topics().scoreRequests.valueSerde().serializer())) {
                long intervalMicros = 1_000_000L / requestsPerSecond;
                for (long i = 0; !stopping; i++) {
                    sleepUntil(startMs * 1_000 + i * intervalMicros);
                    ScoreRequest t = requestTemplates.get(random.nextInt(requestTemplates.size()));
                    ScoreRequest r = ScoreRequest.newBuilder(t).setDisplayId(FIRST_REQUEST_DISPLAY + i).build();
                    timeline.requestSent(r.getDisplayId(), System.currentTimeMillis());
                    out.send(cluster.topics().scoreRequests.record(t.getUuid(), r,
                            EventTime.EPOCH_BASE_MS + t.getTimestamp()));
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            labels.join(30_000);
            requests.join(30_000);
        }
    }

    /**
     * The event time (ms since {@link FeatureFunctions#EventTime.EPOCH_BASE_MS}) of a probe display sent at wall clock
     * {@code nowMs}: a live clock that starts in the last hour of the last training day when the probes start at
     * {@code startMs} and moves with the wall clock, so that probe displays and their labels (released a second
     * later) come in event-time order, as in a live system.
     *
     * <p>It must: the features application merges displays and labels in timestamp order, so a label waits until
     * the displays partition holds a later display or has been empty for {@code max.task.idle.ms} (200 ms). Probe
     * displays used to keep their templates' event times, scattered over ten days; at 10 displays/s the displays
     * partition was never empty for 200 ms, so every label later than all the templates held back every label
     * behind it until the machine hiccuped (seen as 20 s to 90 s stalls of the examples).
     */
    static long probeEventTime(long startMs, long nowMs) {
        long lastTrainingHour = Splits.FIRST_ALL_VALIDATION_DAY * FeatureFunctions.DAY_MS - 3_600_000L;
        return lastTrainingHour + Math.max(0, nowMs - startMs);
    }

    private static void sleepUntil(long wallMicros) {
        long wait = wallMicros - System.currentTimeMillis() * 1_000;
        if (wait > 0) {
            LockSupport.parkNanos(wait * 1_000);
        }
    }

    private static <V> List<V> readAll(Cluster cluster, String topic, long count,
            org.apache.kafka.common.serialization.Deserializer<V> values) {
        Properties cp = cluster.kafka().properties();
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(values.deserialize(topic, r.value())));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("the generated data set has no records on " + topic);
        }
        return out;
    }

    /** Bytes of the newest model version whose directory name starts with {@code prefix}; 0 when there is none. */
    private static long newestVersionBytes(Path models, String prefix) throws Exception {
        try (Stream<Path> dirs = Files.list(models)) {
            Path newest = dirs.filter(p -> p.getFileName().toString().startsWith(prefix)
                            && GENERATION.matcher(p.getFileName().toString()).matches())
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
            if (newest == null) {
                return 0;
            }
            try (Stream<Path> files = Files.list(newest)) {
                long bytes = 0;
                for (Path f : files.toList()) {
                    bytes += Files.size(f);
                }
                return bytes;
            }
        }
    }

    static long generation(String version) {
        Matcher m = version == null ? null : GENERATION.matcher(version);
        return m != null && m.matches() ? Long.parseLong(m.group(1)) : 0;
    }

    /** What the observers saw, with wall-clock times in ms. Thread-safe. */
    static final class Timeline {
        /** One probe display's examples on the examples topic. */
        private static final class Seen {
            long lastSeenMs;
            long maxOffset = -1;
            long maxTrainIndex;
            boolean validation;
        }

        private record TrainEnd(long ms, long examplesTrained) {
        }

        /** A model version written: a full checkpoint or a serving snapshot. */
        private record Written(long startMs, long endMs, long generation, long examplesOffset, String kind) {
        }

        private record Event(long ms, long generation) {
        }

        private final Map<Long, Long> labelSent = new ConcurrentHashMap<>();
        private final Map<Long, Long> requestSent = new ConcurrentHashMap<>();
        /** Per answered request: sent at (ms), latency from produced to answer read (ms). */
        private final List<long[]> requestLatency = new ArrayList<>();
        private final Map<Long, Seen> examples = new HashMap<>();
        private final List<TrainEnd> trained = new ArrayList<>();
        private final List<Written> checkpoints = new ArrayList<>();
        private final List<Event> accepted = new ArrayList<>();
        private final List<Event> loaded = new ArrayList<>();
        private final List<Long> loadMillis = new ArrayList<>();
        /** Per version the feed applied: when (ms), how long it took (ms), and whether it was a delta chain. */
        private final List<long[]> applied = new ArrayList<>();
        private final List<Long> skipped = new ArrayList<>();
        private final List<Event> answers = new ArrayList<>();
        private long trainExamplesSeen;
        
        void labelSent(long displayId, long ms) {
            labelSent.put(displayId, ms);
        }

        void requestSent(long displayId, long ms) {
            requestSent.put(displayId, ms);
        }

        synchronized void answerRead(long displayId, long ms) {
            Long sent = requestSent.remove(displayId);
            if (sent != null) {
                requestLatency.add(new long[] {sent, ms - sent});
            }
        }

        synchronized void example(long offset, Example e, long ms) {
            if (e.getSplit() == Split.TRAIN) {
                trainExamplesSeen++;
            }
            Seen s = examples.computeIfAbsent(e.getDisplayId(), k -> new Seen());
            s.lastSeenMs = ms;
            s.maxOffset = Math.max(s.maxOffset, offset);
            s.validation |= e.getSplit() == Split.VALIDATION;
            if (e.getSplit() == Split.TRAIN) {
                s.maxTrainIndex = trainExamplesSeen;
            }
        }

        synchronized void trained(long ms, long examplesTrained) {
            trained.add(new TrainEnd(ms, examplesTrained));
        }

        synchronized void written(long startMs, long endMs, String version, Map<String, Long> offsets,
                boolean full) {
            String kind = full ? "checkpoint" : version.startsWith("delta-") ? "delta_snapshot" : "serving_snapshot";
            checkpoints.add(new Written(startMs, endMs, generation(version),
                    offsets.getOrDefault("examples-0", 0L), kind));
        }

        synchronized void accepted(String version, long ms) {
            long g = generation(version);
            if (accepted.isEmpty() || accepted.get(accepted.size() - 1).generation() < g) {
                accepted.add(new Event(ms, g));
            }
        }

        synchronized void loaded(String version, long ms, long tookMs) {
            loaded.add(new Event(ms, generation(version)));
            loadMillis.add(tookMs);
        }

        /** What the scorer's model feed tells of the versions it applies and skips. */
        ScorerMetrics feedMetrics() {
            return new ScorerMetrics() {
                @Override
                public void modelApplied(String version, String kind, long nanos) {
                    synchronized (Timeline.this) {
                        applied.add(new long[] {System.currentTimeMillis(), nanos / 1_000_000,
                                ScorerMetrics.APPLIED_DELTA.equals(kind) ? 1 : 0});
                    }
                }

                @Override
                public void modelSkipped(String version) {
                    synchronized (Timeline.this) {
                        skipped.add(System.currentTimeMillis());
                    }
                }
            };
        }

        synchronized void answered(String version, long ms) {
            answers.add(new Event(ms, generation(version)));
        }

        /** The learner has trained every train example seen so far (and there was one). */
        synchronized boolean trainedEverySeenExample() {
            return trainExamplesSeen > 0 && !trained.isEmpty()
                    && trained.get(trained.size() - 1).examplesTrained() >= trainExamplesSeen;
        }

        /** Every probe label sent in [from, until] has been answered by a model that learned from it. */
        synchronized boolean allAnswered(long from, long until) {
            for (Map.Entry<Long, Long> e : labelSent.entrySet()) {
                if (e.getValue() >= from && e.getValue() <= until) {
                    Seen s = examples.get(e.getKey());
                    if (s == null || s.validation) {
                        return false;
                    }
                    Written c = first(checkpoints, w -> w.examplesOffset() > s.maxOffset);
                    if (c == null || firstEvent(answers, c.generation()) == null) {
                        return false;
                    }
                }
            }
            return true;
        }

        synchronized Map<String, Object> report(long from, long until) {
            List<long[]> legs = new ArrayList<>();
            int probes = 0;
            int unanswered = 0;
            for (Map.Entry<Long, Long> e : labelSent.entrySet()) {
                long t0 = e.getValue();
                if (t0 < from || t0 > until) {
                    continue;
                }
                probes++;
                Seen s = examples.get(e.getKey());
                Written c = s == null ? null : first(checkpoints, w -> w.examplesOffset() > s.maxOffset);
                TrainEnd t = s == null ? null : first(trained, x -> x.examplesTrained() >= s.maxTrainIndex);
                Event acc = c == null ? null : firstEvent(accepted, c.generation());
                Event load = c == null ? null : firstEvent(loaded, c.generation());
                Event answer = c == null ? null : firstEvent(answers, c.generation());
                if (t == null || acc == null || load == null || answer == null) {
                    unanswered++;
                    continue;
                }
                legs.add(new long[] {answer.ms() - t0, s.lastSeenMs - t0, t.ms() - s.lastSeenMs,
                        c.endMs() - t.ms(), acc.ms() - c.endMs(), load.ms() - acc.ms(), answer.ms() - load.ms()});
            }
            String[] names = {"freshness", "label_to_example", "example_to_trained", "trained_to_version_written",
                    "version_to_accepted_by_scorer", "accepted_to_predictor_loaded", "loaded_to_first_answer"};
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("probe_labels", probes);
            out.put("probes_not_answered", unanswered);
            for (int i = 0; i < names.length; i++) {
                final int leg = i;
                long[] sorted = legs.stream().mapToLong(l -> l[leg]).sorted().toArray();
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("p50_ms", percentile(sorted, 0.50));
                stats.put("p99_ms", percentile(sorted, 0.99));
                stats.put("max_ms", sorted.length == 0 ? null : sorted[sorted.length - 1]);
                out.put(names[i], stats);
            }
            for (String kind : new String[] {"checkpoint", "serving_snapshot", "delta_snapshot"}) {
                List<Written> inRun = checkpoints.stream()
                        .filter(w -> w.startMs() >= from && w.kind().equals(kind)).toList();
                out.put(kind + "s_written_in_run", inRun.size());
                out.put(kind + "_write_ms_mean", inRun.stream().mapToLong(w -> w.endMs() - w.startMs()).average()
                        .orElse(Double.NaN));
            }
            out.put("predictor_load_ms_mean", loadMillis.stream().mapToLong(Long::longValue).average()
                    .orElse(Double.NaN));
            // The feed's time to make a version ready for every stream thread: for a delta, the predictor is ready
            // when it is applied (taking a predictor of it is a pointer read).
            for (String kind : new String[] {"delta", "full"}) {
                long flag = kind.equals("delta") ? 1 : 0;
                long[] ms = applied.stream().filter(a -> a[0] >= from && a[2] == flag).mapToLong(a -> a[1]).sorted()
                        .toArray();
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("count", ms.length);
                stats.put("p50_ms", percentile(ms, 0.50));
                stats.put("p99_ms", percentile(ms, 0.99));
                stats.put("max_ms", ms.length == 0 ? null : ms[ms.length - 1]);
                out.put(kind + "_apply", stats);
            }
            out.put("versions_skipped_in_run", skipped.stream().filter(ms -> ms >= from).count());
            out.put("batches_in_run", trained.stream().filter(x -> x.ms() >= from).count());
            long[] latency = requestLatency.stream().filter(l -> l[0] >= from && l[0] <= until)
                    .mapToLong(l -> l[1]).sorted().toArray();
            Map<String, Object> requests = new LinkedHashMap<>();
            requests.put("answered", latency.length);
            requests.put("p50_ms", percentile(latency, 0.50));
            requests.put("p99_ms", percentile(latency, 0.99));
            requests.put("max_ms", latency.length == 0 ? null : latency[latency.length - 1]);
            out.put("request_latency_during_run", requests);
            return out;
        }

        private static <T> T first(List<T> list, java.util.function.Predicate<T> p) {
            for (T t : list) {
                if (p.test(t)) {
                    return t;
                }
            }
            return null;
        }

        private static Event firstEvent(List<Event> events, long generation) {
            return first(events, e -> e.generation() >= generation);
        }

        private static Long percentile(long[] sorted, double q) {
            return sorted.length == 0 ? null
                    : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
        }
    }

    /** The learner's model, unchanged, noting when each batch was trained and each version written. */
    private static final class TimedModel implements TrainableModel {
        private final TrainableModel model;
        private final Timeline timeline;

        TimedModel(TrainableModel model, Timeline timeline) {
            this.model = model;
            this.timeline = timeline;
        }

        @Override
        public double train(Batch batch) {
            double loss = model.train(batch);
            timeline.trained(System.currentTimeMillis(), model.examplesTrained());
            return loss;
        }

        @Override
        public float[] predict(Batch batch) {
            return model.predict(batch);
        }

        @Override
        public String specHash() {
            return model.specHash();
        }

        @Override
        public Checkpointed checkpoint(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
                long streamTime) {
            long start = System.currentTimeMillis();
            Checkpointed c = model.checkpoint(nextOffsets, epoch, examplesTrained, streamTime);
            timeline.written(start, System.currentTimeMillis(), c.version(), nextOffsets, true);
            return c;
        }

        @Override
        public Checkpointed servingSnapshot(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
                long streamTime) {
            long start = System.currentTimeMillis();
            Checkpointed c = model.servingSnapshot(nextOffsets, epoch, examplesTrained, streamTime);
            timeline.written(start, System.currentTimeMillis(), c.version(), nextOffsets, false);
            return c;
        }

        @Override
        public Map<String, Long> restoredOffsets() {
            return model.restoredOffsets();
        }

        @Override
        public int restoredEpoch() {
            return model.restoredEpoch();
        }

        @Override
        public long examplesTrained() {
            return model.examplesTrained();
        }

        @Override
        public void close() {
            // the caller closes the wrapped model
        }
    }

    /**
     * The scorer's model feed, unchanged, noting when each version was accepted and each predictor taken (the feed's
     * own metrics note how long each version took to apply and which were skipped).
     */
    private static final class TimedFeed implements ModelFeed, AutoCloseable {
        private final CheckpointModelFeed feed;
        private final Timeline timeline;

        TimedFeed(CheckpointModelFeed feed, Timeline timeline) {
            this.feed = feed;
            this.timeline = timeline;
        }

        @Override
        public String latestVersion() {
            String v = feed.latestVersion();
            if (v != null) {
                timeline.accepted(v, System.currentTimeMillis());
            }
            return v;
        }

        @Override
        public boolean newPredictorIsInstant() {
            return feed.newPredictorIsInstant(); // the scorer takes predictors as it does from the feed itself
        }

        @Override
        public ClickPredictor newPredictor() {
            long start = System.currentTimeMillis();
            ClickPredictor p = feed.newPredictor();
            if (p != null) {
                long now = System.currentTimeMillis();
                timeline.loaded(p.modelVersion(), now, now - start);
            }
            return p;
        }

        @Override
        public void close() {
            feed.close();
        }
    }

    /** Reads the examples and scores topics, and polls the feed for newly accepted versions, on one thread. */
    private static final class Observers implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private volatile boolean stopping;

        Observers(Cluster cluster, Timeline timeline, TimedFeed feed) {
            Properties cp = cluster.kafka().properties();
            cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            consumer = new KafkaConsumer<>(cp, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            String examples = cluster.topics().examples.name();
            String scores = cluster.topics().scores.name();
            List<TopicPartition> partitions = List.of(new TopicPartition(examples, 0), new TopicPartition(scores, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var exampleValues = cluster.topics().examples.valueSerde().deserializer();
            var scoreValues = cluster.topics().scores.valueSerde().deserializer();
            thread = new Thread(() -> {
                while (!stopping) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                        long now = System.currentTimeMillis();
                        if (r.topic().equals(examples)) {
                            timeline.example(r.offset(), exampleValues.deserialize(examples, r.value()), now);
                        } else {
                            Score s = scoreValues.deserialize(scores, r.value());
                            timeline.answered(s.getModelVersion(), s.getAnsweredMs());
                            timeline.answerRead(s.getDisplayId(), now);
                        }
                    }
                    feed.latestVersion();
                }
                consumer.close();
            }, "bench-observers");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(10_000);
        }
    }
}
