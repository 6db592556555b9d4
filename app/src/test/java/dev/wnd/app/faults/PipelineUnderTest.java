package dev.wnd.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.embedded.EmbeddedKafka;
import dev.wnd.embedded.EmbeddedSchemaRegistry;
import dev.wnd.features.reference.BatchReference;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.topology.ExampleComparison;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.ingest.replay.Channel;
import dev.wnd.ingest.replay.ReplayStream;
import dev.wnd.ingest.replay.StreamOptions;
import dev.wnd.ingest.replay.StreamRecord;
import dev.wnd.learner.DjlTrainableModel;
import dev.wnd.learner.LearnerConfig;
import dev.wnd.learner.OnlineLearner;
import dev.wnd.learner.OnlineMetrics;
import dev.wnd.model.ModelConfig;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The whole pipeline, each stage in a JVM of its own as deployed ({@code wnd ingest}, {@code features},
 * {@code learn}, {@code score} against one broker and registry), over a small generated data set, with what a fault
 * test needs: kill and restart a stage, stop and restart the broker on its directory and ports, and the end-state
 * checks every fault scenario promises:
 * <ul>
 *   <li>the Examples equal the batch reference's, each (display, ad) once;</li>
 *   <li>the learner's parameters are bit-identical to those of an uninterrupted run over the same Examples
 *       (deterministic mode, fixed seed, one libtorch thread);</li>
 *   <li>every score request sent was answered at least once.</li>
 * </ul>
 */
final class PipelineUnderTest implements AutoCloseable {

    /** The stages, as their commands name them. */
    enum Stage { INGEST, FEATURES, LEARNER, SCORER }

    static final int BATCH = 64;
    static final long MODEL_SEED = 7;
    static final List<Integer> HIDDEN = List.of(16, 16);
    private static final Duration CLIENT_WAIT = Duration.ofSeconds(30);

    private final Path work;
    private final Path data;
    private final FeatureSpec spec = FeatureSpec.standard();
    private final int kafkaPort;
    private final int registryPort;
    private final Map<Stage, WndProcess> running = new HashMap<>();
    private final Map<Stage, Integer> starts = new HashMap<>();
    private EmbeddedKafka kafka;
    private EmbeddedSchemaRegistry registry;

    /** Generates {@code displays} displays into {@code work/data} and starts the broker and registry. */
    PipelineUnderTest(Path work, long displays, long dataSeed) throws IOException {
        this.work = work;
        this.data = work.resolve("data");
        DataGenerator.generate(GeneratorConfig.defaults(displays, dataSeed), data);
        this.kafkaPort = freePort();
        this.registryPort = freePort();
        startCluster();
    }

