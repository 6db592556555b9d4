package dev.wnd.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
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
                .isInstanceOf(SerializationException.class).hasMessageContaining("99");
    }

    @Test
    void shouldKeepNullAsATombstone() {
        AvroSerde<Event> serde = AvroSerde.forValues(Event.class, registry);
        assertThat(serde.encode("events", null)).isNull();
        assertThat(serde.decode("events", null)).isNull();
    }
}
