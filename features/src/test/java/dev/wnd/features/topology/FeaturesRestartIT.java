package dev.wnd.features.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.reference.BatchReference;
import dev.wnd.features.reference.SyntheticStream;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import dev.wnd.schemas.topic.TopicPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The features application stopped and restarted halfway through a stream, on the embedded broker with
 * exactly-once: its Examples, read back read_committed, must be the batch reference's, every (display, ad) exactly
 * once with equal features, whether the restarted instance finds its local state or has to restore every store
 * from its changelog.
 *
 * <p>The first half of the events is produced and consumed, the application is closed, then the second half is
 * produced and a new instance (same application id) finishes the stream. Displays of the first half whose labels
 * come in the second half must survive the restart in the pending store, and the user and CTR state built before it
 * must be the state the second half's displays see. The same holds when the first instance is killed with SIGKILL
 * while it runs ({@link FeaturesInstance}, a JVM of its own).
 */
class FeaturesRestartIT {

    private static final String APPLICATION_ID = "features-restart-it";
    private static final long SPLIT_SEED = 42L;

    /** What the restarted instance finds on disk. */
    enum LocalState {
        /** The state directory as the stopped instance left it. */
        KEPT,
        /** No state directory: every store is restored from its changelog topic. */
        WIPED
    }

    @TempDir
    Path work;

    private final FeatureSpec spec = FeatureSpec.seed();
    private EmbeddedRuntime runtime;
    private AppTopics topics;

