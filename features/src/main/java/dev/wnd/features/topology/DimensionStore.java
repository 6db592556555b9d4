package dev.wnd.features.topology;

import dev.wnd.features.store.KeepRule;

import dev.wnd.features.store.WriteCountingKeyValueStore;
import dev.wnd.features.state.DocAspects;
import dev.wnd.features.state.StateSerdes;
import dev.wnd.features.util.LongObjectMap;
import dev.wnd.schemas.avro.DocumentMeta;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A typed view of one global dimension store, which holds per-document values and the counts derived from them
 * under tagged binary keys: {@code 'd' + document id} → the document's metadata or aspect list,
 * {@code 'f' + aspect key} → the aspect's document frequency, {@code 't'} → the number of documents (documents
 * store) or of distinct aspects (aspect stores). Global stores are fed by one topic each, so the counts live beside
 * the rows they count. Every update is idempotent: a replayed row changes nothing, so restoring a global store by
 * reprocessing its topic (as Kafka Streams does for stores with a custom processor) gives the same counts.
 *
 * <p>A reader keeps the values it deserialized by the {@link KeepRule}: over a {@link WriteCountingKeyValueStore},
 * until the store has been written since; over any other store it reads through every time. A reader is confined to
 * one stream thread.
 */
final class DimensionStore {

    private static final byte DOCUMENT = 'd';
    private static final byte FREQUENCY = 'f';
    private static final Bytes TOTAL = Bytes.wrap(new byte[] {'t'});

    private static final Object ABSENT = new Object();

    private final KeyValueStore<Bytes, byte[]> kv;
    private final Serde<DocumentMeta> meta = StateSerdes.documentMeta();
    private final Serde<DocAspects> aspects = StateSerdes.docAspects();
    private final KeepRule keepRule;
    private final LongObjectMap<Object> documents = new LongObjectMap<>();
    private final LongObjectMap<Long> frequencies = new LongObjectMap<>();
    private long keptTotal = -1;

    DimensionStore(KeyValueStore<Bytes, byte[]> kv) {
        this.kv = kv;
        this.keepRule = new KeepRule(WriteCountingKeyValueStore.under(kv));
    }

    /** Whether kept values may be used: forgets them all when the store was written since they were read. */
    private boolean keeps() {
        if (!keepRule.enabled()) {
            return false;
        }
        if (keepRule.mustForget(documents.size() + frequencies.size())) {
            documents.clear();
            frequencies.clear();
            keptTotal = -1;
        }
        return true;
    }

    /** The document's metadata, or null. */
    DocumentMeta meta(long documentId) {
        boolean keeps = keeps();
        if (keeps) {
            Object kept = documents.get(documentId);
            if (kept != null) {
                return kept == ABSENT ? null : (DocumentMeta) kept;
            }
        }
        byte[] bytes = kv.get(key(DOCUMENT, documentId));
        DocumentMeta m = bytes == null ? null : meta.deserializer().deserialize(null, bytes);
        if (keeps) {
            documents.put(documentId, m == null ? ABSENT : m);
        }
        return m;
    }

    /**
     * Keeps a document's metadata when it has a source; forgets the document when it has none (the seed drops those
     * rows). Counts the documents kept.
     */
    void putMeta(DocumentMeta m) {
        Bytes key = key(DOCUMENT, m.getDocumentId());
        boolean known = kv.get(key) != null;
        if (m.getSourceId() == null) {
            if (known) {
                kv.delete(key);
                add(TOTAL, -1);
            }
            return;
        }
        kv.put(key, meta.serializer().serialize(null, m));
        if (!known) {
            add(TOTAL, 1);
        }
    }

    /** The document's aspects, {@link DocAspects#EMPTY} when none. */
    DocAspects aspects(long documentId) {
        boolean keeps = keeps();
        if (keeps) {
            Object kept = documents.get(documentId);
            if (kept != null) {
                return (DocAspects) kept;
            }
        }
        byte[] bytes = kv.get(key(DOCUMENT, documentId));
        DocAspects a = bytes == null ? DocAspects.EMPTY : aspects.deserializer().deserialize(null, bytes);
        if (keeps) {
            documents.put(documentId, a);
        }
        return a;
    }

    /** Adds (or re-states) one aspect row of a document; counts documents per aspect and distinct aspects. */
    void putAspect(long documentId, long aspectKey, double confidence) {
        DocAspects current = aspects(documentId);
        boolean known = current.indexOf(aspectKey) >= 0;
        kv.put(key(DOCUMENT, documentId), aspects.serializer().serialize(null, current.with(aspectKey, confidence)));
        if (!known && add(key(FREQUENCY, aspectKey), 1) == 1) {
            add(TOTAL, 1);
        }
    }

    /** The number of documents carrying an aspect. */
    long frequency(long aspectKey) {
        if (!keeps()) {
            return count(key(FREQUENCY, aspectKey));
        }
        Long kept = frequencies.get(aspectKey);
        if (kept == null) {
            kept = count(key(FREQUENCY, aspectKey));
            frequencies.put(aspectKey, kept);
        }
        return kept;
    }

    /** The number of documents (documents store) or of distinct aspects (aspect stores). */
    long total() {
        if (!keeps()) {
            return count(TOTAL);
        }
        if (keptTotal < 0) {
            keptTotal = count(TOTAL);
        }
        return keptTotal;
    }

    private long count(Bytes key) {
        byte[] bytes = kv.get(key);
        long count = 0;
        if (bytes != null) {
            for (int i = 0; i < Long.BYTES; i++) {
                count = count << 8 | (bytes[i] & 0xff);
            }
        }
        return count;
    }

    private long add(Bytes key, long delta) {
        long next = count(key) + delta;
        kv.put(key, ByteBuffer.allocate(Long.BYTES).putLong(next).array());
        return next;
    }

    /** {@code tag} then {@code id} big-endian, written byte by byte: a ByteBuffer per read was 5% of a stream thread. */
    private static Bytes key(byte tag, long id) {
        byte[] key = new byte[1 + Long.BYTES];
        key[0] = tag;
        for (int i = Long.BYTES; i > 0; i--) {
            key[i] = (byte) id;
            id >>>= 8;
        }
        return Bytes.wrap(key);
    }
}
