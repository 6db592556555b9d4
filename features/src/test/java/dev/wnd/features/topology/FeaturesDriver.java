package dev.wnd.features.topology;

import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.features.streams.StreamsSettings;
import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.state.CtrBroadcast;
import dev.wnd.features.state.StateSerdes;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.RegistryConnection;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The features topology in a {@link TopologyTestDriver} (one partition per topic), fed input records by type with
 * their Kafka timestamps as {@link InputRecord} routes them.
 */
final class FeaturesDriver implements AutoCloseable {

    static final long BASE = InputRecord.BASE;
    static final long SPLIT_SEED = 42L;

    final FeatureSpec spec;
    final AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());
    private final TopologyTestDriver driver;
    private final TestOutputTopic<Long, Example> examples;
    private final StatePartitioning partitioning;

    FeaturesDriver(FeatureSpec spec, Path stateDir) {
        this(spec, stateDir, StatePartitioning.single());
    }

    /**
     * The driver's one task is partition 0 of {@code partitioning}; with several partitions the test plays the other
     * tasks by piping their {@link CtrBroadcast}s ({@link #pipeBroadcast}), and the task's own broadcasts come back to
     * it through the driver as through the broker.
     */
    FeaturesDriver(FeatureSpec spec, Path stateDir, StatePartitioning partitioning) {
        this.spec = spec;
        this.partitioning = partitioning;
        Properties props = new StreamsSettings("features-test", KafkaConnection.plaintext("unused:9092"),
                RegistryConnection.plain("http://unused"), stateDir, "test",
                false, 100).toProperties(topics);
        // The driver pipes one record at a time: never wait for the other inputs to have data.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        driver = new TopologyTestDriver(FeaturesTopology.build(topics, new FeatureAssembler(spec),
                FeaturesTopology.Options.of(SPLIT_SEED).withPartitioning(partitioning)), props);
        examples = driver.createOutputTopic(topics.examples.name(), topics.examples.keySerde().deserializer(),
                topics.examples.valueSerde().deserializer());
    }

    /** Pipes one input record to its topic with its Kafka timestamp (see {@link InputRecord}). */
    void pipe(SpecificRecord record) {
        pipe(InputRecord.of(topics, record));
    }

    private <K, V> void pipe(InputRecord<K, V> in) {
        input(in.topic()).pipeInput(in.key(), in.value(), in.timestamp());
    }

    void pipeAll(List<? extends SpecificRecord> records) {
        records.forEach(this::pipe);
    }

    /** Pipes another task's CTR broadcast into this task's partition of the updates topic. */
    void pipeBroadcast(CtrBroadcast broadcast) {
        driver.createInputTopic(partitioning.updatesTopic(), Serdes.Integer().serializer(),
                StateSerdes.ctrBroadcast().serializer()).pipeInput(broadcast.source(), broadcast,
                        Math.max(0, broadcast.watermark()));
    }

    /** Pipes raw bytes into this task's partition of the updates topic, as a broken producer might. */
    void pipeUpdateBytes(byte[] value) {
        driver.createInputTopic(partitioning.updatesTopic(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer()).pipeInput(new byte[] {0, 0, 0, 1}, value, BASE);
    }

    /** The CTR broadcasts this task sent since the last call. */
    List<CtrBroadcast> broadcasts() {
        return driver.createOutputTopic(partitioning.updatesTopic(), Serdes.Integer().deserializer(),
                StateSerdes.ctrBroadcast().deserializer()).readValuesToList();
    }

    /** Moves the driver's wall clock on, running the wall-clock punctuations due. */
    void advanceWallClock(java.time.Duration by) {
        driver.advanceWallClockTime(by);
    }

    /** The Examples emitted since the last call. */
    List<Example> examples() {
        return examples.readValuesToList();
    }

    /** A store of the topology, global or of the task. */
    <K, V> KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    TestOutputTopic<String, DeadLetter> deadLetters() {
        return driver.createOutputTopic(topics.deadLetters.name(), topics.deadLetters.keySerde().deserializer(),
                topics.deadLetters.valueSerde().deserializer());
    }

    private <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    @Override
    public void close() {
        driver.close();
    }
}
