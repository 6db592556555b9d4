package dev.wnd.features.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A persistent (RocksDB) byte store whose writes wait in memory, the latest value per key, and reach RocksDB in one
 * batch: when {@code maxPendingBytes} of keys and values wait, when Streams flushes or commits the store (a
 * checkpoint, a clean close), and before any iterating query. It sits beneath Streams' change-logging layer (see
 * {@link #persistent}), so every write still goes to the changelog at once; only the local copy is deferred.
 *
 * <p>Why: every commit writes each state key changed since the last one (see {@link ObjectCachingKeyValueStore}).
 * A CTR key of a busy ad changes between almost every two commits, so a replay put it into RocksDB hundreds of
 * times: each a JNI call and a skip-list insert into the memtable, which also fills and flushes sooner. Those puts
 * were 26% of the features' stream thread (docs/benchmarks-history.md#writes-held-for-rocksdb). Here a key is written once per batch.
 *
 * <p>Why it is safe: the local store is a copy of the changelog. Under exactly-once, Streams commits a store's
 * offsets (and writes its checkpoint) only at a clean suspend or close, after flushing it, and otherwise restores a
 * store after a crash from the changelog; under at-least-once it flushes a store before every checkpoint. Both
 * reach this layer as {@link #flush} or {@link #commit}, which write everything pending first, so the offsets a
 * store records never run ahead of its contents. Writes pending at a close without a flush (a crash, a corrupted
 * task) are dropped, as RocksDB drops its memtable there (Streams runs it without a write-ahead log); restoring from
 * the changelog puts them back.
 *
 * <p>Reads see pending writes first. Confined to the stream thread of its task, like every task store.
 */
public final class DeferredWriteStore extends ForwardingKeyValueStore<Bytes, byte[]> {

    /** A pending delete (identity, not content: an empty value is a value). */
    private static final byte[] TOMBSTONE = new byte[0];
    /** Per pending entry, beyond its key and value: the map's node and the key's wrapper, roughly. */
    private static final int ENTRY_OVERHEAD = 64;

    private final long maxPendingBytes;
    private final Map<Bytes, byte[]> pending = new HashMap<>();
    private long pendingBytes;

    /** This layer over {@code store}, writing to it once {@code maxPendingBytes} wait (see {@link #persistent}). */
    DeferredWriteStore(KeyValueStore<Bytes, byte[]> store, long maxPendingBytes) {
        super(store);
        this.maxPendingBytes = maxPendingBytes;
    }

    /**
     * A RocksDB store named {@code name} (as {@link Stores#persistentKeyValueStore}) with this layer on top, holding
     * at most {@code maxPendingBytes} (roughly: keys, values and per-entry overhead) before it writes to RocksDB.
     */
    public static KeyValueBytesStoreSupplier persistent(String name, long maxPendingBytes) {
        if (maxPendingBytes < 1) {
            throw new IllegalArgumentException("maxPendingBytes must be >= 1, got " + maxPendingBytes);
        }
        KeyValueBytesStoreSupplier rocksDb = Stores.persistentKeyValueStore(name);
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return rocksDb.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new DeferredWriteStore(rocksDb.get(), maxPendingBytes);
            }

            @Override
            public String metricsScope() {
                return rocksDb.metricsScope();
            }
        };
    }

    @Override
    public byte[] get(Bytes key) {
        byte[] value = pending.get(key);
        if (value != null) {
            return value == TOMBSTONE ? null : value;
        }
        return store.get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        byte[] held = value == null ? TOMBSTONE : value;
        byte[] previous = pending.put(key, held);
        pendingBytes += held.length - (previous == null ? -(key.get().length + ENTRY_OVERHEAD) : previous.length);
        if (pendingBytes >= maxPendingBytes) {
            writePending();
        }
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] old = get(key);
        put(key, null);
        return old;
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        writePending();
        return store.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        clearPending();
        super.init(context, root);
    }

    @Override
    public void close() {
        clearPending(); // a clean close flushed first; anything left is restored from the changelog
        super.close();
    }

    /** Writes what waits (before iterating reads, flushes and commits; see the superclass). */
    @Override
    protected void writeHeldWrites() {
        writePending();
    }

    /** Writes every pending entry to the store beneath in one batch (a RocksDB write batch). */
    private void writePending() {
        if (pending.isEmpty()) {
            return;
        }
        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(pending.size());
        pending.forEach((key, value) -> batch.add(KeyValue.pair(key, value == TOMBSTONE ? null : value)));
        store.putAll(batch);
        clearPending();
    }

    private void clearPending() {
        pending.clear();
        pendingBytes = 0;
    }
}
