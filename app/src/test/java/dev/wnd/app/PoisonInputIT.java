package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wnd.features.spec.EventTime;
import dev.wnd.model.ClickPredictor;
import dev.wnd.scorer.ScorerMetrics;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.serde.AvroSerde;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import dev.wnd.scorer.JsonContract;
import dev.wnd.scorer.ModelFeed;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer and the features stage as the app starts them ({@link Stages}, live scorer settings, exactly-once
 * features) on the embedded broker and registry, fed poison between good records: every poison lands on the
 * dead-letter topic with a reason, both stages stay RUNNING, and every good record behind a poison is answered
 * (requests) or becomes Examples (displays).
 *
 * <p>In package {@code dev.wnd.app}, not {@code dev.wnd.app.faults}: it starts the stages through the
 * package-private {@link Stages} and {@link Cluster}, exactly as {@code wnd score} and {@code wnd features} do.
 */
class PoisonInputIT {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    /** The largest array Java allows, and what Avro's default collection limit lets through. */
    private static final long HUGE = Integer.MAX_VALUE - 8L;
    private static final List<Long> ADS = List.of(11L, 12L, 13L);

    @TempDir
    Path work;

    /** A poison record, the stages that must dead-letter it, and how their dead letters must read. */
    private record Poison(String name, String source, List<String> stages, String reason1, String reason2) {
        /** A poison only the scorer reads. */
        Poison(String name, String source, String reason1, String reason2) {
            this(name, source, List.of("scorer"), reason1, reason2);
        }
    }

    /** No model yet: the scorer answers with the uniform prior. */
    private static final ModelFeed NO_MODEL = new ModelFeed() {
        @Override
        public String latestVersion() {
            return null;
        }

        @Override
        public ClickPredictor newPredictor() {
            return null;
        }
    };

