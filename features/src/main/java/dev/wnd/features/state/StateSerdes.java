package dev.wnd.features.state;

import org.apache.kafka.common.errors.SerializationException;
import dev.wnd.features.fn.FeatureVector;
import dev.wnd.schemas.avro.DocumentMeta;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Compact binary serdes of the internal state values (stores and their changelogs). Each value starts with a
 * format byte so that a later layout can still read older changelogs; counts and ids are written as unsigned
 * varints where they are small and non-negative.
 */
public final class StateSerdes {

    private static final byte USER_V1 = 1;
    private static final byte USER_V2 = 2;
    private static final byte CTR_V1 = 1;
    private static final byte CTR_V2 = 2;
    private static final byte PENDING_V1 = 1;
    private static final byte ASPECTS_V1 = 1;
    private static final byte META_V1 = 1;
    private static final byte FACTS_V1 = 1;
    private static final byte BROADCAST_V1 = 1;

    private StateSerdes() {
    }

    /** {@link UserState}, format 2; reads format 1 (views and document ids only) too. */
    public static Serde<UserState> userState() {
        return Serdes.serdeFrom((topic, u) -> u == null ? null : write(out -> {
            out.writeByte(USER_V2);
            writeVarLong(out, u.views());
            writeVarLong(out, u.documents().size());
            for (ViewedDocument d : u.documents()) {
                out.writeLong(d.documentId());
                writeVarLong(out, Integer.toUnsignedLong((d.day() << 1) ^ (d.day() >> 31)));
                out.writeByte(d.platform() | d.trafficSource() << 3 | (d.profiled() ? 0x40 : 0));
                out.writeInt(d.geoHash());
            }
            for (AspectKind kind : AspectKind.values()) {
                AspectProfile p = u.profile(kind);
                writeVarLong(out, p.size());
                for (int i = 0; i < p.size(); i++) {
                    out.writeLong(p.keys()[i]);
                    writeVarLong(out, p.termFrequencies()[i]);
                    out.writeDouble(p.confidenceSums()[i]);
                }
            }
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            byte format = in.readByte();
            if (format == USER_V1) {
                long views = in.readLong();
                int n = in.readInt();
                List<ViewedDocument> docs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    docs.add(new ViewedDocument(in.readLong(), 0, 0, 0, 0, true));
                }
                return new UserState(views, docs, Map.of());
            }
            expect(format, USER_V2, "user state");
            long views = readVarLong(in);
            int n = (int) readVarLong(in);
            List<ViewedDocument> docs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long doc = in.readLong();
                int zigzag = (int) readVarLong(in);
                int day = (zigzag >>> 1) ^ -(zigzag & 1);
                int flags = in.readUnsignedByte();
                int geoHash = in.readInt();
                docs.add(new ViewedDocument(doc, day, flags & 0x7, geoHash, (flags >> 3) & 0x7, (flags & 0x40) != 0));
            }
            Map<AspectKind, AspectProfile> profiles = new EnumMap<>(AspectKind.class);
            for (AspectKind kind : AspectKind.values()) {
                int size = (int) readVarLong(in);
                long[] keys = new long[size];
                int[] tf = new int[size];
                double[] sums = new double[size];
                for (int i = 0; i < size; i++) {
                    keys[i] = in.readLong();
                    tf[i] = (int) readVarLong(in);
                    sums[i] = in.readDouble();
                }
                profiles.put(kind, new AspectProfile(keys, tf, sums));
            }
            return new UserState(views, docs, profiles);
        }));
    }

    /** {@link CtrCounts}, format 2; reads format 1 (views and clicks only) too. */
    public static Serde<CtrCounts> ctrCounts() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : write(out -> {
            out.writeByte(CTR_V2);
            writeVarLong(out, c.views());
            writeVarLong(out, c.clicks());
            writeVarLong(out, c.distinctAds());
            out.writeDouble(c.confidenceSum());
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            byte format = in.readByte();
            if (format == CTR_V1) {
                long views = in.readLong();
                return new CtrCounts(views, in.readLong(), Math.min(1, views), 0.0);
            }
            expect(format, CTR_V2, "CTR counts");
            return new CtrCounts(readVarLong(in), readVarLong(in), readVarLong(in), in.readDouble());
        }));
    }

    /** {@link DocAspects}, format 1. */
    public static Serde<DocAspects> docAspects() {
        return Serdes.serdeFrom((topic, a) -> a == null ? null : write(out -> {
            out.writeByte(ASPECTS_V1);
            writeVarLong(out, a.size());
            for (int i = 0; i < a.size(); i++) {
                out.writeLong(a.keys()[i]);
                out.writeDouble(a.confidences()[i]);
            }
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            expect(in.readByte(), ASPECTS_V1, "document aspects");
            int n = (int) readVarLong(in);
            long[] keys = new long[n];
            double[] confidences = new double[n];
            for (int i = 0; i < n; i++) {
                keys[i] = in.readLong();
                confidences[i] = in.readDouble();
            }
            return new DocAspects(keys, confidences);
        }));
    }

    /** {@link DocumentMeta} without Avro's schema machinery, format 1: a presence byte, then the present fields. */
    public static Serde<DocumentMeta> documentMeta() {
        return Serdes.serdeFrom((topic, m) -> m == null ? null : write(out -> {
            out.writeByte(META_V1);
            out.writeLong(m.getDocumentId());
            out.writeByte((m.getSourceId() != null ? 1 : 0) | (m.getPublisherId() != null ? 2 : 0)
                    | (m.getPublishTime() != null ? 4 : 0));
            if (m.getSourceId() != null) {
                out.writeLong(m.getSourceId());
            }
            if (m.getPublisherId() != null) {
                out.writeLong(m.getPublisherId());
            }
            if (m.getPublishTime() != null) {
                out.writeLong(m.getPublishTime());
            }
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            expect(in.readByte(), META_V1, "document metadata");
            long id = in.readLong();
            int present = in.readUnsignedByte();
            Long source = (present & 1) != 0 ? in.readLong() : null;
            Long publisher = (present & 2) != 0 ? in.readLong() : null;
            Long published = (present & 4) != 0 ? in.readLong() : null;
            return new DocumentMeta(id, source, publisher, published);
        }));
    }

    /** {@link DisplayFacts}, format 1. */
    public static Serde<DisplayFacts> displayFacts() {
        return Serdes.serdeFrom((topic, f) -> f == null ? null : write(out -> {
            out.writeByte(FACTS_V1);
            out.writeLong(f.pageDocumentId());
            out.writeBoolean(f.country() != null);
            if (f.country() != null) {
                out.writeUTF(f.country());
            }
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            expect(in.readByte(), FACTS_V1, "display facts");
            long page = in.readLong();
            return new DisplayFacts(page, in.readBoolean() ? in.readUTF() : null);
        }));
    }

    /** {@link CtrBroadcast}, format 1: the CTR updates topic's values (and the sequencer's held updates). */
    public static Serde<CtrBroadcast> ctrBroadcast() {
        return Serdes.serdeFrom((topic, b) -> b == null ? null : write(out -> {
            out.writeByte(BROADCAST_V1);
            out.writeInt(b.source());
            out.writeLong(b.sequence());
            out.writeLong(b.watermark());
            out.writeLong(b.streamTime());
            out.writeLong(b.orderTime());
            CtrUpdate u = b.update();
            out.writeByte(u == null ? 0 : u.facts() == null ? 1 : 2);
            if (u != null) {
                out.writeLong(u.displayId());
                writeLongs(out, u.adIds());
                writeLongs(out, u.clickedAdIds());
                if (u.facts() != null) {
                    out.writeLong(u.facts().pageDocumentId());
                    out.writeBoolean(u.facts().country() != null);
                    if (u.facts().country() != null) {
                        out.writeUTF(u.facts().country());
                    }
                }
            }
        }), (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
            expect(in.readByte(), BROADCAST_V1, "CTR broadcast");
            int source = in.readInt();
            long sequence = in.readLong();
            long watermark = in.readLong();
            long streamTime = in.readLong();
            long orderTime = in.readLong();
            int kind = in.readUnsignedByte();
            if (kind > 2) {
                throw new IOException("unknown CTR broadcast kind " + kind);
            }
            CtrUpdate update = null;
            if (kind > 0) {
                long displayId = in.readLong();
                List<Long> ads = readLongs(in);
                List<Long> clicked = readLongs(in);
                DisplayFacts facts = null;
                if (kind == 2) {
                    long page = in.readLong();
                    facts = new DisplayFacts(page, in.readBoolean() ? in.readUTF() : null);
                }
                update = new CtrUpdate(displayId, ads, clicked, facts);
            }
            return new CtrBroadcast(source, sequence, watermark, streamTime, orderTime, update);
        }));
    }

    private static void writeLongs(StateBytes.Out out, List<Long> values) {
        writeVarLong(out, values.size());
        for (long v : values) {
            out.writeLong(v);
        }
    }

    private static List<Long> readLongs(StateBytes.In in) throws IOException {
        int n = (int) readVarLong(in);
        List<Long> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readLong());
        }
        return values;
    }

    /** {@link PendingDisplay}, format 1. */
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
            List<PendingDisplay.PendingAd> ads = new ArrayList<>(n);
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
                ads.add(new PendingDisplay.PendingAd(adId, new FeatureVector(cat, num)));
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

    private static void writeVarLong(StateBytes.Out out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("varints here are non-negative, got " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarLong(StateBytes.In in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed varint");
    }

    private interface Writer {
        void write(StateBytes.Out out) throws IOException;
    }

    private interface Reader<T> {
        T read(StateBytes.In in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        StateBytes.Out out = new StateBytes.Out(64);
        try {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads one value; bytes that are not one fail with a {@link SerializationException}, as Kafka's deserializers
     * do, so that a record of them (a CTR broadcast from a broken producer) is dead-lettered, not fatal.
     */
    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try {
            return reader.read(new StateBytes.In(bytes));
        } catch (BufferUnderflowException e) {
            throw new SerializationException("truncated state value: " + bytes.length + " bytes end early", e);
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            throw new SerializationException("not a state value: " + e.getMessage(), e);
        }
    }
}
