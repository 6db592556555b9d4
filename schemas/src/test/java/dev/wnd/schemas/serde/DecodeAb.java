package dev.wnd.schemas.serde;

import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * An in-JVM A/B of the hot decode path on Example records: A is the decode as it was before the bounded decoder
 * (Avro's {@code BinaryDecoder} over the same bytes, the same header parsing and reader lookup), B is
 * {@link AvroSerde#decode}. Each round runs A and B, in alternating order; prints each round's ns per record and the median ratio B/A.
 * Not a test: run with {@code java -cp ... dev.wnd.schemas.serde.DecodeAb [rounds]}.
 */
public final class DecodeAb {

    private DecodeAb() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        AvroSerde<Example> serde = AvroSerde.forValues(Example.class, registry);
        Random r = new Random(11);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            List<Integer> cat = new ArrayList<>();
            for (int s = 0; s < 40; s++) {
                cat.add(r.nextInt(10) == 0 ? -1 : r.nextInt(250_000));
            }
            List<Float> num = new ArrayList<>();
            for (int s = 0; s < 32; s++) {
                num.add(r.nextFloat());
            }
            records.add(serde.encode("examples", new Example((long) r.nextInt(20_000_000), (long) r.nextInt(500_000),
                    r.nextLong() >>> 20, r.nextInt(2), Split.TRAIN, "0123456789abcdef", cat, num)));
        }
        Legacy legacy = new Legacy(registry);
        double[] a = new double[rounds];
        double[] b = new double[rounds];
        long sink = 0;
        for (int round = -10; round < rounds; round++) { // 10 warm-up rounds
            boolean aFirst = (round & 1) == 0; // alternate the order, so that neither always runs after the other
            long ta = 0;
            long tb = 0;
            for (int pass = 0; pass < 2; pass++) {
                long t0 = System.nanoTime();
                if ((pass == 0) == aFirst) {
                    for (byte[] rec : records) {
                        sink += legacy.decode(rec).getAdId();
                    }
                    ta = System.nanoTime() - t0;
                } else {
                    for (byte[] rec : records) {
                        sink += serde.decode("examples", rec).getAdId();
                    }
                    tb = System.nanoTime() - t0;
                }
            }
            if (round >= 0) {
                a[round] = ta / (double) records.size();
                b[round] = tb / (double) records.size();
            }
        }
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratio[i] = b[i] / a[i];
        }
        Arrays.sort(a);
        Arrays.sort(b);
        Arrays.sort(ratio);
        System.out.printf("records %d of %d bytes; A (BinaryDecoder) median %.0f ns/record, B (bounded) median %.0f "
                + "ns/record; B/A median %.3f (min %.3f, max %.3f) [%d]%n", records.size(), records.get(0).length,
                a[rounds / 2], b[rounds / 2], ratio[rounds / 2], ratio[0], ratio[rounds - 1], sink & 1);
    }

    /** The decode as it was: header, reader per writer id, Avro's BinaryDecoder. */
    private static final class Legacy {
        private final InMemorySchemaRegistryClient registry;
        private final SpecificData model = new SpecificData(Example.class.getClassLoader());
        private final Map<Integer, DatumReader<Example>> readers = new ConcurrentHashMap<>();

        Legacy(InMemorySchemaRegistryClient registry) {
            this.registry = registry;
            model.setCustomCoders(true);
        }

        Example decode(byte[] data) throws Exception {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            if (buffer.get() != 0) {
                throw new IllegalStateException();
            }
            int id = buffer.getInt();
            DatumReader<Example> reader = readers.computeIfAbsent(id,
                    i -> new SpecificDatumReader<>(registry.schemaById(i), Example.getClassSchema(), model));
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null));
        }
    }
}
