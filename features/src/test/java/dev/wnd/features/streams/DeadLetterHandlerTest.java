package dev.wnd.features.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryException;
import dev.wnd.schemas.topic.AppTopics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadLetterHandlerTest {

    private final AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());
    private final List<String> counted = Collections.synchronizedList(new ArrayList<>());
    private final DeadLetterHandler handler = new DeadLetterHandler();

    /** The context of the input record {@code topic-partition@offset} with raw value {@code value}. */
    private record Context(String topic, int partition, long offset, long timestamp, byte[] sourceRawValue)
            implements ErrorHandlerContext {
        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "score";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 0);
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }
    }

    private static final Context REQUEST = new Context("score-requests.json", 0, 41, 1_000L, "{\"display_id\": 1}"
            .getBytes());

    @BeforeEach
    void configure() {
        handler.configure(Map.of(DeadLetterHandler.TOPICS_CONFIG, topics, DeadLetterHandler.STAGE_CONFIG, "scorer",
                DeadLetterHandler.LISTENER_CONFIG, (DeadLetterListener) counted::add));
    }

    private DeadLetter letter(List<ProducerRecord<byte[], byte[]>> records) {
        assertThat(records).hasSize(1);
        assertThat(records.get(0).topic()).isEqualTo(topics.deadLetters.name());
        return topics.deadLetters.valueSerde().deserializer().deserialize(topics.deadLetters.name(),
                records.get(0).value());
    }

    private static ProducerRecord<byte[], byte[]> answer(String topic, int bytes) {
        return new ProducerRecord<>(topic, null, 5_000L, "123".getBytes(), new byte[bytes]);
    }

    @Test
    void shouldDeadLetterAnAnswerTheProducerRefusesAsTooLargeUnderTheRequestItAnswers() {
        ProductionExceptionHandler.Response response = handler.handleError(REQUEST, answer("scores.json", 1_231_271),
                new RecordTooLargeException("The message is 1231271 bytes when serialized which is larger than "
                        + "1048576, which is the value of the max.request.size configuration."));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        DeadLetter d = letter(response.deadLetterQueueRecords());
        assertThat(d.getStage()).isEqualTo("scorer");
        assertThat(d.getSource()).isEqualTo("score-requests.json");
        assertThat(d.getPartition()).isZero();
        assertThat(d.getOffset()).isEqualTo(41L);
        assertThat(d.getReason()).contains("1231274 bytes").contains("key \"123\"").contains("scores.json")
                .contains("RecordTooLargeException");
        assertThat(d.getPayload().array()).isEqualTo(REQUEST.sourceRawValue());
        assertThat(counted).containsExactly("score-requests.json");
    }

    @Test
    void shouldKeepTheRefusedRecordAsPayloadWhenStreamsHasReleasedTheInputsBytes() {
        Context released = new Context("score-requests.json", 0, 42, 1_000L, null);
        ProducerRecord<byte[], byte[]> refused = answer("scores.json", 2_000_000);

        DeadLetter d = letter(handler.handleError(released, refused, new RecordTooLargeException("too large"))
                .deadLetterQueueRecords());

        assertThat(d.getOffset()).isEqualTo(42L);
        assertThat(d.getReason()).contains("payload: the refused record's value")
                .contains("the first " + DeadLetterHandler.MAX_PAYLOAD_BYTES + " of 2000000 bytes")
                .doesNotContain("the whole record is at");
        assertThat(d.getPayload().remaining()).isEqualTo(DeadLetterHandler.MAX_PAYLOAD_BYTES);
    }

    @Test
    void shouldDeadLetterUnderTheOutputTopicWhatTheProducersIoThreadReportsLater() throws Exception {
        AtomicReference<ProductionExceptionHandler.Response> response = new AtomicReference<>();
        // Reported after the send: the context is whatever the stream thread is processing by then.
        Thread io = new Thread(() -> response.set(handler.handleError(REQUEST, answer("scores.json", 2_000),
                new RecordTooLargeException("too large for the topic"))),
                "kafka-producer-network-thread | wnd-scorer-producer");
        io.start();
        io.join();

        DeadLetter d = letter(response.get().deadLetterQueueRecords());
        assertThat(d.getSource()).isEqualTo("scores.json");
        assertThat(d.getPartition()).isNull();
        assertThat(d.getOffset()).isNull();
        assertThat(d.getReason()).contains("2003 bytes").contains("key \"123\"")
                .contains("payload: the refused record's value");
        assertThat(d.getPayload().remaining()).isEqualTo(2_000);
    }

    @Test
    void shouldRetryAnOutageAndNeverDeadLetterIt() {
        for (Exception outage : List.of(new TimeoutException("Expiring 3 record(s)"),
                new NotEnoughReplicasException("2 of 3"))) {
            ProductionExceptionHandler.Response response = handler.handleError(REQUEST, answer("scores", 10), outage);
            assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
            assertThat(response.deadLetterQueueRecords()).isEmpty();
        }
        assertThat(counted).isEmpty();
    }

    @Test
    void shouldStopRatherThanDropAChangelogWriteADeadLetterOrAnErrorThatIsNotAboutTheRecord() {
        assertThat(handler.handleError(REQUEST, answer("wnd-features-user-state-changelog", 2_000_000),
                new RecordTooLargeException("too large")).result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(REQUEST, answer(topics.deadLetters.name(), 2_000_000),
                new RecordTooLargeException("too large")).result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(REQUEST, answer("scores", 10),
                new UnsupportedVersionException("old broker")).result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(counted).isEmpty();
    }

    @Test
    void shouldDeadLetterARecordThatCannotBeSerializedButStopWhenTheRegistryRefusesTheSchema() {
        ProducerRecord<Long, String> record = new ProducerRecord<>("scores", 7L, "x");
        ProductionExceptionHandler.Response bad = handler.handleSerializationError(REQUEST, record,
                new SerializationException("cannot encode a Score for topic scores: null of string"),
                SerializationExceptionOrigin.VALUE);
        assertThat(bad.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(letter(bad.deadLetterQueueRecords()).getReason()).contains("cannot serialize the value")
                .contains("null of string");

        ProductionExceptionHandler.Response refused = handler.handleSerializationError(REQUEST, record,
                new RegistryException("HTTP 409 incompatible", 409, 409, null), SerializationExceptionOrigin.VALUE);
        assertThat(refused.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(refused.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldDeadLetterBadBytesButStopOnADeserializationErrorThatIsNotTheRecords() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("displays", 0, 9L, null, new byte[] {1, 2});
        Context context = new Context("displays", 0, 9L, 1_000L, new byte[] {1, 2});

        DeserializationExceptionHandler.Response bad = handler.handleError(context, record,
                new SerializationException("record on displays starts with byte 1, not the Confluent magic byte 0"));
        assertThat(bad.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(letter(bad.deadLetterQueueRecords()).getReason()).contains("magic byte");

        for (RuntimeException notTheRecords : List.of(new RegistryException("HTTP 401", 401, 401, null),
                new InterruptException("interrupted while waiting for the schema registry"))) {
            DeserializationExceptionHandler.Response response = handler.handleError(context, record, notTheRecords);
            assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
            assertThat(response.deadLetterQueueRecords()).isEmpty();
        }
        Thread.interrupted(); // InterruptException set the flag
        assertThat(counted).containsExactly("displays");
    }

    @Test
    void shouldKeepOnlyTheFirstBytesOfAHugePayloadAndSayWhereTheWholeRecordIs() {
        byte[] huge = new byte[10 << 20];
        Context context = new Context("score-requests.json", 0, 77L, 1_000L, huge);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("score-requests.json", 0, 77L, null, huge);

        DeadLetter d = letter(handler.handleError(context, record, new SerializationException("too large"))
                .deadLetterQueueRecords());

        assertThat(d.getPayload().remaining()).isEqualTo(DeadLetterHandler.MAX_PAYLOAD_BYTES);
        assertThat(d.getReason()).contains("the first " + DeadLetterHandler.MAX_PAYLOAD_BYTES + " of " + huge.length
                + " bytes").contains("score-requests.json-0@77");
    }
}
