package dev.wnd.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class BoundedBinaryDecoderTest {

    /** Every Avro type, nested, with a map and arrays of records. */
    private static final Schema ALL = new Schema.Parser().parse("""
            {"type": "record", "name": "All", "fields": [
              {"name": "b", "type": "boolean"},
              {"name": "i", "type": "int"},
              {"name": "l", "type": "long"},
              {"name": "f", "type": "float"},
              {"name": "d", "type": "double"},
              {"name": "s", "type": "string"},
              {"name": "bytes", "type": "bytes"},
              {"name": "fixed", "type": {"type": "fixed", "name": "F", "size": 3}},
              {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}},
              {"name": "u", "type": ["null", "string", "long"]},
              {"name": "m", "type": {"type": "map", "values": "long"}},
              {"name": "a", "type": {"type": "array", "items": {"type": "record", "name": "Item", "fields": [
                 {"name": "x", "type": "long"}, {"name": "y", "type": ["null", "double"]}]}}},
              {"name": "nested", "type": {"type": "array", "items": {"type": "array", "items": "int"}}}
            ]}""");

    @Test
    void shouldReadEverythingAvrosOwnDecoderReadsWrittenDirectOrInBlocks() throws Exception {
        Random random = new Random(7);
        for (int n = 0; n < 200; n++) {
            GenericRecord record = randomRecord(random);
            for (boolean blocking : new boolean[] {false, true}) {
                byte[] bytes = encode(record, blocking);
                Object expected = new GenericDatumReader<>(ALL)
                        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
                BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(bytes, 0, bytes.length);
                Object actual = new GenericDatumReader<>(ALL).read(null, decoder);
                assertThat(actual).isEqualTo(expected).isEqualTo(record);
                assertThat(decoder.position()).isEqualTo(bytes.length);
            }
        }
    }

    @Test
    void shouldWriteNegativeBlockCountsWithTheBlockingEncoderSoThatTheTestAboveReadsThem() throws Exception {
        GenericRecord record = randomRecord(new Random(1));
        record.put("a", List.of());
        record.put("m", Map.of());
        List<List<Integer>> nested = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            nested.add(List.of(i, i, i, i));
        }
        record.put("nested", nested);
        assertThat(encode(record, true)).isNotEqualTo(encode(record, false));
    }

    @Test
    void shouldSkipArraysAndMapsTheReaderSchemaDropsWrittenDirectOrInBlocks() throws Exception {
        Schema fewer = new Schema.Parser().parse("""
                {"type": "record", "name": "All", "fields": [{"name": "l", "type": "long"},
                  {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}}]}""");
        GenericRecord record = randomRecord(new Random(3));
        for (boolean blocking : new boolean[] {false, true}) {
            byte[] bytes = encode(record, blocking);
            BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(bytes, 0, bytes.length);
            GenericRecord read = (GenericRecord) new GenericDatumReader<>(ALL, fewer).read(null, decoder);
            assertThat(read.get("l")).isEqualTo(record.get("l"));
            assertThat(read.get("e").toString()).isEqualTo(record.get("e").toString());
            assertThat(decoder.position()).isEqualTo(bytes.length);
        }
    }

    @Test
    void shouldReadTheExtremeVarints() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        long[] longs = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE};
        int[] ints = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 64, -65};
        for (long l : longs) {
            encoder.writeLong(l);
        }
        for (int i : ints) {
            encoder.writeInt(i);
        }
        encoder.flush();
        byte[] bytes = out.toByteArray();
        BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(bytes, 0, bytes.length);
        for (long l : longs) {
            assertThat(decoder.readLong()).isEqualTo(l);
        }
        for (int i : ints) {
            assertThat(decoder.readInt()).isEqualTo(i);
        }
    }

    @Test
    void shouldRefuseAVarintLongerThanALongCanBe() {
        byte[] bytes = new byte[12];
        java.util.Arrays.fill(bytes, (byte) 0x80);
        assertThatThrownBy(() -> new BoundedBinaryDecoder(bytes, 0, bytes.length).readLong())
                .isInstanceOf(IOException.class).hasMessageContaining("malformed long at byte 0");
        assertThatThrownBy(() -> new BoundedBinaryDecoder(bytes, 0, bytes.length).readInt())
                .isInstanceOf(IOException.class).hasMessageContaining("malformed int at byte 0");
    }

    @Test
    void shouldRefuseAMapBlockClaimingMoreEntriesThanTheBytesLeftBeforeAllocatingIt() throws Exception {
        Schema map = new Schema.Parser().parse("{\"type\": \"map\", \"values\": \"long\"}");
        byte[] bytes = varints(Integer.MAX_VALUE - 8L, 2, 'k', 1);
        assertThatThrownBy(() -> new GenericDatumReader<>(map)
                .read(null, new BoundedBinaryDecoder(bytes, 0, bytes.length)))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("map block at byte 0 claims 2147483639 items, but only 4 bytes left");
    }

    @Test
    void shouldRefuseABlockWhoseByteSizeIsBeyondTheEnd() throws Exception {
        Schema array = new Schema.Parser().parse("{\"type\": \"array\", \"items\": \"long\"}");
        byte[] bytes = varints(-1, 1_000_000, 2, 0);
        assertThatThrownBy(() -> new GenericDatumReader<>(array)
                .read(null, new BoundedBinaryDecoder(bytes, 0, bytes.length)))
                .isInstanceOf(EOFException.class).hasMessageContaining("claims 1000000 bytes, but only 2 bytes left");
    }

    @Test
    void shouldRefuseNegativeLengths() throws Exception {
        byte[] bytes = varints(-5, 'a');
        assertThatThrownBy(() -> new BoundedBinaryDecoder(bytes, 0, bytes.length).readString((Utf8) null))
                .isInstanceOf(IOException.class).hasMessageContaining("negative length -5");
        assertThatThrownBy(() -> new BoundedBinaryDecoder(bytes, 0, bytes.length).readBytes(null))
                .isInstanceOf(IOException.class).hasMessageContaining("negative length -5");
    }

    @Test
    void shouldRefuseAFixedLongerThanTheBytesLeft() {
        byte[] bytes = {1, 2};
        assertThatThrownBy(() -> new BoundedBinaryDecoder(bytes, 0, 2).readFixed(new byte[3], 0, 3))
                .isInstanceOf(EOFException.class).hasMessageContaining("a fixed at byte 0 needs 3 bytes, 2 left");
    }

    @Test
    void shouldFindArraysWhoseItemsTakeNoBytes() {
        assertThat(BoundedBinaryDecoder.zeroSizeItems(new Schema.Parser().parse("""
                {"type": "record", "name": "R", "fields": [{"name": "nulls",
                  "type": {"type": "array", "items": "null"}}]}"""))).isEqualTo("R.nulls[]");
        assertThat(BoundedBinaryDecoder.zeroSizeItems(new Schema.Parser().parse("""
                {"type": "record", "name": "R", "fields": [{"name": "u", "type": ["null", {"type": "array",
                  "items": {"type": "record", "name": "Empty", "fields": [
                    {"name": "f", "type": {"type": "fixed", "name": "Z", "size": 0}}]}}]}]}""")))
                .isEqualTo("R.u[]");
        assertThat(BoundedBinaryDecoder.zeroSizeItems(ALL)).isNull();
    }

    @Test
    void shouldBoundEveryArrayOfEveryTopicsSchemaByTheBytesLeft() {
        AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());
        for (Topic<?, ?> topic : topics.all()) {
            if (topic.valueSerde() instanceof AvroSerde<?> avro) {
                Schema schema = org.apache.avro.specific.SpecificData.get().getSchema(avro.type());
                assertThat(BoundedBinaryDecoder.zeroSizeItems(schema)).as(topic.name()).isNull();
            }
        }
    }

    private static byte[] varints(long... values) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        for (long v : values) {
            encoder.writeLong(v);
        }
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] encode(GenericRecord record, boolean blocking) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = blocking ? new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null)
                : EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(ALL).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord randomRecord(Random r) {
        GenericRecord g = new GenericData.Record(ALL);
        g.put("b", r.nextBoolean());
        g.put("i", r.nextInt() >> r.nextInt(32));
        g.put("l", r.nextLong() >> r.nextInt(64));
        g.put("f", r.nextFloat() * 1000 - 500);
        g.put("d", r.nextGaussian() * 1e6);
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(30); i > 0; i--) {
            s.append((char) (r.nextBoolean() ? 'a' + r.nextInt(26) : 0x400 + r.nextInt(200))); // ASCII and Cyrillic
        }
        g.put("s", new Utf8(s.toString()));
        byte[] bytes = new byte[r.nextInt(20)];
        r.nextBytes(bytes);
        g.put("bytes", ByteBuffer.wrap(bytes));
        byte[] fixed = new byte[3];
        r.nextBytes(fixed);
        g.put("fixed", new GenericData.Fixed(ALL.getField("fixed").schema(), fixed));
        g.put("e", new GenericData.EnumSymbol(ALL.getField("e").schema(), List.of("A", "B", "C").get(r.nextInt(3))));
        g.put("u", switch (r.nextInt(3)) {
            case 0 -> null;
            case 1 -> new Utf8("u" + r.nextInt());
            default -> r.nextLong();
        });
        Map<Utf8, Long> m = new HashMap<>();
        for (int i = r.nextInt(8); i > 0; i--) {
            m.put(new Utf8("k" + r.nextInt(100)), r.nextLong());
        }
        g.put("m", m);
        Schema item = ALL.getField("a").schema().getElementType();
        List<GenericRecord> a = new ArrayList<>();
        for (int i = r.nextInt(40); i > 0; i--) {
            GenericRecord it = new GenericData.Record(item);
            it.put("x", r.nextLong());
            it.put("y", r.nextBoolean() ? null : r.nextDouble());
            a.add(it);
        }
        g.put("a", a);
        List<List<Integer>> nested = new ArrayList<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            List<Integer> inner = new ArrayList<>();
            for (int j = r.nextInt(30); j > 0; j--) {
                inner.add(r.nextInt());
            }
            nested.add(inner);
        }
        g.put("nested", nested);
        return g;
    }
}
