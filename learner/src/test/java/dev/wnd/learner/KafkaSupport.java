package dev.wnd.learner;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import dev.wnd.schemas.topic.TopicPlan;
import dev.wnd.schemas.topic.TopicReconciler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Topics, producing Examples and reading topics back, on the embedded broker. */
final class KafkaSupport {

    private KafkaSupport() {
    }

    /** The application's topics, with serdes over the embedded registry. */
    static AppTopics topics(EmbeddedRuntime runtime) {
        return new AppTopics(new HttpSchemaRegistryClient(runtime.registryUrl()));
    }

    /**
     * The examples topic with {@code examplePartitions} partitions, model versions and dead letters with one, as the
     * {@link TopicPlan} declares them (so with {@code retention.ms=-1}: the test examples' timestamps lie in 1970,
     * and time-based retention would delete them at the broker's first retention check, 30 s after its start).
     */
    static void createTopics(EmbeddedRuntime runtime, AppTopics topics, int examplePartitions) {
        TopicPlan one = TopicPlan.forApp(topics, 1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", runtime.bootstrapServers()))) {
            new TopicReconciler(admin, Optional.empty(), Duration.ofSeconds(60)).apply(List.of(
                    TopicPlan.forApp(topics, examplePartitions).find(topics.examples.name()).orElseThrow(),
                    one.find(topics.modelVersions.name()).orElseThrow(),
                    one.find(topics.deadLetters.name()).orElseThrow()));
        }
    }

    /** Where one produced example landed. */
    record Placed(Example example, int partition, long offset, long timestamp) {
    }

    /** Produces the examples in order, keyed by display id, with their timestamps as record timestamps. */
    static List<Placed> produce(EmbeddedRuntime runtime, AppTopics topics, List<Example> examples)
            throws InterruptedException, ExecutionException {
        return produce(runtime, topics, examples, examples.size(), 0);
    }

    /**
     * As {@link #produce(EmbeddedRuntime, AppTopics, List)}, {@code chunk} examples at a time with a pause of
     * {@code pauseMs} after each, as a live upstream would.
     */
    static List<Placed> produce(EmbeddedRuntime runtime, AppTopics topics, List<Example> examples, int chunk,
            long pauseMs) throws InterruptedException, ExecutionException {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight: the 4.4 broker can answer an idempotent producer's retry after a first send to a
        // topic it has just created with OUT_OF_ORDER_SEQUENCE until the batch expires (seen in CI: OnlineLearnerIT).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<Long, Example> producer = new KafkaProducer<>(p, topics.examples.keySerde().serializer(),
                topics.examples.valueSerde().serializer())) {
            for (int i = 0; i < examples.size(); i++) {
                Example e = examples.get(i);
                sent.add(producer.send(topics.examples.record(e.getDisplayId(), e, e.getTimestamp())));
                if ((i + 1) % chunk == 0 && pauseMs > 0) {
                    producer.flush();
                    Thread.sleep(pauseMs);
                }
            }
            producer.flush();
        }
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            RecordMetadata m = sent.get(i).get();
            placed.add(new Placed(examples.get(i), m.partition(), m.offset(), m.timestamp()));
        }
        return placed;
    }

    /** Every record of {@code topic} now, partition by partition in offset order. */
    static <K, V> List<ConsumerRecord<K, V>> readAll(String bootstrap, Topic<K, V> topic) {
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(consumerProps(bootstrap),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topic.name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<K, V>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            out.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return out;
        }
    }

    /** The end offset of every partition of {@code topic}, by "topic-partition" as checkpoints name them. */
    static Map<String, Long> endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            Map<String, Long> out = new TreeMap<>();
            consumer.endOffsets(partitions(consumer, topic)).forEach((tp, o) -> out.put(tp.topic() + "-"
                    + tp.partition(), o));
            return out;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            out.add(new TopicPartition(topic, info.partition()));
        }
        return out;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return c;
    }
}