    @BeforeEach
    void startBroker() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")));
        topics = new AppTopics(new HttpSchemaRegistryClient(runtime.registryUrl()));
        // One partition per topic (the topology's requirement), declared by the system's topic plan (which also keeps
        // records forever: the stream's timestamps lie in 2016).
        List<String> used = Stream.of(topics.promotedContent, topics.documentsMeta, topics.documentsTopics,
                topics.documentsEntities, topics.documentsCategories, topics.pageViews, topics.displays,
                topics.labels, topics.examples, topics.deadLetters).map(Topic::name).toList();
        List<org.apache.kafka.clients.admin.NewTopic> declarations = TopicPlan.forApp(topics, 1).only(used).topics()
                .stream().map(t -> t.newTopic(java.util.Optional.of((short) 1))).toList();
        runtime.kafka().createTopics(declarations);
    }

    @AfterEach
    void stopBroker() {
        runtime.close();
    }

    @ParameterizedTest(name = "local state {0}")
    @EnumSource(LocalState.class)
    void shouldEmitEveryReferenceExampleExactlyOnceAcrossARestart(LocalState localState) throws Exception {
        Halves stream = Halves.of(spec);
        Path stateDir = work.resolve("state");

        // The dimension rows and the first half of the events, consumed by a first instance, which then stops.
        produce(stream.first());
        runUntilConsumed(stateDir);
        int beforeRestart = readExamples().size();
        if (localState == LocalState.WIPED) {
            deleteRecursively(stateDir);
        }

        // The second half, consumed by a new instance of the same application.
        produce(stream.second());
        runUntilConsumed(stateDir);
        List<Example> actual = readExamples();

        assertThat(stream.expected()).hasSizeGreaterThan(2_000);
        assertThat(beforeRestart).as("Examples emitted before the restart")
                .isPositive().isLessThan(stream.expected().size());
        assertEqualToReference(stream.expected(), actual);
    }

    /**
     * SIGKILL while the stream runs: the killed instance closes nothing, commits nothing more and leaves its state
     * directory dirty and, most likely, a transaction open. The next instance (same application id, same state
     * directory) must fence it, abort what it left open, rebuild its state from the changelogs and end with exactly
     * the reference's Examples, each once.
     */
    @Test
    void shouldEmitEveryReferenceExampleExactlyOnceAfterAnInstanceIsKilled() throws Exception {
        Halves stream = Halves.of(spec);
        Path stateDir = work.resolve("state");

        produce(stream.first());
        Path log = work.resolve("killed-instance.log");
        Process instance = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), FeaturesInstance.class.getName(),
                runtime.bootstrapServers(), runtime.registryUrl(), stateDir.toString(), APPLICATION_ID,
                Long.toString(SPLIT_SEED)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20)).until(() -> {
                assertThat(instance.isAlive()).as("the instance to be killed died by itself; its log: %s",
                        log).isTrue();
                return !readExamples().isEmpty();
            });
        } finally {
            instance.destroyForcibly(); // SIGKILL on Linux
            instance.waitFor();
        }
        int beforeKill = readExamples().size();

        produce(stream.second());
        runUntilConsumed(stateDir);
        List<Example> actual = readExamples();

        assertThat(beforeKill).as("Examples committed before the kill").isPositive()
                .isLessThan(stream.expected().size());
        assertEqualToReference(stream.expected(), actual);
    }

    /**
     * The synthetic stream (no cross-topic timestamp ties) cut in two halves of its events, the dimension rows in the
     * first, and the batch reference's Examples for the whole of it.
     */
    private record Halves(List<SpecificRecord> first, List<SpecificRecord> second, List<Example> expected) {

        static Halves of(FeatureSpec spec) {
            List<SpecificRecord> stream = SyntheticStream.withoutCrossTopicTies(
                    SyntheticStream.generate(3, SyntheticStream.Shape.small()));
            int firstEvent = firstEventIndex(stream);
            int cut = firstEvent + (stream.size() - firstEvent) / 2;
            return new Halves(stream.subList(0, cut), stream.subList(cut, stream.size()),
                    new BatchReference(spec, SPLIT_SEED).run(stream));
        }
    }

    /** Every reference Example once, with equal features; one partition, so also in the reference's order. */
    private void assertEqualToReference(List<Example> expected, List<Example> actual) {
        assertThat(new ExampleComparison(spec).differencesByKey(expected, actual))
                .as("Examples that are missing, duplicated or differ from the reference").isEmpty();
        // One partition: the Examples also come in the reference's order, the order of the labels.
        assertThat(actual).extracting(ExampleComparison::key)
                .containsExactlyElementsOf(expected.stream().map(ExampleComparison::key).toList());
    }

    /** Starts an instance on {@code stateDir}, waits until it has committed every input record, closes it. */
    private void runUntilConsumed(Path stateDir) {
        Properties props = FeaturesInstance.properties(APPLICATION_ID, runtime.bootstrapServers(),
                runtime.registryUrl(), stateDir);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        KafkaStreams streams = new KafkaStreams(
                FeaturesTopology.build(topics, new FeatureAssembler(spec), FeaturesTopology.Options.of(SPLIT_SEED)), props);
        streams.setUncaughtExceptionHandler(e -> {
            failure.set(e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            streams.start();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(failure.get()).as("stream thread failure").isNull();
                return consumedEveryInput();
            });
        } finally {
            // Leave the group at once: a member that just goes away holds its partitions until its session times
            // out (45 s), and the next instance would wait that long for them.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(60)));
        }
        assertThat(failure.get()).as("stream thread failure").isNull();
    }

    /** Whether the application's committed offsets are at the end of every event topic. */
    private boolean consumedEveryInput() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (String topic : List.of(topics.pageViews.name(), topics.displays.name(), topics.labels.name())) {
                latest.put(new TopicPartition(topic, 0), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata().get();
            for (TopicPartition tp : latest.keySet()) {
                OffsetAndMetadata c = committed.get(tp);
                if (c == null || c.offset() < ends.get(tp).offset()) {
                    return false;
                }
            }
            return true;
        }
    }

    private void produce(List<SpecificRecord> records) {
        InputRecord.produce(runtime.bootstrapServers(), topics, records);
    }

    /** Every Example committed to the examples topic, in offset order. */
    private List<Example> readExamples() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Topic<Long, Example> topic = topics.examples;
        try (KafkaConsumer<Long, Example> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic.name(), 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long end = consumer.endOffsets(partitions).get(partitions.get(0));
            List<Example> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(partitions.get(0)) < end) {
                assertThat(System.nanoTime()).as("reading the examples topic to its end").isLessThan(deadline);
                for (ConsumerRecord<Long, Example> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
            return out;
        }
    }

    private static int firstEventIndex(List<SpecificRecord> stream) {
        for (int i = 0; i < stream.size(); i++) {
            SpecificRecord r = stream.get(i);
            if (r instanceof PageView || r instanceof Display || r instanceof Label) {
                return i;
            }
        }
        return stream.size();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
