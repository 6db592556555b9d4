package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.wnd.embedded.EmbeddedKafka;
import dev.wnd.embedded.EmbeddedSchemaRegistry;
import dev.wnd.features.spec.EventTime;
import dev.wnd.model.ClickPredictor;
import dev.wnd.scorer.ScorerMetrics;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryRetry;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.scorer.ModelFeed;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A schema registry outage while records wait whose writer schema ids the stages have not fetched yet: the scorer
 * and the features stage, started as the app starts them against an "external" broker and registry (embedded, so
 * that the test can stop the registry alone), wait the outage out in place. Nothing is dead-lettered, nothing
 * stops, and when the registry is back on the same port every waiting record is processed exactly once.
 *
 * <p>In package {@code dev.wnd.app}, not {@code dev.wnd.app.faults}: it starts the stages through the
 * package-private {@link Stages} and {@link Cluster}.
 */
class RegistryOutageIT {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final List<Long> ADS = List.of(11L, 12L, 13L);

    @TempDir
    Path work;

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
    void shouldWaitOutARegistryOutageWithoutDeadLetteringAndProcessEveryWaitingRecordOnce() throws Exception {
        ListAppender<ILoggingEvent> retryLog = new ListAppender<>();
        Logger retryLogger = (Logger) LoggerFactory.getLogger(RegistryRetry.class);
        retryLog.start();
        retryLogger.addAppender(retryLog);
        EmbeddedSchemaRegistry registry = null;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(work.resolve("kafka")))) {
            registry = EmbeddedSchemaRegistry.start(kafka.connection(), 0, Optional.empty());
            String url = registry.url();
            ClusterOptions options = new ClusterOptions();
            options.bootstrap = kafka.bootstrapServers();
            options.registry = url;
            options.workDir(work);
            options.partitions = 1;
            try (Cluster cluster = Cluster.open(options, false)) {
                cluster.ensureTopics();
                // The test's own registry client: what it registers and encodes, the stages' client has not seen.
                AppTopics mine = new AppTopics(new HttpSchemaRegistryClient(url));
                KafkaStreams scorer = Stages.startScorer(cluster, cluster.stateDir(), NO_MODEL, true, ScorerMetrics.NONE).streams();
                KafkaStreams features = Stages.startFeatures(cluster, cluster.stateDir(), Stages.FeaturesOptions.of(3)).streams();
                try (StageOutputs outputs = new StageOutputs(cluster);
                        KafkaProducer<String, byte[]> producer = producer(cluster)) {
                    await().atMost(PATIENCE).until(() -> scorer.state() == KafkaStreams.State.RUNNING
                            && features.state() == KafkaStreams.State.RUNNING);
                    long base = EventTime.EPOCH_BASE_MS;

                    // Warm up with the current schemas: the stages fetch their ids and register their outputs'.
                    send(producer, mine.scoreRequests.name(), "u1", specific(mine, mine.scoreRequests.name(),
                            new ScoreRequest(1L, "u1", 900L, 5_000L, 2, "SG>00", ADS)), base);
                    sendDisplayAndLabel(producer, mine, 1L, specific(mine, mine.displays.name(),
                            display(1L)), base);
                    await().atMost(PATIENCE).untilAsserted(() -> {
                        assertThat(outputs.avroAnswers()).containsExactly(1L);
                        assertThat(outputs.examples()).hasSize(ADS.size());
                    });

                    // A newer client's schemas (one more field, with a default): new ids no stage has fetched.
                    Schema requestV2 = withClientField(ScoreRequest.getClassSchema());
                    Schema displayV2 = withClientField(Display.getClassSchema());
                    int requestV2Id = mine.registry().register(mine.scoreRequests.name() + "-value", requestV2);
                    int displayV2Id = mine.registry().register(mine.displays.name() + "-value", displayV2);

                    registry.close();
                    long outageStart = System.nanoTime();
                    List<Long> requests = List.of(101L, 102L, 103L, 104L, 105L);
                    for (long id : requests) {
                        send(producer, mine.scoreRequests.name(), "u" + id, generic(requestV2Id, requestV2,
                                new ScoreRequest(id, "u" + id, 900L, 5_000L + id, 2, "SG>00", ADS)), base);
                    }
                    List<Long> displays = List.of(201L, 202L, 203L);
                    for (long id : displays) {
                        sendDisplayAndLabel(producer, mine, id, generic(displayV2Id, displayV2, display(id)), base);
                    }
                    producer.flush();

                    // The outage: the records wait, nothing is dead-lettered, both stages stay up.
                    Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - outageStart) / 1_000_000));
                    assertThat(outputs.avroAnswers()).containsExactly(1L);
                    assertThat(outputs.examples()).hasSize(ADS.size());
                    assertThat(outputs.deadLetters()).isEmpty();
                    assertThat(scorer.state()).isEqualTo(KafkaStreams.State.RUNNING);
                    assertThat(features.state()).isEqualTo(KafkaStreams.State.RUNNING);
                    assertThat(messages(retryLog, Level.WARN)).anySatisfy(m -> assertThat(m)
                            .contains("schema registry unavailable").contains("schema id " + requestV2Id));
                    assertThat(messages(retryLog, Level.WARN)).anySatisfy(m -> assertThat(m)
                            .contains("still waiting for the schema registry"));

                    // The registry comes back on the same port, its schemas restored from the _schemas topic.
                    registry = EmbeddedSchemaRegistry.start(kafka.connection(), URI.create(url).getPort(),
                            Optional.empty());
                    assertThat(registry.url()).isEqualTo(url);

                    await().atMost(PATIENCE).untilAsserted(() -> {
                        assertThat(outputs.avroAnswers()).containsAll(requests);
                        assertThat(outputs.examples()).hasSize(ADS.size() * (1 + displays.size()));
                    });
                    Thread.sleep(2_000); // room for a late duplicate
                    List<Long> expectedAnswers = new ArrayList<>(List.of(1L));
                    expectedAnswers.addAll(requests);
                    assertThat(outputs.avroAnswers()).as("each request answered once")
                            .containsExactlyInAnyOrderElementsOf(expectedAnswers);
                    Map<Long, Long> examplesPerDisplay = outputs.examples().stream()
                            .collect(Collectors.groupingBy(Example::getDisplayId, Collectors.counting()));
                    assertThat(examplesPerDisplay).as("each display's examples once")
                            .isEqualTo(Map.of(1L, 3L, 201L, 3L, 202L, 3L, 203L, 3L));
                    assertThat(outputs.deadLetters()).isEmpty();
                    // Neither stage failed. (Under exactly-once a wait longer than the transaction timeout can make
                    // the features stage rebalance once, and process again what it had not committed.)
                    await().atMost(Duration.ofSeconds(60)).until(() -> scorer.state() == KafkaStreams.State.RUNNING
                            && features.state() == KafkaStreams.State.RUNNING);
                    assertThat(messages(retryLog, Level.INFO)).anySatisfy(m -> assertThat(m)
                            .contains("schema registry answered again"));
                } finally {
                    scorer.close(Duration.ofSeconds(30));
                    features.close(Duration.ofSeconds(30));
                }
            } finally {
                registry.close();
            }
        } finally {
            retryLogger.detachAppender(retryLog);
        }
    }

    private static List<String> messages(ListAppender<ILoggingEvent> log, Level level) {
        synchronized (log.list) {
            return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    private static Display display(long id) {
        return new Display(id, "u" + id, 900L, id * 1_000, 1, "US>CA>807", ADS);
    }

    private static void sendDisplayAndLabel(KafkaProducer<String, byte[]> producer, AppTopics topics, long id,
            byte[] display, long base) {
        producer.send(new ProducerRecord<>(topics.displays.name(), null, base + id * 1_000, "u" + id, display));
        producer.send(new ProducerRecord<>(topics.labels.name(), null, base + 60_000 + id * 1_000, "u" + id,
                specific(topics, topics.labels.name(), new Label(id, "u" + id, id * 1_000, 60_000 + id * 1_000, ADS,
                        List.of(12L)))));
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value,
            long base) {
        producer.send(new ProducerRecord<>(topic, null, base + 5_000, key, value));
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] specific(AppTopics topics, String topic, T value) {
        return topics.all().stream().filter(t -> t.name().equals(topic)).findFirst()
                .map(t -> ((org.apache.kafka.common.serialization.Serde<T>) t.valueSerde()).serializer()
                        .serialize(topic, value))
                .orElseThrow();
    }

    /** {@code schema}: the record's schema plus a string field {@code client} with a default. */
    private static Schema withClientField(Schema schema) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("client", Schema.create(Schema.Type.STRING), "the client that sent it", ""));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** {@code value} written with the newer schema {@code schema} (id {@code id}), its {@code client} set. */
    private static byte[] generic(int id, Schema schema, SpecificRecord value) throws Exception {
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field f : value.getSchema().getFields()) {
            record.put(f.name(), value.get(f.pos()));
        }
        record.put("client", "newer-client");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static KafkaProducer<String, byte[]> producer(Cluster cluster) {
        Properties p = cluster.kafka().properties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
