package dev.wnd.schemas.serde;

import dev.wnd.schemas.registry.RegistryException;
import dev.wnd.schemas.registry.RegistryRetry;
import dev.wnd.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro specific records in the Confluent wire format: byte 0 = magic 0, bytes 1-4 = big-endian schema id,
 * then Avro binary. Subjects follow the TopicNameStrategy ({@code <topic>-value} / {@code <topic>-key}).
 *
 * <p>The writer schema is registered on first use per topic; a record written with an older (compatible) schema
 * is read through Avro schema resolution into the class's current schema. Thread-safe.
 *
 * <p><b>Bytes from outside.</b> Records are decoded by {@link BoundedBinaryDecoder}: no length or count in the
 * bytes can make the decoder allocate more than the record holds (33 bytes claiming an array of 2<sup>31</sup>&minus;9
 * items fail at once instead of asking for gigabytes), in every JVM whatever its flags, without relying on Avro's
 * JVM-wide {@code org.apache.avro.limits.*} system properties. Bad bytes (too short, wrong magic byte, truncated, a
 * claim beyond the end, an unknown or unreadable writer schema) are a {@link SerializationException} naming the
 * topic, the byte offset where it applies and the reason.
 *
 * <p><b>Registry outages.</b> A registry call that fails transiently (no answer, a timeout, HTTP 5xx) is retried in
 * place with {@link RegistryRetry} until the registry answers: the record waits, nothing is dead-lettered. When
 * the registry answers that a record's schema id does not exist, that record is at fault: a
 * {@link SerializationException} naming the id. Other refusals (credentials, an incompatible schema) are not the
 * record's fault and are thrown as the {@link RegistryException}.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    static final byte MAGIC = 0;

    private final Class<T> type;
    private final Schema schema;
    private final SchemaRegistryClient registry;
    private final boolean isKey;
    private final RegistryRetry retry;
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
    private final Map<Integer, DatumReader<T>> readerByWriterId = new ConcurrentHashMap<>();
    /**
     * Generated classes' own encode and decode methods ("custom coders"), where Avro's default walks the schema and
     * boxes every array item through a generic write per field: the same bytes, read and written in a straight line.
     * An Example's arrays made the generic path 9% of the features stream thread (docs/benchmarks-history.md#64-bit-ctr-keys-generated-avro-coders-caches-sized-to-the-data).
     */
    private final SpecificData model;
    private final SpecificDatumWriter<T> writer;

    private AvroSerde(Class<T> type, SchemaRegistryClient registry, boolean isKey, RegistryRetry retry) {
        this.type = type;
        this.model = new SpecificData(type.getClassLoader());
        model.setCustomCoders(true);
        this.schema = model.getSchema(type);
        this.registry = registry;
        this.isKey = isKey;
        this.retry = Objects.requireNonNull(retry, "retry");
        this.writer = new SpecificDatumWriter<>(schema, model);
        String zeroSize = BoundedBinaryDecoder.zeroSizeItems(schema);
        if (zeroSize != null) {
            throw new IllegalArgumentException(type.getName() + " has an array whose items take no bytes ("
                    + zeroSize + "): its item count could not be bounded by the record's size");
        }
    }

    /** A value serde for the generated class {@code type}, waiting out registry outages with the default policy. */
    public static <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type, SchemaRegistryClient registry) {
        return forValues(type, registry, RegistryRetry.DEFAULT);
    }

    /** A value serde for the generated class {@code type}, waiting out registry outages as {@code retry} says. */
    public static <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type, SchemaRegistryClient registry,
            RegistryRetry retry) {
        return new AvroSerde<>(type, registry, false, retry);
    }

    /** A key serde for the generated class {@code type}. */
    public static <T extends SpecificRecord> AvroSerde<T> forKeys(Class<T> type, SchemaRegistryClient registry) {
        return new AvroSerde<>(type, registry, true, RegistryRetry.DEFAULT);
    }

    /** The class this serde reads and writes. */
    public Class<T> type() {
        return type;
    }

    /**
     * Registers the writer schema for {@code topic} now, so that a refused schema fails at start, not later. Waits
     * out a registry outage ({@link RegistryRetry}).
     *
     * @throws RegistryException when the registry refuses the schema (e.g. HTTP 409, incompatible)
     */
    public int registerFor(String topic) {
        Integer id = idByTopic.get(topic);
        if (id != null) {
            return id;
        }
        String subject = subject(topic);
        int registered = retry.call("register the " + type.getSimpleName() + " schema under subject " + subject,
                () -> registry.register(subject, schema));
        idByTopic.putIfAbsent(topic, registered);
        return registered;
    }

    private String subject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** Encodes one record; {@code null} stays {@code null} (a tombstone). */
    public byte[] encode(String topic, T record) {
        if (record == null) {
            return null;
        }
        int id = registerFor(topic);
        Output out = new Output();
        out.write(MAGIC);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode a " + type.getSimpleName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * A growing byte array for one record. The direct encoder writes varints a byte at a time, and
     * {@code ByteArrayOutputStream.write} is synchronized: 5% of the features stream thread went to it.
     */
    private static final class Output extends OutputStream {
        private byte[] bytes = new byte[256];
        private int size;

        @Override
        public void write(int b) {
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (size + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
            }
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }

    /**
     * Decodes one record.
     *
     * @throws SerializationException naming the topic and the reason when the bytes are not a Confluent-framed
     *     Avro record of a schema compatible with {@code T}
     */
    public T decode(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 5) {
            throw new SerializationException("record on " + topic + " is " + data.length
                    + " bytes, too short for the Confluent wire format (magic byte + 4-byte schema id)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        byte magic = buffer.get();
        if (magic != MAGIC) {
            throw new SerializationException("record on " + topic + " starts with byte " + magic
                    + ", not the Confluent magic byte 0: not written by an Avro serializer");
        }
        int writerId = buffer.getInt();
        DatumReader<T> reader = readerByWriterId.get(writerId);
        if (reader == null) {
            Schema writerSchema = writerSchema(topic, writerId);
            reader = readerByWriterId.computeIfAbsent(writerId, id -> newReader(writerSchema, id, topic));
        }
        BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(data, 5, data.length - 5);
        try {
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode a " + type.getSimpleName() + " from " + topic
                    + " (writer schema id " + writerId + ", " + data.length + " bytes): "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
    }

    /**
     * The writer schema with this id, waiting out a registry outage. Outside the map's compute so that threads
     * waiting for the registry hold no lock.
     */
    private Schema writerSchema(String topic, int id) {
        try {
            return retry.call("fetch schema id " + id + " for a record on " + topic, () -> registry.schemaById(id));
        } catch (RegistryException e) {
            if (e.isSchemaNotFound()) {
                throw new SerializationException("record on " + topic + " names schema id " + id
                        + ", which the registry says does not exist (HTTP 404, error " + e.errorCode() + ")", e);
            }
            throw e; // not this record's fault: credentials, a wrong URL, an interrupted wait
        } catch (org.apache.avro.AvroRuntimeException e) {
            throw new SerializationException("record on " + topic + " names schema id " + id
                    + ", whose schema cannot be parsed: " + e.getMessage(), e);
        }
    }

    private DatumReader<T> newReader(Schema writerSchema, int id, String topic) {
        String zeroSize = BoundedBinaryDecoder.zeroSizeItems(writerSchema);
        if (zeroSize != null) {
            throw new SerializationException("record on " + topic + " names schema id " + id + ", which has an "
                    + "array whose items take no bytes (" + zeroSize + "): not read, its size could not be bounded");
        }
        return new SpecificDatumReader<>(writerSchema, schema, model);
    }

    @Override
    public Serializer<T> serializer() {
        return this::encode;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::decode;
    }
}
