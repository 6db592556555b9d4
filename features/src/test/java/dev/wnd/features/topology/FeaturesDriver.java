package dev.wnd.features.topology;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.spec.FeatureSpec;
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

    FeaturesDriver(FeatureSpec spec, Path stateDir) {
        this.spec = spec;
        Properties props = new StreamsSettings("features-test", KafkaConnection.plaintext("unused:9092"),
                RegistryConnection.plain("http://unused"), stateDir, "test",
                false, 100).toProperties(topics);
        // The driver pipes one record at a time: never wait for the other inputs to have data.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        driver = new TopologyTestDriver(FeaturesTopology.build(topics, new FeatureAssembler(spec), SPLIT_SEED), props);
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
