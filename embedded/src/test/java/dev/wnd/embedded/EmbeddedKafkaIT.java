package dev.wnd.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @TempDir
    static Path sharedDir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(sharedDir, 0, 0, 3));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldListenOnLoopbackOnly() {
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void shouldProduceAndConsumeRecord() throws Exception {
        String topic = "round-trip";
        kafka.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));

        produce(kafka.bootstrapServers(), topic, "k1", "hello");

        assertThat(consumeAll(kafka.bootstrapServers(), topic, 1))
                .extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k1", "hello"));
    }

    @Test
    void shouldIgnoreTopicsThatAlreadyExist() throws Exception {
        kafka.createTopics(List.of(new NewTopic("twice", 2, (short) 1)));

        assertThatCode(() -> kafka.createTopics(List.of(new NewTopic("twice", 2, (short) 1),
                new NewTopic("once", 1, (short) 1)))).doesNotThrowAnyException();

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("twice", "once");
        }
    }

    @Test
    void shouldAutoCreateTopicsWithDefaultPartitions() throws Exception {
        produce(kafka.bootstrapServers(), "auto-created", "k", "v");

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var description = admin.describeTopics(Set.of("auto-created")).allTopicNames().get(10, TimeUnit.SECONDS);
            assertThat(description.get("auto-created").partitions()).hasSize(3);
        }
    }

    @Test
    void shouldKeepRecordsAndNotReformatAfterRestartOnSameDir(@TempDir Path dir) throws Exception {
        Path meta = dir.resolve(EmbeddedKafka.LOG_DIR_NAME).resolve("meta.properties");
        String clusterId;
        FileTime formattedAt;
        try (EmbeddedKafka first = EmbeddedKafka.start(new EmbeddedKafka.Config(dir))) {
            first.createTopics(List.of(new NewTopic("durable", 1, (short) 1)));
            produce(first.bootstrapServers(), "durable", "key", "survives restarts");
            clusterId = clusterId(first.bootstrapServers());
            formattedAt = Files.getLastModifiedTime(meta);
        }
        String metaBefore = Files.readString(meta);

        try (EmbeddedKafka second = EmbeddedKafka.start(new EmbeddedKafka.Config(dir))) {
            assertThat(clusterId(second.bootstrapServers())).isEqualTo(clusterId);
            assertThat(Files.readString(meta)).isEqualTo(metaBefore);
            assertThat(Files.getLastModifiedTime(meta)).isEqualTo(formattedAt);
            assertThat(consumeAll(second.bootstrapServers(), "durable", 1))
                    .extracting(ConsumerRecord::value).containsExactly("survives restarts");
        }
    }

    @Test
    void shouldBeClosableTwice(@TempDir Path dir) {
        EmbeddedKafka k = EmbeddedKafka.start(new EmbeddedKafka.Config(dir));
        k.close();
        assertThatCode(k::close).doesNotThrowAnyException();
    }

    private static String clusterId(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        }
    }

    static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    static List<ConsumerRecord<String, String>> consumeAll(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }
}