    @Test
    void shouldDeadLetterEveryPoisonWithAReasonAndKeepAnsweringAndBuildingExamples() throws Exception {
        try (Cluster cluster = Cluster.open(Workspace.embedded(work.resolve("cluster")), true)) {
            cluster.ensureTopics();
            AppTopics topics = cluster.topics();
            try (Admin admin = cluster.admin()) {
                // The broker must accept the 10 MB request, or the poison would never reach the scorer.
                setMaxMessageBytes(admin, topics.scoreRequestsJson.name(), 12 << 20);
                // An operator's small limit on the answers topic: an answer of 200 ads (~8 kB, inside the contract)
                // is refused by the broker, and the production exception handler must dead-letter it.
                setMaxMessageBytes(admin, topics.scoresJson.name(), 4096);
            }
            KafkaStreams scorer = Stages.startScorer(cluster, cluster.stateDir(), NO_MODEL, true, ScorerMetrics.NONE).streams();
            KafkaStreams features = Stages.startFeatures(cluster, cluster.stateDir(), Stages.FeaturesOptions.of(3)).streams();
            try (StageOutputs outputs = new StageOutputs(cluster);
                    KafkaProducer<String, byte[]> raw = producer(cluster, new ByteArraySerializer());
                    KafkaProducer<String, String> text = producer(cluster, new StringSerializer())) {
                await().atMost(PATIENCE).until(() -> scorer.state() == KafkaStreams.State.RUNNING
                        && features.state() == KafkaStreams.State.RUNNING);

                List<Poison> poisons = new ArrayList<>();
                List<Long> avroSent = new ArrayList<>();
                List<Long> jsonSent = new ArrayList<>();
                long[] nextDisplay = {1000};
                // After each poison, one good request on each face.
                Consumer<Poison> thenGoodRequests = poison -> {
                    poisons.add(poison);
                    long avroId = nextDisplay[0]++;
                    long jsonId = nextDisplay[0]++;
                    raw.send(new ProducerRecord<>(topics.scoreRequests.name(), "u" + avroId,
                            encode(topics.scoreRequests, request(avroId))));
                    text.send(new ProducerRecord<>(topics.scoreRequestsJson.name(), "u" + jsonId, json(jsonId, 3)));
                    avroSent.add(avroId);
                    jsonSent.add(jsonId);
                };

                // --- the scorer's poisons ---
                String avroRequests = topics.scoreRequests.name();
                byte[] good = encode(topics.scoreRequests, request(1));
                int requestSchema = ((AvroSerde<?>) topics.scoreRequests.valueSerde()).registerFor(avroRequests);
                raw.send(new ProducerRecord<>(avroRequests, "u1", framed(requestSchema, hugeArrayBody())));
                thenGoodRequests.accept(new Poison("33 bytes claiming 2^31-9 ads", avroRequests, "cannot deserialize",
                        HUGE + " items"));
                raw.send(new ProducerRecord<>(avroRequests, "u1", withSchemaId(good, 99_999)));
                thenGoodRequests.accept(new Poison("an unknown schema id", avroRequests, "schema id 99999",
                        "does not exist"));
                raw.send(new ProducerRecord<>(avroRequests, "u1", Arrays.copyOf(good, good.length - 3)));
                thenGoodRequests.accept(new Poison("truncated bytes", avroRequests, "cannot deserialize",
                        "truncated"));
                byte[] wrongMagic = good.clone();
                wrongMagic[0] = 7;
                raw.send(new ProducerRecord<>(avroRequests, "u1", wrongMagic));
                thenGoodRequests.accept(new Poison("a wrong magic byte", avroRequests, "cannot deserialize",
                        "magic byte"));

                String jsonRequests = topics.scoreRequestsJson.name();
                text.send(new ProducerRecord<>(jsonRequests, "u1", json(1, JsonContract.MAX_ADS + 1)));
                thenGoodRequests.accept(new Poison("1,001 ads", jsonRequests, JsonContract.MAX_ADS + 1 + " ads",
                        "at most " + JsonContract.MAX_ADS));
                // The request of the crash loop: 25,000 ads, ~200 kB, whose answer (1.2 MB) Kafka would not carry.
                text.send(new ProducerRecord<>(jsonRequests, "u1", json(2, 25_000)));
                thenGoodRequests.accept(new Poison("25,000 ads", jsonRequests, "bytes of JSON",
                        "at most " + JsonContract.MAX_REQUEST_BYTES));
                text.send(new ProducerRecord<>(jsonRequests, "u1", "{\"display_id\": 1, \"timestamp\": 5, "
                        + "\"ad_ids\": [7], \"pad\": \"" + "x".repeat(10 << 20) + "\"}"));
                thenGoodRequests.accept(new Poison("a 10 MB JSON value", jsonRequests, "bytes of JSON",
                        "at most " + JsonContract.MAX_REQUEST_BYTES));
                text.send(new ProducerRecord<>(jsonRequests, "u1", json(999, 200)));
                thenGoodRequests.accept(new Poison("an answer the broker refuses", topics.scoresJson.name(),
                        "RecordTooLargeException", "to " + topics.scoresJson.name()));

                // --- the features stage's poisons: truncated and wrong-magic records on each input ---
                List<Long> displaysSent = new ArrayList<>();
                long base = EventTime.EPOCH_BASE_MS;
                for (Topic<String, ?> input : List.of(topics.displays, topics.pageViews, topics.labels)) {
                    byte[] valid = encodeAny(input, sample(input));
                    raw.send(new ProducerRecord<>(input.name(), null, base, "p", Arrays.copyOf(valid,
                            valid.length / 2)));
                    // Both stages read the event topics (the scorer keeps its own feature state): each dead-letters.
                    poisons.add(new Poison("truncated " + input.name(), input.name(), List.of("features", "scorer"),
                            "cannot deserialize", "truncated"));
                    byte[] magic = valid.clone();
                    magic[0] = 1;
                    raw.send(new ProducerRecord<>(input.name(), null, base, "p", magic));
                    poisons.add(new Poison("wrong magic " + input.name(), input.name(), List.of("features", "scorer"),
                            "cannot deserialize", "magic byte"));
                    // Then good displays, each with its label a minute later.
                    long id = 2000 + displaysSent.size();
                    raw.send(new ProducerRecord<>(topics.displays.name(), null, base + id * 1_000, "u" + id,
                            encodeAny(topics.displays, new Display(id, "u" + id, 900L, id * 1_000, 1, "US>CA>807",
                                    ADS))));
                    raw.send(new ProducerRecord<>(topics.labels.name(), null, base + 60_000 + id * 1_000, "u" + id,
                            encodeAny(topics.labels, new Label(id, "u" + id, id * 1_000, 60_000 + id * 1_000, ADS,
                                    List.of(12L)))));
                    displaysSent.add(id);
                }
                raw.flush();
                text.flush();

                await().atMost(PATIENCE).untilAsserted(() -> {
                    assertThat(outputs.avroAnswers()).containsAll(avroSent);
                    assertThat(outputs.jsonAnswers()).containsAll(jsonSent);
                    assertThat(outputs.examples()).extracting(Example::getDisplayId).containsAll(displaysSent);
                    assertThat(outputs.deadLetters()).hasSizeGreaterThanOrEqualTo(letterCount(poisons));
                });
                Thread.sleep(1_000); // room for anything late: a duplicate, a dead letter too many

                List<DeadLetter> letters = outputs.deadLetters();
                assertThat(letters).as("one dead letter per poison and stage that reads it")
                        .hasSize(letterCount(poisons));
                for (Poison poison : poisons) {
                    for (String stage : poison.stages()) {
                        assertThat(letters).as(poison.name() + " in " + stage).anySatisfy(d -> {
                            assertThat(d.getStage()).isEqualTo(stage);
                            assertThat(d.getSource()).isEqualTo(poison.source());
                            assertThat(d.getReason()).contains(poison.reason1()).contains(poison.reason2());
                        });
                    }
                }
                assertThat(letters).allSatisfy(d -> {
                    if (d.getPayload() != null) {
                        assertThat(d.getPayload().remaining()).isLessThanOrEqualTo(
                                dev.wnd.features.streams.DeadLetterHandler.MAX_PAYLOAD_BYTES);
                    }
                });
                // Each good request answered once; no answer for a poison.
                assertThat(outputs.avroAnswers()).containsExactlyInAnyOrderElementsOf(avroSent);
                assertThat(outputs.jsonAnswers()).containsExactlyInAnyOrderElementsOf(jsonSent);
                Map<Long, Long> examplesPerDisplay = outputs.examples().stream()
                        .collect(Collectors.groupingBy(Example::getDisplayId, Collectors.counting()));
                assertThat(examplesPerDisplay).containsOnlyKeys(displaysSent).allSatisfy((display, n) ->
                        assertThat(n).as("examples of display %d", display).isEqualTo(ADS.size()));
                assertThat(scorer.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(features.state()).isEqualTo(KafkaStreams.State.RUNNING);
            } finally {
                scorer.close(Duration.ofSeconds(30));
                features.close(Duration.ofSeconds(30));
            }
        }
    }

    private static int letterCount(List<Poison> poisons) {
        return poisons.stream().mapToInt(p -> p.stages().size()).sum();
    }

    private static void setMaxMessageBytes(Admin admin, String topic, int bytes) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                (Collection<AlterConfigOp>) List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(bytes)), AlterConfigOp.OpType.SET)))).all().get();
    }

    private static <V> KafkaProducer<String, V> producer(Cluster cluster,
            org.apache.kafka.common.serialization.Serializer<V> values) {
        Properties p = cluster.kafka().properties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 12 << 20);
        return new KafkaProducer<>(p, new StringSerializer(), values);
    }

    private static ScoreRequest request(long display) {
        return new ScoreRequest(display, "u" + display, 900L, 5_000L, 2, "SG>00", ADS);
    }

    private static String json(long display, int ads) {
        StringBuilder json = new StringBuilder("{\"display_id\": " + display + ", \"uuid\": \"u" + display
                + "\", \"document_id\": 900, \"timestamp\": 5000, \"ad_ids\": [");
        for (int i = 0; i < ads; i++) {
            json.append(i == 0 ? "" : ", ").append(100_000 + i);
        }
        return json.append("]}").toString();
    }

    private static <V> byte[] encode(Topic<String, V> topic, V value) {
        return topic.valueSerde().serializer().serialize(topic.name(), value);
    }

    @SuppressWarnings("unchecked")
    private static byte[] encodeAny(Topic<String, ?> topic, Object value) {
        return ((Topic<String, Object>) topic).valueSerde().serializer().serialize(topic.name(), value);
    }

    private static Object sample(Topic<String, ?> topic) {
        return switch (topic.name()) {
            case "displays" -> new Display(1L, "u1", 900L, 1_000L, 1, "US>CA>807", ADS);
            case "page-views" -> new PageView("u1", 900L, 1_000L, 1, "US>CA>807", 2);
            default -> new Label(1L, "u1", 1_000L, 61_000L, ADS, List.of(12L));
        };
    }

    /** A ScoreRequest whose ad_ids block claims 2^31-9 items, with none following: 30 bytes with the header. */
    private static byte[] hugeArrayBody() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        out.writeLong(1L); // display_id
        out.writeString("cb8c55702adb93"); // uuid
        out.writeLong(379743L); // document_id
        out.writeLong(61L); // timestamp
        out.writeIndex(0); // platform: null
        out.writeIndex(0); // geo_location: null
        out.writeLong(HUGE); // ad_ids: the claim
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] framed(int id, byte[] body) {
        byte[] out = new byte[5 + body.length];
        System.arraycopy(body, 0, out, 5, body.length);
        return withSchemaId(out, id);
    }

    private static byte[] withSchemaId(byte[] record, int id) {
        byte[] out = record.clone();
        out[0] = 0;
        out[1] = (byte) (id >>> 24);
        out[2] = (byte) (id >>> 16);
        out[3] = (byte) (id >>> 8);
        out[4] = (byte) id;
        return out;
    }
}
