package dev.wnd.features.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A task store with a bounded cache of deserialized values in front of it: the store (metered, record-cached,
 * change-logged RocksDB, as {@link org.apache.kafka.streams.state.Stores#keyValueStoreBuilder} builds it) stays the
 * truth, this layer only spares reads the trip through Streams' byte-keyed record cache and the value serde.
 *
 * <p>Write-through: every put and delete goes to the store at once, so its changelog and the Streams commit stay
 * exactly as without this layer (under exactly-once, the changelog holds every update of the offsets it commits),
 * and the cached value is always the store's. Absent keys are cached as absent. The cache is emptied when the store
 * is (re)initialized or closed, so a task that restores or revives its state starts cold. At most {@code capacity}
 * keys are kept, the least recently used leaving first.
 *
 * <p>Confined to the stream thread of its task, like every task store (no interactive queries on these stores).
 * Values must be immutable: callers get the cached instance.
 *
 * @param <K> key type (with value equality)
 * @param <V> value type, immutable
 */
final class ObjectCachingKeyValueStore<K, V> extends ForwardingKeyValueStore<K, V> {

    private static final Object ABSENT = new Object();

    private final Map<K, Object> values;

    ObjectCachingKeyValueStore(KeyValueStore<K, V> store, int capacity) {
        super(store);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.values = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Object> eldest) {
                return size() > capacity;
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
        store.put(key, value);
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
        V old = store.delete(key);
        values.put(key, ABSENT);
        return old;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        values.clear();
        super.init(context, root);
    }

    @Override
    public void clearCache() {
        values.clear();
        super.clearCache();
    }

    @Override
    public void close() {
        values.clear();
        super.close();
    }
}
