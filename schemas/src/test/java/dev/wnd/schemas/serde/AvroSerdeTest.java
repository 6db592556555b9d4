package dev.wnd.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import java.util.List;
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
