package dev.wnd.app;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.WideDeepTrainer;
import dev.wnd.model.checkpoint.CheckpointInfo;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.scorer.ScorerMetrics;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.scorer.CheckpointModelFeed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer as {@code wnd score} runs it (the real {@link dev.wnd.scorer.ScorerTopology}, live settings, a
 * {@link CheckpointModelFeed} following the model-versions topic) on the embedded broker and registry, under a
 * steady stream of Avro and JSON requests, while a new checkpoint is written and announced in the middle.
 *
 * <p>What {@code ScorerTopologyTest} already proves with a fake model feed (ranking, the JSON face, a swap between
 * two piped requests, a failed load) is not repeated; this test adds what needs the real pieces: announcements
 * read from Kafka, checkpoints verified and loaded from disk, a refused announcement, dead letters produced to
 * the broker, and no answer lost or duplicated while all of that happens under load.
 */
class ScorerModelSwapIT {

    /** Requests per second, both faces together. */
    private static final int RATE = 40;

    @TempDir
    Path work;

    private final ObjectMapper json = new ObjectMapper();
    private final FeatureSpec spec = FeatureSpec.standard();

    @Test
    void shouldAnswerEveryRequestAcrossAModelSwap() throws Exception {
        Path models = work.resolve("models");
        ModelConfig config = ModelConfig.defaults().toBuilder().deepHiddenUnits(List.of(16, 16)).seed(5).build();
        try (Cluster cluster = Cluster.open(Workspace.embedded(work), true);
                WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            cluster.ensureTopics();
            CheckpointStore store = new CheckpointStore(models, 5);
            String v1 = store.save(trainer, Map.of(), null).version();

            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, models, cluster.topics(),
                    cluster.kafka());
                    Answers answers = new Answers(cluster);
                    Load load = new Load(cluster)) {
                KafkaStreams scorer = Stages.startScorer(cluster, cluster.stateDir(), feed, true, ScorerMetrics.NONE).streams();
                try {
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> scorer.state() == KafkaStreams.State.RUNNING);
                    load.start();

                    // Steady answers from the checkpoint found at start, on both faces.
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        assertThat(answers.avro()).filteredOn(a -> a.version.equals(v1)).hasSizeGreaterThan(20);
                        assertThat(answers.json()).filteredOn(a -> a.version.equals(v1)).hasSizeGreaterThan(20);
                    });

                    // A new checkpoint is written while requests keep coming.
                    trainer.trainBatch(oneBatch());
                    CheckpointInfo second = store.save(trainer, Map.of("examples-0", 8L), null);
                    String v2 = second.version();

                    // Announced first with another feature spec's hash: refused, the current model keeps serving.
                    // It points at the valid new checkpoint, so accepting it would show as v2 in the answers.
                    announce(cluster, second, "0123456789abcdef");
                    // Undecodable requests on both faces: dead-lettered, answering goes on.
                    load.sendUndecodable();
                    int before = answers.count();
                    await().atMost(Duration.ofSeconds(60)).until(() -> answers.count() > before + 2 * RATE);
                    assertThat(answers.all()).extracting(a -> a.version).containsOnly(v1);

                    // Announced with the right hash: every answer from some point on carries it.
                    announce(cluster, second, spec.hash());
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        assertThat(answers.avro()).filteredOn(a -> a.version.equals(v2)).hasSizeGreaterThan(20);
                        assertThat(answers.json()).filteredOn(a -> a.version.equals(v2)).hasSizeGreaterThan(20);
                    });
                    load.stop();

                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        assertThat(answers.avro()).hasSizeGreaterThanOrEqualTo(load.avroSent().size());
                        assertThat(answers.json()).hasSizeGreaterThanOrEqualTo(load.jsonSent().size());
                        assertThat(answers.deadLetters()).hasSize(2);
                    });
                    Thread.sleep(1_000); // room for a late duplicate to show up

                    assertExactlyOneAnswerEach(answers.avro(), load.avroSent());
                    assertExactlyOneAnswerEach(answers.json(), load.jsonSent());
                    assertSwappedOnce(answers.avro(), load.avroSent(), v1, v2);
                    assertSwappedOnce(answers.json(), load.jsonSent(), v1, v2);
                    assertThat(answers.deadLetters()).satisfiesExactlyInAnyOrder(
                            d -> {
                                assertThat(d.getSource()).isEqualTo(cluster.topics().scoreRequests.name());
                                assertThat(d.getStage()).isEqualTo("scorer");
                                assertThat(d.getReason()).contains("cannot deserialize");
                            },
                            d -> {
                                assertThat(d.getSource()).isEqualTo(cluster.topics().scoreRequestsJson.name());
                                assertThat(d.getStage()).isEqualTo("scorer");
                                assertThat(d.getReason()).contains("not JSON");
                            });
                    // Requests sent after the undecodable ones were answered too (all were), so the topology went on.
                    assertThat(load.sentAfterUndecodable()).isGreaterThan(RATE);
                } finally {
                    scorer.close(Duration.ofSeconds(30));
                }
            }
        }
    }

    private static void assertExactlyOneAnswerEach(List<Answer> answers, List<Long> sent) {
        List<Long> answered = answers.stream().map(a -> a.displayId).sorted().toList();
        assertThat(answered).as("one answer per request, none lost, none duplicated").isEqualTo(sent);
    }

    /** In the order the requests were sent: the old version, then from one request on only the new one. */
    private static void assertSwappedOnce(List<Answer> answers, List<Long> sent, String v1, String v2) {
        Map<Long, String> byDisplay = new LinkedHashMap<>();
        answers.forEach(a -> byDisplay.put(a.displayId, a.version));
        List<String> versions = sent.stream().map(byDisplay::get).toList();
        int firstNew = versions.indexOf(v2);
        assertThat(firstNew).isPositive();
        assertThat(versions.subList(0, firstNew)).containsOnly(v1);
        assertThat(versions.subList(firstNew, versions.size())).containsOnly(v2);
    }

    private void announce(Cluster cluster, CheckpointInfo checkpoint, String specHash) {
        ModelVersion announcement = ModelVersion.newBuilder()
                .setVersion(checkpoint.version())
                .setPath(checkpoint.directory().toString())
                .setSpecHash(specHash)
                .setExamplesTrained(checkpoint.manifest().examplesTrained())
                .setStreamTime(0L)
                .setCreatedMs(System.currentTimeMillis())
                .build();
        try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(producerProps(cluster),
                cluster.topics().modelVersions.keySerde().serializer(),
                cluster.topics().modelVersions.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(cluster.topics().modelVersions.name(), "wnd", announcement));
        }
    }

    /** Eight rows with empty categorical slots and zero numerics, half clicked: enough to move the parameters. */
    private Batch oneBatch() {
        int rows = 8;
        int[] cat = new int[rows * spec.categoricalSlots()];
        Arrays.fill(cat, -1);
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i += 2) {
            labels[i] = 1f;
        }
        return new Batch(rows, cat, new float[rows * spec.numericCount()], labels);
    }

    private static Properties producerProps(Cluster cluster) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return p;
    }

    /** One answer as the test saw it. */
    private record Answer(long displayId, String version) {
    }

    /** Sends requests at {@link #RATE}, alternating the Avro and the JSON face, display ids 1, 2, 3, ... */
    private static final class Load implements AutoCloseable {
        private final Cluster cluster;
        private final KafkaProducer<String, ScoreRequest> avro;
        private final KafkaProducer<String, String> text;
        private final KafkaProducer<String, byte[]> bytes;
        private final List<Long> avroSent = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> jsonSent = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread = new Thread(this::run, "swap-it-load");
        private volatile boolean stopping;
        private volatile long undecodableAt = Long.MAX_VALUE;

        Load(Cluster cluster) {
            this.cluster = cluster;
            Properties p = producerProps(cluster);
            avro = new KafkaProducer<>(p, cluster.topics().scoreRequests.keySerde().serializer(),
                    cluster.topics().scoreRequests.valueSerde().serializer());
            text = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
            bytes = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }

        void start() {
            thread.start();
        }

        private void run() {
            long start = System.nanoTime();
            for (long display = 1; !stopping; display++) {
                LockSupport.parkNanos(start + display * 1_000_000_000L / RATE - System.nanoTime());
                String uuid = "u" + (display % 17);
                long timestamp = 1_000L + display;
                List<Long> ads = List.of(100L + display % 5, 200L + display % 7, 300L);
                if (display % 2 == 0) {
                    avro.send(cluster.topics().scoreRequests.record(uuid, new ScoreRequest(display, uuid,
                            900L + display % 3, timestamp, 1, "US>CA>807", ads),
                            EventTime.EPOCH_BASE_MS + timestamp));
                    avroSent.add(display);
                } else {
                    String request = String.format("{\"display_id\": %d, \"uuid\": \"%s\", \"document_id\": %d, "
                            + "\"timestamp\": %d, \"platform\": \"2\", \"geo_location\": \"SG>00\", "
                            + "\"ad_ids\": [%d, %d, %d]}", display, uuid, 900L + display % 3, timestamp,
                            ads.get(0), ads.get(1), ads.get(2));
                    text.send(new ProducerRecord<>(cluster.topics().scoreRequestsJson.name(), uuid, request));
                    jsonSent.add(display);
                }
            }
            avro.flush();
            text.flush();
        }

        void sendUndecodable() {
            bytes.send(new ProducerRecord<>(cluster.topics().scoreRequests.name(), "u1", new byte[] {0, 0, 0}));
            bytes.send(new ProducerRecord<>(cluster.topics().scoreRequestsJson.name(), "u1",
                    "{\"display_id\": 7, \"ad_ids\": [".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            bytes.flush();
            undecodableAt = avroSent.size() + jsonSent.size();
        }

        long sentAfterUndecodable() {
            return avroSent.size() + jsonSent.size() - undecodableAt;
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.join(10_000);
        }

        List<Long> avroSent() {
            synchronized (avroSent) {
                return List.copyOf(avroSent);
            }
        }

        List<Long> jsonSent() {
            synchronized (jsonSent) {
                return List.copyOf(jsonSent);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            avro.close();
            text.close();
            bytes.close();
        }
    }

    /** Reads the scores, scores.json and dead-letters topics from their start on a background thread. */
    private final class Answers implements AutoCloseable {
        private final List<Answer> avro = Collections.synchronizedList(new ArrayList<>());
        private final List<Answer> json = Collections.synchronizedList(new ArrayList<>());
        private final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread = new Thread(this::run, "swap-it-answers");
        private final Cluster cluster;
        private volatile boolean stopping;

        Answers(Cluster cluster) {
            this.cluster = cluster;
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
            consumer = new KafkaConsumer<>(p, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            List<TopicPartition> partitions = List.of(
                    new TopicPartition(cluster.topics().scores.name(), 0),
                    new TopicPartition(cluster.topics().scoresJson.name(), 0),
                    new TopicPartition(cluster.topics().deadLetters.name(), 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            thread.start();
        }

        private void run() {
            Deserializer<Score> scores = cluster.topics().scores.valueSerde().deserializer();
            Deserializer<DeadLetter> letters = cluster.topics().deadLetters.valueSerde().deserializer();
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(cluster.topics().scores.name())) {
                        Score s = scores.deserialize(r.topic(), r.value());
                        avro.add(new Answer(s.getDisplayId(), s.getModelVersion()));
                    } else if (r.topic().equals(cluster.topics().scoresJson.name())) {
                        json.add(parse(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)));
                    } else {
                        deadLetters.add(letters.deserialize(r.topic(), r.value()));
                    }
                }
            }
            consumer.close();
        }

        private Answer parse(String text) {
            try {
                JsonNode node = ScorerModelSwapIT.this.json.readTree(text);
                return new Answer(node.get("display_id").asLong(), node.get("model_version").asText());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the scorer wrote invalid JSON: " + text, e);
            }
        }

        List<Answer> avro() {
            synchronized (avro) {
                return List.copyOf(avro);
            }
        }

        List<Answer> json() {
            synchronized (json) {
                return List.copyOf(json);
            }
        }

        List<Answer> all() {
            List<Answer> all = new ArrayList<>(avro());
            all.addAll(json());
            return all;
        }

        int count() {
            return avro.size() + json.size();
        }

        List<DeadLetter> deadLetters() {
            synchronized (deadLetters) {
                return List.copyOf(deadLetters);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(10_000);
        }
    }
}
