package dev.wnd.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryException;
import dev.wnd.schemas.serde.AvroSerde;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's own registry client and serde against the embedded registry: the path every topic takes. */
class AvroSerdeOverRegistryIT {

    @TempDir
    static Path dir;
    static EmbeddedRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void shouldRoundTripThroughTheRegistryWithAFreshClientOnTheReadSide() {
        AvroSerde<Event> writer = AvroSerde.forValues(Event.class, new HttpSchemaRegistryClient(runtime.registryUrl()));
        AvroSerde<Event> reader = AvroSerde.forValues(Event.class, new HttpSchemaRegistryClient(runtime.registryUrl()));
        Event event = new Event(1L, "cb8c55702adb93", 379743L, 61L, 3, "US>SC>519");
        byte[] bytes = writer.encode("events", event);
        assertThat(reader.decode("events", bytes)).isEqualTo(event);
    }

    @Test
    void shouldGiveTheSameIdForTheSameSchemaAndRefuseAnIncompatibleOneWith409() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(runtime.registryUrl());
        Schema v1 = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}");
        Schema bad = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                + "{\"name\":\"a\",\"type\":\"long\"},{\"name\":\"b\",\"type\":\"string\"}]}");
        int id = client.register("r-value", v1);
        assertThat(new HttpSchemaRegistryClient(runtime.registryUrl()).register("r-value", v1)).isEqualTo(id);
        assertThat(client.schemaById(id)).isEqualTo(v1);
        assertThatThrownBy(() -> client.register("r-value", bad))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
    }
}
