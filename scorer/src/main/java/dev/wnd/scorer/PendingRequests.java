package dev.wnd.scorer;

import dev.wnd.features.fn.FeatureVector;
import dev.wnd.schemas.avro.ScoreRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The requests a scoring processor holds for its next forward pass, in arrival order. Kept in memory for the
 * pass, and written to a change-logged store at every change, so that a Streams commit (which may come while
 * requests are held: at the end of a loop iteration, at a rebalance, at shutdown) always persists the held requests
 * together with the input offsets that passed them; a restarted task answers them first. Confined to the stream
 * thread of its task.
 */
final class PendingRequests {

    /**
     * One held request: where it came from and when, with its distinct ads and their feature vectors as assembled
     * on arrival ({@code vectors} is null for a request restored from the store: its features are assembled when
     * it is scored).
     */
    record Held(String key, ScoreRequest request, long timestampMs, boolean json, long receivedMs,
            long arrivedNanos, List<Long> ads, List<FeatureVector> vectors) {

        /** This request with its feature vectors. */
        Held withVectors(List<FeatureVector> assembled) {
            return new Held(key, request, timestampMs, json, receivedMs, arrivedNanos, ads, assembled);
        }
    }

    private final List<Held> held = new ArrayList<>();
    private int ads;

    void add(Held h) {
        held.add(h);
        ads += h.ads().size();
    }

    /** The held requests, oldest first; {@link #clear} empties them. */
    List<Held> held() {
        return Collections.unmodifiableList(held);
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** Candidate ads over all held requests, duplicates included. */
    int ads() {
        return ads;
    }

    /** The request's candidate ads, each once, in request order. */
    static List<Long> distinctAds(ScoreRequest request) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(request.getAdIds()));
    }

    void clear() {
        held.clear();
        ads = 0;
    }

    /** The store's value serde: a count, then per request its key, timestamps, face and Avro single-object bytes. */
    static Serde<List<Held>> serde() {
        return Serdes.serdeFrom((topic, list) -> encode(list), (topic, bytes) -> decode(bytes));
    }

    static byte[] encode(List<Held> list) {
        if (list == null) {
            return null;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 128 * list.size());
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(list.size());
            for (Held h : list) {
                data.writeBoolean(h.key() != null);
                data.writeUTF(h.key() == null ? "" : h.key());
                data.writeLong(h.timestampMs());
                data.writeBoolean(h.json());
                data.writeLong(h.receivedMs());
                ByteBuffer avro = h.request().toByteBuffer();
                data.writeInt(avro.remaining());
                data.write(avro.array(), avro.arrayOffset() + avro.position(), avro.remaining());
            }
            data.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the held score requests", e);
        }
    }

    static List<Held> decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int n = in.readInt();
            List<Held> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                boolean hasKey = in.readBoolean();
                String key = in.readUTF();
                long timestamp = in.readLong();
                boolean json = in.readBoolean();
                long received = in.readLong();
                byte[] avro = new byte[in.readInt()];
                in.readFully(avro);
                ScoreRequest request = ScoreRequest.fromByteBuffer(ByteBuffer.wrap(avro));
                list.add(new Held(hasKey ? key : null, request, timestamp, json, received, System.nanoTime(),
                        distinctAds(request), null));
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode the held score requests", e);
        }
    }
}
