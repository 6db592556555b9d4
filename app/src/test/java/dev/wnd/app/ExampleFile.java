package dev.wnd.app;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A flat binary file of feature rows, for the accuracy lab ({@link AccuracyLab}): the Examples of a pipeline run
 * (train and validation, in the examples topic's order) and the test displays' rows as the scorer built them. Not a
 * product format: written and read by the lab only.
 */
final class ExampleFile {

    /** Which side of the data a row comes from. */
    enum Kind { TRAIN, VALIDATION, TEST }

    /** One (display, ad) row; {@code label} is -1 for a test row (its truth is in the generator's truth files). */
    record Row(long displayId, long adId, long timestamp, int label, Kind kind, int[] categorical, float[] numeric) {
    }

    private static final int MAGIC = 0x574e4431; // "WND1"

    private ExampleFile() {
    }

    static void write(Path file, List<Row> rows) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                1 << 16))) {
            out.writeInt(MAGIC);
            for (Row r : rows) {
                out.writeLong(r.displayId());
                out.writeLong(r.adId());
                out.writeLong(r.timestamp());
                out.writeByte(r.label());
                out.writeByte(r.kind().ordinal());
                out.writeShort(r.categorical().length);
                for (int c : r.categorical()) {
                    out.writeInt(c);
                }
                out.writeShort(r.numeric().length);
                for (float x : r.numeric()) {
                    out.writeFloat(x);
                }
            }
        }
    }

    static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not an example file");
            }
            while (true) {
                long display;
                try {
                    display = in.readLong();
                } catch (EOFException end) {
                    return rows;
                }
                long ad = in.readLong();
                long ts = in.readLong();
                int label = in.readByte();
                Kind kind = Kind.values()[in.readByte()];
                int[] cat = new int[in.readShort()];
                for (int i = 0; i < cat.length; i++) {
                    cat[i] = in.readInt();
                }
                float[] num = new float[in.readShort()];
                for (int i = 0; i < num.length; i++) {
                    num[i] = in.readFloat();
                }
                rows.add(new Row(display, ad, ts, label, kind, cat, num));
            }
        }
    }
}