    /** Starts (or restarts, on the same directory and ports) the broker and the registry. */
    void startCluster() {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(work.resolve("cluster"), kafkaPort, 0, 1));
        startRegistry();
    }

    /** Stops the broker and the registry; the stages stay up and must wait them out. */
    void stopCluster() {
        stopRegistry();
        kafka.close();
    }

    /** Starts (or restarts, on the same port) the registry; it keeps its schemas on the broker. */
    void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(kafka.connection(), registryPort, Optional.empty());
    }

    /** Stops the registry alone. */
    void stopRegistry() {
        registry.close();
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    String registryUrl() {
        return "http://127.0.0.1:" + registryPort;
    }

    Path modelDir() {
        return work.resolve("models");
    }

    /**
     * Starts every stage: the replay first, then, once it has committed the dimension rows, the others. A stage's
     * global stores follow their topics as rows arrive, so a feature stage running before the dimension rows are in
     * could compute the first displays without their documents' rows; a deployment loads the dimension files first
     * (docs/reliability.md).
     */
    void startAll() throws Exception {
        start(Stage.INGEST);
        awaitDimensionRows(Duration.ofMinutes(3));
        for (Stage s : List.of(Stage.FEATURES, Stage.LEARNER, Stage.SCORER)) {
            start(s);
        }
    }

    /** Waits until every dimension row of the data set is committed. */
    void awaitDimensionRows(Duration timeout) throws Exception {
        Map<Channel, Long> expected = new HashMap<>();
        try (ReplayStream stream = ReplayStream.open(data, StreamOptions.defaults())) {
            while (stream.hasNext()) {
                StreamRecord r = stream.next();
                if (DIMENSIONS.contains(r.channel())) {
                    expected.merge(r.channel(), 1L, Long::sum);
                }
            }
        }
        AppTopics t = topics();
        Map<Channel, String> topicOf = Map.of(Channel.PROMOTED_CONTENT, t.promotedContent.name(),
                Channel.DOCUMENTS_META, t.documentsMeta.name(), Channel.DOCUMENTS_TOPICS, t.documentsTopics.name(),
                Channel.DOCUMENTS_ENTITIES, t.documentsEntities.name(), Channel.DOCUMENTS_CATEGORIES,
                t.documentsCategories.name());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean all = true;
            for (Map.Entry<Channel, Long> e : expected.entrySet()) {
                all &= committedRecords(topicOf.get(e.getKey())) >= e.getValue();
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the dimension rows were not committed within " + timeout + "\n"
                        + running.get(Stage.INGEST).tail());
            }
            Thread.sleep(500);
        }
    }

    private static final Set<Channel> DIMENSIONS = EnumSet.of(Channel.PROMOTED_CONTENT, Channel.DOCUMENTS_META,
            Channel.DOCUMENTS_TOPICS, Channel.DOCUMENTS_ENTITIES, Channel.DOCUMENTS_CATEGORIES);

    /** Committed records of a topic (0 when it does not exist yet). */
    private long committedRecords(String topic) {
        try {
            return readAll(topic, new org.apache.kafka.common.serialization.ByteArrayDeserializer(), v -> v).size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Starts {@code stage} in a new JVM (it must not run). */
    WndProcess start(Stage stage) throws IOException {
        int n = starts.merge(stage, 1, Integer::sum);
        String name = stage.name().toLowerCase() + "-" + n;
        List<String> args = new ArrayList<>();
        switch (stage) {
            case INGEST -> args.addAll(List.of("ingest", "--data", data.toString(), "--max"));
            case FEATURES -> args.addAll(List.of("features", "--work-dir", work.resolve("features").toString()));
            case LEARNER -> args.addAll(List.of("learn", "--model-dir", modelDir().toString(), "--deterministic",
                    "--global-batch-size", String.valueOf(BATCH), "--deep-hidden-units", "16,16", "--seed",
                    String.valueOf(MODEL_SEED), "--checkpoint-every-examples", "640", "--serving-snapshot-every",
                    "PT2S"));
            case SCORER -> args.addAll(List.of("score", "--model-dir", modelDir().toString(), "--work-dir",
                    work.resolve("scorer").toString()));
            default -> throw new IllegalArgumentException(stage.toString());
        }
        args.addAll(List.of("--bootstrap", bootstrap(), "--registry", registryUrl()));
        WndProcess p = WndProcess.start(name, work, args.toArray(String[]::new));
        running.put(stage, p);
        return p;
    }

    /** SIGKILL, then a new JVM of the same stage. */
    void killAndRestart(Stage stage) throws Exception {
        WndProcess p = running.get(stage);
        if (p != null) {
            p.kill();
        }
        start(stage);
    }

    WndProcess process(Stage stage) {
        return running.get(stage);
    }

    /** How many JVMs of {@code stage} were started. */
    int starts(Stage stage) {
        return starts.getOrDefault(stage, 0);
    }

    /** The stages whose JVM ended on its own with a non-zero status, with their last lines. */
    List<String> deadStages() {
        List<String> dead = new ArrayList<>();
        for (Map.Entry<Stage, WndProcess> e : running.entrySet()) {
            WndProcess p = e.getValue();
            if (!p.isAlive() && p.exitValue() != 0) {
                dead.add(e.getKey() + " exited " + p.exitValue() + "\n" + p.tail());
            }
        }
        return dead;
    }

    private AppTopics topics() {
        return new AppTopics(new HttpSchemaRegistryClient(registryUrl()));
    }

    /** The reference's Examples over the replayed stream (the records the features see, in the replay's order). */
    List<Example> referenceExamples() throws IOException {
        Set<Channel> inputs = EnumSet.of(Channel.PROMOTED_CONTENT, Channel.DOCUMENTS_META, Channel.DOCUMENTS_TOPICS,
                Channel.DOCUMENTS_ENTITIES, Channel.DOCUMENTS_CATEGORIES, Channel.PAGE_VIEWS, Channel.DISPLAYS,
                Channel.LABELS);
        List<SpecificRecord> records = new ArrayList<>();
        try (ReplayStream stream = ReplayStream.open(data, StreamOptions.defaults())) {
            while (stream.hasNext()) {
                StreamRecord r = stream.next();
                if (inputs.contains(r.channel())) {
                    records.add((SpecificRecord) r.value());
                }
            }
        }
        return new BatchReference(spec, 0L).run(records);
    }

    /** The score requests the replay sends: their display ids. */
    Set<Long> requestedDisplays() throws IOException {
        Set<Long> ids = new HashSet<>();
        try (ReplayStream stream = ReplayStream.open(data, StreamOptions.defaults())) {
            while (stream.hasNext()) {
                StreamRecord r = stream.next();
                if (r.channel() == Channel.SCORE_REQUESTS) {
                    ids.add(((ScoreRequest) r.value()).getDisplayId());
                }
            }
        }
        return ids;
    }

    /** Every committed Example on the examples topic. */
    List<Example> examples() {
        AppTopics t = topics();
        return readAll(t.examples.name(), t.examples.valueSerde().deserializer(), r -> r);
    }

    /** The reasons of every committed dead letter. */
    List<String> deadLetterReasons() {
        AppTopics t = topics();
        return readAll(t.deadLetters.name(), t.deadLetters.valueSerde().deserializer(),
                letter -> letter.getStage() + " " + letter.getSource() + ": " + letter.getReason());
    }

    /** The display ids answered on the scores topic. */
    Set<Long> answeredDisplays() {
        AppTopics t = topics();
        return new HashSet<>(readAll(t.scores.name(), t.scores.valueSerde().deserializer(), Score::getDisplayId));
    }

    private <V, R> List<R> readAll(String topic, Deserializer<V> values, Function<V, R> map) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        List<R> out = new ArrayList<>();
        try (KafkaConsumer<byte[], V> consumer = new KafkaConsumer<>(p,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, CLIENT_WAIT).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, CLIENT_WAIT);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, CLIENT_WAIT) < end.get(tp))) {
                for (ConsumerRecord<byte[], V> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(map.apply(r.value()));
                }
            }
        }
        return out;
    }

    /**
     * Asserts that the committed Examples are the reference's, each (display, ad) once, feature by feature (see
     * {@link ExampleComparison}).
     */
    void assertExamplesEqualTheReferenceEachOnce(List<Example> expected, List<Example> actual) {
        assertThat(new ExampleComparison(spec).differencesByKey(expected, actual))
                .as("Examples that are missing, duplicated or differ from the reference").isEmpty();
    }

    /** How many TRAIN Examples there are. */
    static long trainCount(List<Example> examples) {
        return examples.stream().filter(e -> e.getSplit() == Split.TRAIN).count();
    }

    /**
     * Learns the rest of the examples topic into {@code modelDir} in this JVM, in the stage's deterministic mode and
     * model, to the drained end (the last partial batch trained), and returns the examples it has trained in all.
     */
    long learnToTheEnd(Path modelDir) {
        ModelConfig model = ModelConfig.defaults().toBuilder().deepHiddenUnits(HIDDEN).seed(MODEL_SEED).build();
        LearnerConfig config = new LearnerConfig(KafkaConnection.plaintext(bootstrap()), BATCH, Duration.ofSeconds(1),
                640, Duration.ZERO, true, "wnd", null);
        try (DjlTrainableModel m = DjlTrainableModel.open(spec, model, modelDir, 3);
                OnlineLearner learner = new OnlineLearner(config, topics(), m, new OnlineMetrics(1_000))) {
            return learner.run(() -> true).examplesTrained();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (WndProcess p : running.values()) {
            p.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
