package dev.wnd.features.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Compact binary serdes of the internal state values (stores and their changelogs). Each value starts with a
 * format byte so that a later layout can still read older changelogs.
 */
public final class StateSerdes {

    private static final byte USER_V1 = 1;
    private static final byte CTR_V1 = 1;
    private static final byte PENDING_V1 = 1;

    private StateSerdes() {
    }

    public static Serde<UserState> userState() {
        return Serdes.serdeFrom((topic, u) -> u == null ? null : write(out -> {
            out.writeByte(USER_V1);
            out.writeLong(u.views());
            out.writeInt(u.recentDocs().length);
            for (long d : u.recentDocs()) {
                out.writeLong(d);
            }
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            expect(in.readByte(), USER_V1, "user state");
            long views = in.readLong();
            long[] docs = new long[in.readInt()];
            for (int i = 0; i < docs.length; i++) {
                docs[i] = in.readLong();
            }
            return new UserState(views, docs);
        }));
    }

    public static Serde<CtrCounts> ctrCounts() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : write(out -> {
            out.writeByte(CTR_V1);
            out.writeLong(c.views());
            out.writeLong(c.clicks());
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            expect(in.readByte(), CTR_V1, "CTR counts");
            return new CtrCounts(in.readLong(), in.readLong());
        }));
    }

    public static Serde<PendingDisplay> pendingDisplay() {
        return Serdes.serdeFrom((topic, p) -> p == null ? null : write(out -> {
            out.writeByte(PENDING_V1);
            out.writeLong(p.timestamp());
            out.writeBoolean(p.validation());
            out.writeInt(p.ads().size());
            for (PendingDisplay.PendingAd ad : p.ads()) {
                out.writeLong(ad.adId());
                out.writeInt(ad.vector().categorical().length);
                for (int c : ad.vector().categorical()) {
                    out.writeInt(c);
                }
                out.writeInt(ad.vector().numeric().length);
                for (float f : ad.vector().numeric()) {
                    out.writeFloat(f);
                }
            }
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            expect(in.readByte(), PENDING_V1, "pending display");
            long timestamp = in.readLong();
            boolean validation = in.readBoolean();
            int n = in.readInt();
            java.util.List<PendingDisplay.PendingAd> ads = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long adId = in.readLong();
                int[] cat = new int[in.readInt()];
                for (int j = 0; j < cat.length; j++) {
                    cat[j] = in.readInt();
                }
                float[] num = new float[in.readInt()];
                for (int j = 0; j < num.length; j++) {
                    num[j] = in.readFloat();
                }
                ads.add(new PendingDisplay.PendingAd(adId, new dev.wnd.features.fn.FeatureVector(cat, num)));
            }
            return new PendingDisplay(timestamp, validation, ads);
        }));
    }

    private static void expect(byte actual, byte expected, String what) {
        if (actual != expected) {
            throw new IllegalStateException("unknown " + what + " format " + actual + " (this build reads "
                    + expected + ")");
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("truncated state value", e);
        }
    }
}
