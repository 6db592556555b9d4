package dev.wnd.features.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A task store with a bounded cache of deserialized values in front of it, written back at commit: the store
 * beneath (metered, change-logged RocksDB, as {@link org.apache.kafka.streams.state.Stores#keyValueStoreBuilder}
 * builds it) receives each changed key once per commit instead of once per update. A CTR key that forty labels
 * touch between two commits is serialized and written once, not forty times. This layer replaces Streams' record
 * cache for its store: build the store beneath without one, or every write-back pays for it twice (a sorted insert
 * into the byte-keyed cache, then its flush).
 *
 * <p>Write-back and exactly-once: Streams calls {@link #flushCache()} on every registered store while it prepares a
 * commit, before it flushes the producer and commits the transaction with the input offsets. This layer is the
 * registered store, so it writes every changed key to the store beneath there, then flushes that store's record
 * cache: the changelog records of all updates are in the transaction that commits the offsets of the records
 * that caused them. A key that leaves the cache (least recently used, beyond {@code capacity}) while changed is
 * written back first. On a dirty close or {@link #clearCache()} (a task aborted or revived) the unwritten changes
 * are dropped with the transaction that would have carried them, and the store is restored from its changelog.
 * Each write-back runs under the record context of the update it carries, as Streams' own record cache does when
 * it flushes, so the changelog record keeps that update's timestamp and headers (through Streams' internal context
 * when the store is given one; other contexts, as in unit tests, have no record context to keep).
 *
 * <p>Reads are served from the cache, absent keys included; iterating queries ({@code range}, {@code all}, ...)
 * write back first and then read the store beneath. The cache is emptied when the store is (re)initialized or
 * closed, so a task that restores or revives its state starts cold.
 *
 * <p>Confined to the stream thread of its task, like every task store (no interactive queries on these stores).
 * Values must be immutable: callers get the cached instance.
 *
 * @param <K> key type (with value equality)
 * @param <V> value type, immutable
 */
final class ObjectCachingKeyValueStore<K, V> extends ForwardingKeyValueStore<K, V> {

    private static final Object ABSENT = new Object();
    /** The record context of an update made where there is none to keep. */
    private static final Object NO_CONTEXT = new Object();

    private final Map<K, Object> values;
    /** Changed keys not yet written to the store beneath, with the record context of their last update. */
    private final Map<K, Object> dirty = new HashMap<>();
    private InternalProcessorContext<?, ?> internal;

    ObjectCachingKeyValueStore(KeyValueStore<K, V> store, int capacity) {
        super(store);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.values = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Object> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                Object context = dirty.remove(eldest.getKey());
                if (context != null) {
                    writeBack(eldest.getKey(), eldest.getValue(), context);
                }
                return true;
            }
        };
    }

    /** A builder of this layer over the store {@code inner} builds, keeping at most {@code capacity} values. */
    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner, int capacity) {
        return ForwardingKeyValueStore.builder(inner, store -> new ObjectCachingKeyValueStore<>(store, capacity));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(K key) {
        Object cached = values.get(key);
        if (cached != null) {
            return cached == ABSENT ? null : (V) cached;
        }
        V value = store.get(key);
        values.put(key, value == null ? ABSENT : value);
        return value;
    }

    @Override
    public void put(K key, V value) {
        dirty.put(key, currentContext());
        values.put(key, value == null ? ABSENT : value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public V delete(K key) {
        V old = get(key);
        put(key, null);
        return old;
    }

    @Override
    public void flushCache() {
        writeBackAll();
        super.flushCache();
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
        writeBackAll();
        super.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeBackAll();
        super.commit(changelogOffsets);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeBackAll();
        return super.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeBackAll();
        return super.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeBackAll();
        return super.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeBackAll();
        return super.reverseAll();
    }

    @Override
    public long approximateNumEntries() {
        writeBackAll();
        return super.approximateNumEntries();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
        writeBackAll();
        return super.query(query, bound, config);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        internal = context instanceof InternalProcessorContext<?, ?> c ? c : null;
        super.init(context, root);
    }

    @Override
    public void clearCache() {
        forget();
        super.clearCache();
    }

    @Override
    public void close() {
        forget();
        super.close();
    }

    private void forget() {
        values.clear();
        dirty.clear();
    }

    private Object currentContext() {
        Object context = internal == null ? null : internal.recordContext();
        return context == null ? NO_CONTEXT : context;
    }

    private void writeBackAll() {
        if (dirty.isEmpty()) {
            return;
        }
        List<Map.Entry<K, Object>> changes = new ArrayList<>(dirty.entrySet());
        dirty.clear();
        for (Map.Entry<K, Object> change : changes) {
            Object cached = values.get(change.getKey());
            if (cached == null) { // a changed key leaves the cache only through removeEldestEntry, written back
                throw new IllegalStateException("changed key " + change.getKey() + " is no longer cached");
            }
            writeBack(change.getKey(), cached, change.getValue());
        }
    }

    /** Writes {@code cached} (a value or {@link #ABSENT}) to the store beneath under the update's record context. */
    @SuppressWarnings("unchecked")
    private void writeBack(K key, Object cached, Object context) {
        V value = cached == ABSENT ? null : (V) cached;
        if (internal == null || context == NO_CONTEXT) {
            store.put(key, value);
            return;
        }
        ProcessorRecordContext current = internal.recordContext();
        internal.setRecordContext((ProcessorRecordContext) context);
        try {
            store.put(key, value);
        } finally {
            internal.setRecordContext(current);
        }
    }
}
