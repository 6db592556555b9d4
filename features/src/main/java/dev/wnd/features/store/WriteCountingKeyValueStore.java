package dev.wnd.features.store;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A global store that counts its writes, so that readers on stream threads may keep deserialized values of it and
 * know when to drop them: a reader remembers the count it read with, and forgets everything once the count moves
 * (see {@link DimensionStore}). The global thread writes (put, then count); stream threads read.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class WriteCountingKeyValueStore<K, V> extends ForwardingKeyValueStore<K, V> {

    private final AtomicLong writes = new AtomicLong();

    private WriteCountingKeyValueStore(KeyValueStore<K, V> store) {
        super(store);
    }

    /** A builder of this layer over the store {@code inner} builds. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner) {
        return ForwardingKeyValueStore.builder(inner, WriteCountingKeyValueStore::new);
    }

    /**
     * The counting layer under the store a processor context hands out (Streams wraps global stores in read-only
     * or read-write decorators), or null when {@code handed} has none.
     */
    public static WriteCountingKeyValueStore<?, ?> under(StateStore handed) {
        StateStore s = handed;
        while (s != null) {
            if (s instanceof WriteCountingKeyValueStore<?, ?> counting) {
                return counting;
            }
            s = s instanceof WrappedStateStore<?, ?, ?> wrapped ? wrapped.wrapped() : null;
        }
        return null;
    }

    /** Writes so far (puts and deletes since the store was opened); moves after the write is in the store. */
    public long writes() {
        return writes.get();
    }

    @Override
    public void put(K key, V value) {
        store.put(key, value);
        writes.incrementAndGet();
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V current = store.putIfAbsent(key, value);
        writes.incrementAndGet();
        return current;
    }

    @Override
    public V delete(K key) {
        V old = store.delete(key);
        writes.incrementAndGet();
        return old;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        writes.incrementAndGet();
        super.init(context, root);
    }
}
