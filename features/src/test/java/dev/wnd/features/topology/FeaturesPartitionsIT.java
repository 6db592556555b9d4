package dev.wnd.features.topology;

import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.features.streams.ConsumedRecordsPurger;
import dev.wnd.features.streams.InputPartitions;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The features application scaled out: event topics of three partitions (keyed by uuid, as the replay writes
 * them), two stream threads, exactly-once, on the embedded broker. Each task sees a third of the users but must
 * count every label in its CTRs, so its Examples must still be the batch reference's, every (display, ad) exactly
 * once with equal features.
 */
class FeaturesPartitionsIT {

    private static final String APPLICATION_ID = "features-partitions-it";
    private static final long SPLIT_SEED = 42L;
    private static final int PARTITIONS = 3;

    @TempDir
    Path work;

    private final FeatureSpec spec = FeatureSpec.seed();
    private EmbeddedRuntime runtime;
    private AppTopics topics;

    @BeforeEach
    void startBroker() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")));
        topics = new AppTopics(new HttpSchemaRegistryClient(runtime.registryUrl()));
        List<String> used = Stream.of(topics.promotedContent, topics.documentsMeta, topics.documentsTopics,
                topics.documentsEntities, topics.documentsCategories, topics.pageViews, topics.displays,
                topics.labels, topics.examples, topics.deadLetters).map(Topic::name).toList();
        runtime.kafka().createTopics(TopicPlan.forApp(topics, PARTITIONS).only(used).topics().stream()
                .map(t -> t.newTopic(java.util.Optional.of((short) 1))).toList());
    }

    @AfterEach
    void stopBroker() {
        runtime.close();
    }

    @Test
    void shouldEmitEveryReferenceExampleExactlyOnceWhenTheEventsHaveSeveralPartitions() throws Exception {
        List<SpecificRecord> stream = stream();
        List<Example> expected = new BatchReference(spec, SPLIT_SEED).run(stream);
        produce(stream);
        assertThat(usersPerPartition()).as("every partition has users of its own").hasSize(PARTITIONS);

        List<Example> actual = new ArrayList<>();
        try (KafkaConsumer<Long, Example> examples = examplesConsumer()) {
            run(work.resolve("state"), examples, actual, expected.size());
        }

        assertThat(expected).hasSizeGreaterThan(2_000);
        assertThat(new ExampleComparison(spec).differencesByKey(expected, actual))
                .as("Examples that are missing, duplicated or differ from the reference").isEmpty();
        assertConsumedUpdatesCanBePurged();
    }

    /** What the tasks consumed of their CTR updates topic is deleted, up to their committed offsets. */
    private void assertConsumedUpdatesCanBePurged() throws Exception {
        String updates = StatePartitioning.updatesTopicOf(APPLICATION_ID);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        Map<TopicPartition, Long> purged;
        try (ConsumedRecordsPurger purger = ConsumedRecordsPurger.of(Admin.create(p), APPLICATION_ID, updates)) {
            purged = purger.purgeOnce();
        }
        assertThat(purged).as("partitions purged").hasSize(PARTITIONS).allSatisfy((tp, offset) ->
                assertThat(offset).isPositive());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            assertThat(consumer.beginningOffsets(purged.keySet())).as("the first offset left in each partition")
                    .isEqualTo(purged);
        }
    }

    /**
     * Closed halfway, while every task holds events and updates, and restarted with no local state: each task's
     * held events, watermarks and CTR counts come back from the changelogs, and no update is lost or counted twice.
     */
    @Test
    void shouldEmitEveryReferenceExampleExactlyOnceAcrossARestartFromTheChangelogs() throws Exception {
        List<SpecificRecord> stream = stream();
        List<Example> expected = new BatchReference(spec, SPLIT_SEED).run(stream);
        int cut = cut(stream);
        produce(stream.subList(0, cut));

        List<Example> actual = new ArrayList<>();
        try (KafkaConsumer<Long, Example> examples = examplesConsumer()) {
            run(work.resolve("first"), examples, actual, 1);
            int beforeRestart = actual.size();
            produce(stream.subList(cut, stream.size()));
            run(work.resolve("second"), examples, actual, expected.size());
            assertThat(beforeRestart).as("Examples before the restart").isPositive().isLessThan(expected.size());
        }

        assertThat(new ExampleComparison(spec).differencesByKey(expected, actual))
                .as("Examples that are missing, duplicated or differ from the reference").isEmpty();
    }

    /**
     * SIGKILL mid-stream (an instance in a JVM of its own): no close, no commit, a transaction left open, held events
     * and updates in flight between the tasks. The next instance must fence it, abort what it left, restore its state
     * and end with exactly the reference's Examples, each once.
     */
    @Test
    void shouldEmitEveryReferenceExampleExactlyOnceAfterAnInstanceIsKilled() throws Exception {
        List<SpecificRecord> stream = stream();
        List<Example> expected = new BatchReference(spec, SPLIT_SEED).run(stream);
        int cut = cut(stream);
        produce(stream.subList(0, cut));
        Path stateDir = work.resolve("state");
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            InputPartitions.prepare(a, topics, APPLICATION_ID);
        }

        List<Example> actual = new ArrayList<>();
        try (KafkaConsumer<Long, Example> examples = examplesConsumer()) {
            Path log = work.resolve("killed-instance.log");
            Process instance = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), FeaturesInstance.class.getName(),
                    runtime.bootstrapServers(), runtime.registryUrl(), stateDir.toString(), APPLICATION_ID,
                    Long.toString(SPLIT_SEED), Integer.toString(PARTITIONS)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    assertThat(instance.isAlive()).as("the instance to be killed died by itself; its log: %s", log)
                            .isTrue();
                    examples.poll(Duration.ofMillis(100)).forEach(r -> actual.add(r.value()));
                    return !actual.isEmpty();
                });
            } finally {
                instance.destroyForcibly(); // SIGKILL on Linux
                instance.waitFor();
            }
            produce(stream.subList(cut, stream.size()));
            run(stateDir, examples, actual, expected.size());
        }

        assertThat(new ExampleComparison(spec).differencesByKey(expected, actual))
                .as("Examples that are missing, duplicated or differ from the reference").isEmpty();
    }

    /** Where the events of {@code stream} are cut in two halves, the dimension rows in the first. */
    private static int cut(List<SpecificRecord> stream) {
        int firstEvent = 0;
        while (!(stream.get(firstEvent) instanceof PageView || stream.get(firstEvent) instanceof Display
                || stream.get(firstEvent) instanceof Label)) {
            firstEvent++;
        }
        return firstEvent + (stream.size() - firstEvent) / 2;
    }

    private static List<SpecificRecord> stream() {
        return SyntheticStream.withoutCrossTopicTies(SyntheticStream.generate(5, SyntheticStream.Shape.small()));
    }

    /**
     * Runs an instance on {@code stateDir} (two stream threads) until {@code actual} holds {@code until} Examples, then
     * a few seconds more (a duplicate would come within a commit or two), then closes it.
     */
    private void run(Path stateDir, KafkaConsumer<Long, Example> examples, List<Example> actual, int until)
            throws Exception {
        StatePartitioning partitioning;
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            partitioning = InputPartitions.prepare(a, topics, APPLICATION_ID);
        }
        assertThat(partitioning.partitions()).isEqualTo(PARTITIONS);
        Properties props = FeaturesInstance.properties(APPLICATION_ID, runtime.bootstrapServers(),
                runtime.registryUrl(), stateDir);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (KafkaStreams streams = new KafkaStreams(FeaturesTopology.build(topics, new FeatureAssembler(spec),
                FeaturesTopology.Options.of(SPLIT_SEED).withPartitioning(partitioning)), props)) {
            streams.setUncaughtExceptionHandler(e -> {
                failure.set(e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100)).until(() -> {
                assertThat(failure.get()).as("stream thread failure").isNull();
                for (ConsumerRecord<Long, Example> r : examples.poll(Duration.ofMillis(200))) {
                    actual.add(r.value());
                }
                return actual.size() >= until;
            });
            long quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < quietUntil) {
                examples.poll(Duration.ofMillis(200)).forEach(r -> actual.add(r.value()));
            }
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(60)));
        }
        assertThat(failure.get()).as("stream thread failure").isNull();
    }

    /** The partitions the stream's users landed on (the default partitioner on the uuid key). */
    private Set<Integer> usersPerPartition() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        Set<Integer> used = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.displays.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            ends.forEach((tp, end) -> {
                if (end > 0) {
                    used.add(tp.partition());
                }
            });
        }
        return used;
    }

    private KafkaConsumer<Long, Example> examplesConsumer() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Topic<Long, Example> topic = topics.examples;
        KafkaConsumer<Long, Example> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic.name())) {
            partitions.add(new TopicPartition(p.topic(), p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private void produce(List<SpecificRecord> records) {
        InputRecord.produce(runtime.bootstrapServers(), topics, records);
    }
}
