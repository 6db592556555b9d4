package dev.wnd.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryException;
import dev.wnd.schemas.registry.RegistryRetry;
import dev.wnd.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void shouldRoundTripARecordInConfluentWireFormat() {
        AvroSerde<Event> serde = AvroSerde.forValues(Event.class, registry);
        Event event = new Event(1L, "cb8c55702adb93", 379743L, 61L, null, "US>SC>519");
        byte[] bytes = serde.serializer().serialize("events", event);
        assertThat(bytes[0]).isZero();
        int id = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
        assertThat(id).isEqualTo(serde.registerFor("events"));
        assertThat(serde.deserializer().deserialize("events", bytes)).isEqualTo(event);
    }

    @Test
    void shouldRoundTripAnExampleWithArrays() {
        AvroSerde<Example> serde = AvroSerde.forValues(Example.class, registry);
        Example example = new Example(7L, 9L, 100L, 1, Split.TRAIN, "abc", List.of(1, -1, 3), List.of(0.5f, 0f));
        assertThat(serde.decode("examples", serde.encode("examples", example))).isEqualTo(example);
    }

    @Test
    void shouldWriteTheSameBytesAsAvrosGenericWriter() throws Exception {
        AvroSerde<Example> serde = AvroSerde.forValues(Example.class, registry);
        Example example = new Example(7L, -9L, 1L << 40, 1, Split.VALIDATION, "abc", List.of(1, -1, 300_000),
                List.of(0.5f, -0f, Float.NaN));
        ByteArrayOutputStream generic = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(generic, null);
        new GenericDatumWriter<Object>(Example.getClassSchema(), GenericData.get()).write(example, encoder);
        encoder.flush();

        byte[] bytes = serde.encode("examples", example);

        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(generic.toByteArray());
    }

    @Test
    void shouldReadARecordWrittenWithAnOlderSchemaThroughSchemaResolution() throws Exception {
        // An older Event without geo_location, its fields in another order.
        Schema older = new Schema.Parser().parse("""
                {"type": "record", "name": "Event", "namespace": "dev.wnd.schemas.avro", "fields": [
                  {"name": "uuid", "type": "string"},
                  {"name": "display_id", "type": "long"},
                  {"name": "document_id", "type": "long"},
                  {"name": "timestamp", "type": "long"},
                  {"name": "platform", "type": ["null", "int"], "default": null}]}""");
        int id = registry.register("events-value", older);
        GenericRecord record = new GenericData.Record(older);
        record.put("uuid", "cb8c55702adb93");
        record.put("display_id", 1L);
        record.put("document_id", 379743L);
        record.put("timestamp", 61L);
        record.put("platform", 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older).write(record, encoder);
        encoder.flush();

        Event event = AvroSerde.forValues(Event.class, registry).decode("events", out.toByteArray());

        assertThat(event).isEqualTo(new Event(1L, "cb8c55702adb93", 379743L, 61L, 2, null));
    }

    /** The Confluent header for schema id {@code id}, then {@code body}. */
    private static byte[] framed(int id, byte[] body) {
        byte[] out = new byte[5 + body.length];
        out[1] = (byte) (id >>> 24);
        out[2] = (byte) (id >>> 16);
        out[3] = (byte) (id >>> 8);
        out[4] = (byte) id;
        System.arraycopy(body, 0, out, 5, body.length);
        return out;
    }

    /** Avro binary written field by field, so that a test can make any claim a hostile writer could. */
    @FunctionalInterface
    private interface Body {
        void write(BinaryEncoder out) throws Exception;
    }

    private static byte[] body(Body body) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        body.write(encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    /** The largest array Java allows, and what Avro's default collection limit lets through. */
    private static final long HUGE = Integer.MAX_VALUE - 8L;

    @Test
    void shouldFailFastOnARecordWhoseArrayClaimsMoreItemsThanItsBytesCouldHold() throws Exception {
        AvroSerde<ScoreRequest> serde = AvroSerde.forValues(ScoreRequest.class, registry);
        int id = serde.registerFor("score-requests");
        byte[] record = framed(id, body(out -> {
            out.writeLong(1L); // display_id
            out.writeString("cb8c55702adb93"); // uuid
            out.writeLong(379743L); // document_id
            out.writeLong(61L); // timestamp
            out.writeIndex(0); // platform: null
            out.writeIndex(0); // geo_location: null
            out.writeLong(HUGE); // ad_ids: one block claiming 2^31-9 items, and none follows
        }));
        assertThat(record.length).isLessThanOrEqualTo(33);

        assertThatThrownBy(() -> serde.decode("score-requests", record))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("score-requests")
                .hasMessageContaining(Long.toString(HUGE))
                .hasMessageContaining("bytes left");
    }

    @Test
    void shouldFailFastOnAStringLengthLongerThanTheBytesLeft() throws Exception {
        AvroSerde<ScoreRequest> serde = AvroSerde.forValues(ScoreRequest.class, registry);
        int id = serde.registerFor("score-requests");
        byte[] record = framed(id, body(out -> {
            out.writeLong(1L);
            out.writeLong(HUGE); // uuid: a length of 2^31-9 bytes, then 3 bytes
            out.writeFixed(new byte[] {'a', 'b', 'c'});
        }));

        assertThatThrownBy(() -> serde.decode("score-requests", record))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("score-requests")
                .hasMessageContaining("string of " + HUGE + " bytes")
                .hasMessageContaining("3 bytes left");
    }

    @Test
    void shouldFailFastOnABytesLengthLongerThanTheBytesLeft() throws Exception {
        AvroSerde<DeadLetter> serde = AvroSerde.forValues(DeadLetter.class, registry);
        int id = serde.registerFor("dead-letters");
        byte[] record = framed(id, body(out -> {
            out.writeString("scorer"); // stage
            out.writeString("score-requests"); // source
            out.writeIndex(0); // partition: null
            out.writeIndex(0); // offset: null
            out.writeIndex(0); // line: null
            out.writeString("why"); // reason
            out.writeIndex(1); // payload: bytes
            out.writeLong(HUGE); // ... of 2^31-9 bytes, and none follows
        }));

        assertThatThrownBy(() -> serde.decode("dead-letters", record))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("dead-letters")
                .hasMessageContaining("bytes value of " + HUGE + " bytes")
                .hasMessageContaining("0 bytes left");
    }

    @Test
    void shouldRejectATruncatedRecordNamingTheTopicAndWhereItEnds() {
        AvroSerde<Example> serde = AvroSerde.forValues(Example.class, registry);
        byte[] whole = serde.encode("examples", new Example(7L, 9L, 100L, 1, Split.TRAIN, "abc", List.of(1, -1, 3),
                List.of(0.5f, 0f)));
        // The record ends with the last float (4 bytes) and the array's end (0): cut in the middle of that float.
        byte[] truncated = Arrays.copyOf(whole, whole.length - 3);

        assertThatThrownBy(() -> serde.decode("examples", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("examples")
                .hasMessageContaining("truncated")
                .hasMessageContaining("byte " + (whole.length - 5));
    }

    @Test
    void shouldReadArraysWrittenInBlocksWithByteSizes() throws Exception {
        // Avro's blocking encoder writes negative block counts followed by the block's size in bytes.
        AvroSerde<Example> serde = AvroSerde.forValues(Example.class, registry);
        int id = serde.registerFor("examples");
        Example example = new Example(7L, 9L, 100L, 1, Split.TRAIN, "abc", List.of(1, -1, 3), List.of(0.5f, 0f));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(bytes, null);
        new GenericDatumWriter<Object>(Example.getClassSchema(), GenericData.get()).write(example, encoder);
        encoder.flush();

        assertThat(serde.decode("examples", framed(id, bytes.toByteArray()))).isEqualTo(example);
    }

    @Test
    void shouldRejectBytesWithoutTheMagicByteNamingTheTopic() {
        AvroSerde<Event> serde = AvroSerde.forValues(Event.class, registry);
        assertThatThrownBy(() -> serde.decode("events", new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("events").hasMessageContaining("magic");
        assertThatThrownBy(() -> serde.decode("events", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("too short");
    }

    @Test
    void shouldRejectAnUnknownSchemaId() {
        AvroSerde<Event> serde = AvroSerde.forValues(Event.class, registry);
        assertThatThrownBy(() -> serde.decode("events", new byte[] {0, 0, 0, 0, 99, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("events")
                .hasMessageContaining("schema id 99").hasMessageContaining("does not exist");
    }

    @Test
    void shouldRejectARecordWhoseWriterSchemaCannotBeReadAsTheClass() throws Exception {
        Schema other = new Schema.Parser().parse("""
                {"type": "record", "name": "Event", "namespace": "dev.wnd.schemas.avro", "fields": [
                  {"name": "display_id", "type": "string"}]}""");
        int id = registry.register("events-value", other);
        byte[] record = framed(id, body(out -> out.writeString("not a long")));

        assertThatThrownBy(() -> AvroSerde.forValues(Event.class, registry).decode("events", record))
                .isInstanceOf(SerializationException.class).hasMessageContaining("events")
                .hasMessageContaining("writer schema id " + id);
    }

    private static final RegistryRetry FAST =
            new RegistryRetry(Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofMillis(10));

    /** The registry, failing the first {@code failures} calls with {@code failure}, counting every call. */
    private static final class FlakyRegistry implements SchemaRegistryClient {
        private final SchemaRegistryClient registry;
        private final Supplier<RegistryException> failure;
        private int failures;
        private final AtomicInteger calls = new AtomicInteger();

        FlakyRegistry(SchemaRegistryClient registry, int failures, Supplier<RegistryException> failure) {
            this.registry = registry;
            this.failures = failures;
            this.failure = failure;
        }

        private void maybeFail() {
            calls.incrementAndGet();
            if (failures-- > 0) {
                throw failure.get();
            }
        }

        @Override
        public int register(String subject, Schema schema) {
            maybeFail();
            return registry.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            maybeFail();
            return registry.schemaById(id);
        }
    }

    private static RegistryException unreachable() {
        return new RegistryException("cannot reach the schema registry", 0, 0, new java.net.ConnectException());
    }

    @Test
    void shouldWaitOutARegistryOutageBeforeDecodingARecordOfASchemaIdNotCachedYet() {
        Event event = new Event(1L, "cb8c55702adb93", 379743L, 61L, 3, "US>SC>519");
        byte[] bytes = AvroSerde.forValues(Event.class, registry).encode("events", event);
        FlakyRegistry flaky = new FlakyRegistry(registry, 5, () -> new RegistryException("busy", 503, 50003, null));

        Event read = AvroSerde.forValues(Event.class, flaky, FAST).decode("events", bytes);

        assertThat(read).isEqualTo(event);
        assertThat(flaky.calls).hasValue(6);
    }

    @Test
    void shouldWaitOutARegistryOutageBeforeRegisteringTheSchemaOfTheFirstRecordToEncode() {
        Event event = new Event(1L, "cb8c55702adb93", 379743L, 61L, 3, "US>SC>519");
        FlakyRegistry flaky = new FlakyRegistry(registry, 4, AvroSerdeTest::unreachable);

        byte[] bytes = AvroSerde.forValues(Event.class, flaky, FAST).encode("events", event);

        assertThat(AvroSerde.forValues(Event.class, registry).decode("events", bytes)).isEqualTo(event);
        assertThat(flaky.calls).hasValue(5);
    }

    @Test
    void shouldNotBlameTheRecordWhenTheRegistryRefusesTheClient() {
        byte[] bytes = AvroSerde.forValues(Event.class, registry).encode("events",
                new Event(1L, "u", 2L, 3L, null, null));
        FlakyRegistry refusing = new FlakyRegistry(registry, 1,
                () -> new RegistryException("registry refused: HTTP 401", 401, 401, null));

        assertThatThrownBy(() -> AvroSerde.forValues(Event.class, refusing, FAST).decode("events", bytes))
                .isExactlyInstanceOf(RegistryException.class).hasMessageContaining("401");
        assertThat(refusing.calls).hasValue(1);
    }

    @Test
    void shouldKeepNullAsATombstone() {
        AvroSerde<Event> serde = AvroSerde.forValues(Event.class, registry);
        assertThat(serde.encode("events", null)).isNull();
        assertThat(serde.decode("events", null)).isNull();
    }
}
